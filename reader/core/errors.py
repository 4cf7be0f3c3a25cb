"""Errors the CLI and the app show as one clear line (never a traceback)."""


class PapersError(Exception):
    """A problem the user can act on; its message is shown as is."""


class QueryError(PapersError):
    """The search text could not be understood."""


class UnknownPaperError(PapersError):
    """No paper has this ID (or ID prefix)."""


class StoreError(PapersError):
    """The user store cannot be opened or written; it is left as it was."""


class IndexBusyError(PapersError):
    """Another process is writing the index."""


class IndexReadError(PapersError):
    """The index could not be read (being rebuilt, or damaged)."""
