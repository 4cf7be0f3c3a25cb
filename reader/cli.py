"""The `papers` command: parses arguments, calls the Library, starts the app.

Output for people and scripts goes to stdout (`--json` for machines);
progress and messages go to stderr. Exit codes: 0 success, 1 a user error
with a one-line message, 2 usage.

Every line for people goes through `printable()` (`out` and `say`): file
names, notes and titles come from outside and must never reach the terminal
as escape sequences. JSON escapes the same characters (`print_json`).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import secrets
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .completion import SHELLS, complete_if_asked, completion_script, man_page
from .core import journal
from .core.atomic import PRIVATE, write_atomic
from .core.config import State, folder_key, forget_folders, remember_folders
from .core.editor import edit_note, recover_drafts, with_final_newline
from .core.errors import PapersError
from .core.export import FORMAT_NAMES, Options, Scope
from .core.library import Library
from .core.locations import Locations, bundled_dumps, privacy_problems
from .core.models import IndexReport, Paper, UserState, plural
from .core.store import Store, StoreDamagedError
from .core.text import printable
from .core.views import FILTERS, SORTS, Filter, Sort, filter_named, sort_named, sort_names
from .progress import StderrProgress

COMMANDS = (
    "index",
    "search",
    "show",
    "star",
    "unstar",
    "seen",
    "unseen",
    "note",
    "undo",
    "export",
    "backup",
    "restore",
    "stats",
    "folders",
    "completion",
    "manpage",
)
MAX_PROBLEMS_SHOWN = 20
MIN_WIDTH = 20
# JSON keeps every character, but these would act on a terminal as raw text.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff]")


def out(text: str = "") -> None:
    """A line for people on stdout."""
    print(printable(text))


def say(text: str) -> None:
    """A message on stderr."""
    print(printable(text), file=sys.stderr)


def print_json(data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    print(_JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text))


def _file_mode(text: str) -> int:
    try:
        mode = int(text, 8)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an octal mode such as 600 or 644") from None
    if not 0 <= mode <= 0o777:
        raise argparse.ArgumentTypeError(f"{text!r} is not a file mode (000 to 777)")
    return mode


Handler = Callable[[Library, argparse.Namespace], int]


def _dirs_parent(suppress: bool) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if suppress else None
    group = parent.add_argument_group("where files live")
    group.add_argument("--data-dir", default=default, help="user store (stars, notes); env PAPERS_DATA_DIR")
    group.add_argument("--cache-dir", default=default, help="index (rebuildable); env PAPERS_CACHE_DIR")
    group.add_argument("--config-dir", default=default, help="config and remembered dumps; env PAPERS_CONFIG_DIR")
    # On every parser, so `papers search --version` works as well as `papers --version`.
    parent.add_argument("--version", action="version", version=f"papers {__version__}")
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The subcommand parser (`papers COMMAND ...`)."""
    parser = argparse.ArgumentParser(
        prog="papers",
        description="A keyboard-first reader for saved Hugging Face Daily Papers pages.",
        epilog="Run `papers [DUMP ...]` with no command to open the reader.",
        parents=[_dirs_parent(False)],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    dirs = _dirs_parent(True)

    index = commands.add_parser("index", parents=[dirs], help="index dumps (only new or changed ones are read)")
    index.add_argument("dumps", nargs="*", type=Path, metavar="DUMP", help="a .txt dump or a folder of them")
    index.add_argument("--rebuild", action="store_true", help="throw the index away and build it again")
    index.add_argument(
        "--wait", type=float, default=120.0, metavar="SECONDS", help="wait this long for another indexer (default 120)"
    )
    index.set_defaults(handler=cmd_index)

    search = commands.add_parser("search", parents=[dirs], help="search titles and abstracts")
    search.add_argument("query", nargs="+", help='Whoosh query: words, "phrases", title:, AND/OR/NOT, x*, x~')
    search.add_argument("--limit", type=int, default=20, help="how many results (0: all; default 20)")
    search.add_argument("--sort", choices=sort_names(), default=Sort.RELEVANCE.name, help=_sorts_help())
    search.add_argument("--filter", choices=list(FILTERS), default=Filter.ALL.name, help=_filters_help())
    search.add_argument("--json", action="store_true", help="print a JSON list")
    search.set_defaults(handler=cmd_search)

    show = commands.add_parser("show", parents=[dirs], help="show one paper")
    show.add_argument("id", help="paper ID (or a unique prefix of one)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    for name, handler, text in (("star", cmd_star, "star papers"), ("unstar", cmd_unstar, "remove stars")):
        sub = commands.add_parser(name, parents=[dirs], help=text)
        sub.add_argument("ids", nargs="+", metavar="ID")
        sub.set_defaults(handler=handler)
    for name, handler, text in (
        ("seen", cmd_seen, "mark papers seen (they are no longer new)"),
        ("unseen", cmd_unseen, "mark papers unseen"),
    ):
        sub = commands.add_parser(name, parents=[dirs], help=text)
        sub.add_argument("ids", nargs="+", metavar="ID")
        sub.set_defaults(handler=handler)

    note = commands.add_parser("note", parents=[dirs], help="show, set, edit or clear a paper's note")
    note.add_argument("id")
    action = note.add_mutually_exclusive_group()
    action.add_argument("--set", metavar="TEXT", help="the note's new text; `-` reads it from stdin")
    action.add_argument("--edit", action="store_true", help="edit the note in $VISUAL / $EDITOR")
    action.add_argument("--clear", action="store_true", help="delete the note")
    note.set_defaults(handler=cmd_note)

    undo = commands.add_parser(
        "undo", parents=[dirs], help="undo the last star, unstar, seen, unseen or note change made by a papers command"
    )
    undo.add_argument(
        "--force", action="store_true", help="put back the value from before even where it was changed since"
    )
    undo.add_argument("--list", action="store_true", help="list the changes `papers undo` can undo, newest first")
    undo.add_argument("--json", action="store_true", help="print what was undone (or --list) as JSON")
    undo.set_defaults(handler=cmd_undo)

    export = commands.add_parser("export", parents=[dirs], help="export starred papers (or others) with notes")
    export.add_argument(
        "--format",
        "-f",
        default="markdown",
        choices=FORMAT_NAMES,
        help=f"{', '.join(FORMAT_NAMES)} (default: markdown)",
    )
    export.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here (default: stdout)")
    export.add_argument(
        "--scope",
        choices=[s.value for s in Scope],
        help="starred (default), noted (every paper with a note), results (of --query)",
    )
    export.add_argument("--query", "-q", metavar="Q", help="export this search's results")
    export.add_argument("--sort", choices=sort_names(), default=Sort.RELEVANCE.name, help=_sorts_help())
    export.add_argument("--group-by-date", action="store_true", help="markdown: one section per dump date")
    export.add_argument("--force", action="store_true", help="overwrite an existing --output file")
    export.add_argument(
        "--mode", type=_file_mode, default=PRIVATE, metavar="OCTAL", help="--output file permissions (default 600)"
    )
    export.set_defaults(handler=cmd_export)

    backup = commands.add_parser("backup", parents=[dirs], help="write all stars, notes and seen marks as JSON")
    backup.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here (default: stdout)")
    backup.add_argument("--force", action="store_true", help="overwrite an existing --output file")
    backup.add_argument(
        "--mode", type=_file_mode, default=PRIVATE, metavar="OCTAL", help="--output file permissions (default 600)"
    )
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser("restore", parents=[dirs], help="merge a backup into your data (nothing is deleted)")
    restore.add_argument("file", type=Path, metavar="FILE", help="a file from `papers backup` (- for stdin)")
    restore.set_defaults(handler=cmd_restore)

    stats = commands.add_parser("stats", parents=[dirs], help="counts of papers, dumps, stars, notes")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=cmd_stats)

    folders = commands.add_parser("folders", parents=[dirs], help="list, add or forget the remembered dump folders")
    folders.add_argument("action", nargs="?", choices=("list", "add", "forget"), default="list")
    folders.add_argument("paths", nargs="*", metavar="FOLDER", help="dump folders (or .txt files) to add or forget")
    folders.add_argument("--json", action="store_true", help="list as JSON")
    folders.set_defaults(handler=cmd_folders)

    completion = commands.add_parser("completion", parents=[dirs], help="print the shell completion script")
    completion.add_argument("shell", choices=SHELLS, help='bash: add `eval "$(papers completion bash)"` to ~/.bashrc')
    completion.set_defaults(handler=cmd_completion)

    manpage = commands.add_parser("manpage", parents=[dirs], help="print the man page (troff)")
    manpage.set_defaults(handler=cmd_manpage)
    return parser


def _filters_help() -> str:
    return ", ".join(f"{f.name}: {f.label}" for f in FILTERS.values()).replace("%", "%%")


def _sorts_help() -> str:
    return "; ".join(f"{s.name}: {s.help}" for s in SORTS.values()).replace("%", "%%")


def build_app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papers",
        description="Open the reader on DUMPs (remembered), or on the remembered dumps, "
        f"else the bundled samples. Commands: {', '.join(COMMANDS)} (papers COMMAND --help).",
        parents=[_dirs_parent(False)],
    )
    parser.add_argument("dumps", nargs="*", type=Path, metavar="DUMP", help="a .txt dump or a folder of them")
    return parser


def _wants_command(argv: Sequence[str]) -> bool:
    """Is the first positional argument a command (or is help asked for)?"""
    takes_value = {"--data-dir", "--cache-dir", "--config-dir"}
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token in takes_value:
            skip = True
            continue
        if token.startswith("-"):
            continue
        return token in COMMANDS
    return False


def _first_positional(argv: Sequence[str]) -> str | None:
    takes_value = {"--data-dir", "--cache-dir", "--config-dir"}
    tokens = iter(argv)
    for token in tokens:
        if token in takes_value:
            next(tokens, None)
        elif not token.startswith("-"):
            return token
    return None


def _mistyped_command(argv: Sequence[str]) -> str | None:
    """`papers serach kv`: the command the user probably meant, when the
    word is neither a command nor an existing file or folder."""
    word = _first_positional(argv)
    if word is None or word in COMMANDS or Path(word).exists():
        return None
    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    return close[0] if close else None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    complete_if_asked(parser)  # a shell asking for completions: answered here, then exit
    if _wants_command(args_list) or (args_list and args_list[0] in {"-h", "--help"}):
        args = parser.parse_args(args_list)
    else:
        meant = _mistyped_command(args_list)
        if meant is not None:
            word = printable(_first_positional(args_list) or "")
            say(f"papers: {word!r} is not a command, file or folder; did you mean `papers {meant}`?")
            return 2
        args = build_app_parser().parse_args(args_list)
        args.handler = cmd_app
    try:
        library = Library(Locations.resolve(args.data_dir, args.cache_dir, args.config_dir))
        args.notices = [] if args.handler is cmd_backup else recover_notes(library)
        if args.handler is not cmd_app:
            for notice in args.notices:
                say(f"papers: {notice}")
        if args.handler in JOURNALED:
            # One command's changes are one step of `papers undo`.
            library.store.record_as(journal.CLI, secrets.token_hex(8))
        handler: Handler = args.handler
        return handler(library, args)
    except PapersError as error:
        say(f"papers: {error}")
        return 1
    except KeyboardInterrupt:
        print("papers: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `papers search x | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0


def recover_notes(library: Library) -> list[str]:
    """Save notes left in drafts by a papers killed while its editor was open."""
    drafts = library.locations.drafts_dir
    if not drafts.is_dir():
        return []
    try:
        return recover_drafts(drafts, lambda: library.store)
    except PapersError as error:
        return [f"notes left in {drafts} could not be recovered: {error}"]


# indexing -----------------------------------------------------------------
def print_report(report: IndexReport) -> None:
    if report.rebuilt_because:
        say(f"papers: rebuilt the index: {report.rebuilt_because}")
    shown = [p for p in report.problems if p.severity != "info" or report.dumps_read]
    shown.sort(key=lambda p: p.severity == "info")  # notes after the problems
    for problem in shown[:MAX_PROBLEMS_SHOWN]:
        say(f"  {problem}")
    if len(shown) > MAX_PROBLEMS_SHOWN:
        say(f"  ... and {len(shown) - MAX_PROBLEMS_SHOWN} more problems")
    say(report.summary())


def ensure_index(library: Library) -> None:
    """Commands that read the index build it first if there is none, or
    rebuild it if it cannot be read (it is a cache of the dumps)."""
    problem = library.index_problem()
    if problem:
        say(f"papers: {problem}; indexing the dumps first")
        print_report(library.index(progress=StderrProgress(), wait=60.0))


def cmd_index(library: Library, args: argparse.Namespace) -> int:
    from .core.dumps import find_dump_files  # the dump parsers: only when indexing

    missing = [p for p in args.dumps if not p.exists()]
    if missing:
        raise PapersError(f"{missing[0]}: no such file or folder")
    for folder in args.dumps:
        if folder.is_dir() and not find_dump_files([folder])[0]:
            # Remembering an empty folder would replace the bundled samples
            # with nothing and report every sample paper as removed.
            raise PapersError(
                f"{folder}: no dumps found (.txt, .md, .markdown or .json files); nothing was remembered or changed"
            )
    report = library.index(args.dumps, rebuild=args.rebuild, progress=StderrProgress(), wait=args.wait)
    print_report(report)
    merged = library.merge(StderrProgress())  # many small commits leave many parts: merged here, not while committing
    if merged.merged:
        say(f"merged {merged.merged} parts of the index ({merged.documents} papers) into one")
    elif merged.gave_up:
        say(f"the index's parts were left as they are: {merged.gave_up}")
    return 0


def cmd_app(library: Library, args: argparse.Namespace) -> int:
    missing = [p for p in args.dumps if not p.exists()]
    if missing:
        raise PapersError(f"{missing[0]}: no such file or folder")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise PapersError("the reader needs a terminal; for scripts use a command (papers --help)")
    if args.dumps:
        library.remember(args.dumps)
    else:
        State.load(library.locations.state_path)  # one it cannot read stops us before the screen does
    library.store  # noqa: B018 - open the store now: one it cannot trust stops us before the screen does
    from .tui.interrupts import Interrupts
    from .tui.prepaint import prepaint

    with Interrupts() as interrupts:  # Ctrl+C from here on is acted on where it is safe
        # The first rows are on the terminal before Textual is imported (~0.3 s).
        start = prepaint(library)
        try:
            interrupts.check()
            from .tui.app import run_app

            interrupts.check()
        except BaseException:
            start.undo()
            raise
        return run_app(library, args.notices, start, interrupts)


# reading ------------------------------------------------------------------
def paper_json(paper: Paper, state: UserState, score: float | None = None) -> dict[str, Any]:
    """The JSON export's paper record, with its version (docs/export-schema.md)."""
    from .core.export.schema import standalone_record

    return standalone_record(paper, state, score)


def cmd_search(library: Library, args: argparse.Namespace) -> int:
    ensure_index(library)
    if args.limit < 0:
        raise PapersError("--limit must be 0 (all) or more")
    query = " ".join(args.query)
    result = library.search(query, sort_named(args.sort), filter_named(args.filter), limit=args.limit or None)
    for notice in result.notices:
        say(f"papers: {notice}")
    papers = library.papers(result.ids)
    states = library.states(result.ids)
    if args.json:
        rows = [
            paper_json(papers[pid], states.get(pid, UserState(pid)), result.scores.get(pid, 0.0))
            for pid in result.ids
            if pid in papers
        ]
        print_json(rows)
        return 0
    if args.limit and len(result.ids) == args.limit:
        matching = len(library.search(query, sort_named(args.sort), filter_named(args.filter)).ids)
        if matching > args.limit:
            say(f"papers: {args.limit} of {matching} (use --limit 0 for all)")
    if not result.ids:
        hint = library.suggest(query)
        tip = f"; try: {' | '.join(hint)}" if hint else ""
        say(f"papers: no papers match {query!r}{tip}")
        return 0
    for rank, pid in enumerate(result.ids, start=1):
        paper = papers[pid]
        state = states.get(pid, UserState(pid))
        mark = "*" if state.starred else " "
        date = paper.newest_date.isoformat() if paper.newest_date else "          "
        out(f"{rank:>3}. {pid} {mark} {date}  {paper.title}")
    return 0


def paper_arg(library: Library, text: str) -> Paper:
    """The paper a command-line ID (or unique prefix) names."""
    ensure_index(library)
    return library.paper(library.resolve_id(text))


def cmd_show(library: Library, args: argparse.Namespace) -> int:
    paper = paper_arg(library, args.id)
    state = library.state(paper.id)
    if args.json:
        print_json(paper_json(paper, state))
        return 0
    out(paper.title)
    out(f"ID {paper.id}{'   * starred' if state.starred else ''}")
    for dump in paper.dumps:
        out(f"  in {dump.path}" + (f" ({dump.date.isoformat()})" if dump.date else ""))
    if not paper.dumps:
        out("  (its dumps are gone: the abstract is not available)")
    if paper.abstract:
        out()
        out(textwrap.fill(paper.abstract, width=_text_width()))
    if state.note:
        out("\nNote:")
        out(textwrap.indent(state.note.rstrip("\n"), "  "))
    return 0


def _text_width() -> int:
    """Wrap at the terminal's width, at most 100; a terminal that reports no
    width (0 columns, or none) gets 100, a tiny one at least MIN_WIDTH."""
    try:
        columns = os.get_terminal_size().columns
    except OSError:
        columns = 0
    return 100 if columns <= 0 else max(MIN_WIDTH, min(100, columns))


# triage -------------------------------------------------------------------
def cmd_star(library: Library, args: argparse.Namespace) -> int:
    for paper in [paper_arg(library, i) for i in args.ids]:
        changed = library.star(paper)
        say(f"{'starred' if changed else 'already starred'}: {paper.id} {paper.title}")
    return 0


def cmd_unstar(library: Library, args: argparse.Namespace) -> int:
    ensure_index(library)
    for pid in [library.resolve_id(i) for i in args.ids]:
        changed = library.unstar(pid)
        say(f"{'unstarred' if changed else 'was not starred'}: {pid}")
    return 0


def cmd_seen(library: Library, args: argparse.Namespace) -> int:
    for paper in [paper_arg(library, i) for i in args.ids]:
        changed = library.set_seen(paper, True)
        say(f"{'marked seen' if changed else 'already seen'}: {paper.id} {paper.title}")
    return 0


def cmd_unseen(library: Library, args: argparse.Namespace) -> int:
    for paper in [paper_arg(library, i) for i in args.ids]:
        changed = library.set_seen(paper, False)
        say(f"{'marked unseen' if changed else 'was not seen'}: {paper.id} {paper.title}")
    return 0


def cmd_note(library: Library, args: argparse.Namespace) -> int:
    paper = paper_arg(library, args.id)
    pid = paper.id
    if args.clear:
        library.save_note(paper, "")
        say(f"note cleared: {pid}")
        return 0
    if args.edit:
        edit = edit_note(library.store, library.locations.drafts_dir, pid, paper.title)
        if edit.notice:
            say(f"papers: {edit.notice}")
        if edit.saved is None:
            say("note unchanged")
            return 0
        if edit.saved.merged:
            say("papers: the note changed elsewhere while you edited; both texts were kept")
        say(f"note {'saved' if edit.saved.note else 'cleared'}: {pid}")
        return 0
    current = library.note(pid)
    if args.set is None:
        if current:
            sys.stdout.write(printable(with_final_newline(current.text)))
        else:
            say(f"papers: no note on {pid}")
        return 0
    text = sys.stdin.read() if args.set == "-" else args.set
    saved = library.save_note(paper, text)
    say(f"note {'saved' if saved.note else 'cleared'}: {pid}")
    return 0


def cmd_undo(library: Library, args: argparse.Namespace) -> int:
    store = library.store
    if args.list:
        entries = store.changes(journal.CLI, limit=100)
        if args.json:
            print_json([_entry_json(entry) for entry in entries])
        for entry in [] if args.json else entries:
            out(f"{entry.at.astimezone():%Y-%m-%d %H:%M}  {entry.describe()}")
        if not entries:
            say("papers: no change made by a papers command is left to undo")
        return 0
    undo = store.undo_last(journal.CLI, force=args.force)
    if undo is None:
        raise PapersError(
            "nothing to undo: no change made by a papers command is left to undo "
            "(changes made in the app are undone in the app)"
        )
    if args.json:
        print_json({"undone": undo.applied, "changes": [_step_json(step) for step in undo.steps]})
    if not undo.applied:
        for step in undo.steps:
            if step.status == "conflict":
                say(
                    f"papers: not undone: {step.entry.describe()}: {_changed(step)} since{_by(step)}; "
                    "undo would overwrite that"
                )
        say("papers: nothing was changed; `papers undo --force` puts back the values from before anyway")
        return 1
    for step in undo.steps:
        if step.status == "already":
            note = f" (already as before: changed back since{_by(step)})"
        elif step.status == "forced":
            note = f" (over a change made since{_by(step)})"
        else:
            note = ""
        say(f"undid: {step.entry.describe()}{note}")
    return 0


def _changed(step: journal.Step) -> str:
    """What happened to the value since the change (only a note can differ from both sides)."""
    if step.entry.kind != journal.NOTE:
        return "it was changed"
    return "the note was edited" if step.now is not None else "the note was cleared"


def _by(step: journal.Step) -> str:
    """Who made the newest change since, when the journal knows (a restore is not journaled)."""
    since = step.since
    if since is None:
        return ""
    who = "by a papers command" if since.origin == journal.CLI else "in the app"
    return f" {who} at {since.at.astimezone():%Y-%m-%d %H:%M}"


def _entry_json(entry: journal.Entry) -> dict[str, Any]:
    return {
        "change": journal.describe(entry.kind, entry.new is not None),
        "id": entry.paper_id,
        "title": entry.title,
        "at": entry.at.isoformat(),
        "origin": entry.origin,
        "before": entry.shown(entry.old),
        "after": entry.shown(entry.new),
    }


def _step_json(step: journal.Step) -> dict[str, Any]:
    since = step.since
    return {
        **_entry_json(step.entry),
        "status": step.status,
        "now": step.entry.shown(step.now),
        "changed_since": None if since is None else {"origin": since.origin, "at": since.at.isoformat()},
    }


def own_files(library: Library) -> list[Path]:
    """Files papers itself keeps: no export or backup may be written over them."""
    locations = library.locations
    store = locations.store_path
    return [
        store,
        store.with_name(store.name + "-wal"),
        store.with_name(store.name + "-shm"),
        locations.state_path,
        locations.config_path,
        locations.catalog_path,
    ]


def _same_file(first: Path, second: Path) -> bool:
    try:
        if first.resolve() == second.resolve():
            return True
        return first.exists() and second.exists() and os.path.samefile(first, second)
    except OSError:
        return False


def write_output(
    text: str, output: Path | None, force: bool, mode: int = PRIVATE, protected: Sequence[Path] = ()
) -> None:
    """To stdout, or atomically to a file that is not overwritten unless
    forced, and never one of papers' own files."""
    if output is None or str(output) == "-":
        # A file or pipe gets the text as it is; a terminal never gets escapes.
        sys.stdout.write(printable(text) if sys.stdout.isatty() else text)
        return
    for own in protected:
        if _same_file(output, own):
            raise PapersError(f"{output} is papers' own {own.name}; write to another file (nothing was written)")
    if output.exists() and not force:
        raise PapersError(f"{output} exists; use --force to overwrite it")
    if output.is_dir():
        raise PapersError(f"{output} is a folder; give a file name")
    try:
        write_atomic(output, text, mode)
    except OSError as error:
        raise PapersError(f"{output}: cannot write ({error.strerror})") from error


def cmd_export(library: Library, args: argparse.Namespace) -> int:
    scope = Scope(args.scope) if args.scope else (Scope.RESULTS if args.query is not None else Scope.STARRED)
    if scope is Scope.RESULTS and args.query is None:
        raise PapersError("--scope results needs --query (the search whose results to export)")
    if scope is Scope.RESULTS or scope is Scope.STARRED:
        ensure_index(library)
    options = Options(sort_named(args.sort), args.group_by_date)
    text, count = library.export(args.format, scope, args.query or "", options)
    write_output(text, args.output, args.force, args.mode, own_files(library))
    where = f" to {args.output}" if args.output else ""
    say(f"exported {plural(count, 'paper')} ({scope.value}) as {args.format}{where}")
    return 0


def cmd_backup(library: Library, args: argparse.Namespace) -> int:
    from .core.backup import backup_json, rows_json
    from .core.salvage import salvage

    path = library.locations.store_path
    damaged: StoreDamagedError | None = None
    try:
        # Read-only: a backup works even where the store cannot be written.
        with Store(path, readonly=True) as store:
            text = backup_json(store)
            counts = store.counts()
    except StoreDamagedError as error:
        damaged = error
        rescued = salvage(path)
        text = rows_json(rescued.stars, rescued.notes, rescued.seen)
        counts = {"stars": len(rescued.stars), "notes": len(rescued.notes), "seen": len(rescued.seen)}
    write_output(text, args.output, args.force, args.mode, own_files(library))
    where = f" to {args.output}" if args.output else ""
    saved = f"{counts['stars']} stars, {counts['notes']} notes, {counts['seen']} seen marks{where}"
    if damaged is None:
        say(f"backed up {saved}")
        return 0
    say(f"papers: {damaged}")
    say(f"papers: the store is damaged; saved what could be read: {saved}")
    return 1


def cmd_restore(library: Library, args: argparse.Namespace) -> int:
    from .core.backup import restore_json

    if str(args.file) == "-":
        text, source = sys.stdin.read(), "<stdin>"
    else:
        try:
            text, source = args.file.read_text(encoding="utf-8"), str(args.file)
        except (OSError, UnicodeDecodeError) as error:
            raise PapersError(f"{args.file}: cannot read ({getattr(error, 'strerror', None) or error})") from error
    report = restore_json(library.store, text, source)
    say(f"restored from {source}: {report.summary()}")
    return 0


def cmd_stats(library: Library, args: argparse.Namespace) -> int:
    if library.index_damaged():  # rebuilt; a missing index is not built just to count it
        ensure_index(library)
    stats = library.stats()
    warnings = privacy_problems(library.locations)
    if args.json:
        print_json({**stats, "warnings": warnings})
    else:
        for key, value in stats.items():
            shown = ", ".join(value) if isinstance(value, list) else value
            out(f"{key.replace('_', ' ')}: {shown}")
        for warning in warnings:
            out(f"warning: {warning}")
    return 0


def cmd_completion(library: Library, args: argparse.Namespace) -> int:
    print(completion_script(args.shell))
    return 0


def cmd_manpage(library: Library, args: argparse.Namespace) -> int:
    print(man_page(build_parser()), end="")
    return 0


def cmd_folders(library: Library, args: argparse.Namespace) -> int:
    state_path = library.locations.state_path
    if args.action == "list":
        if args.paths:
            raise PapersError("`papers folders` lists all; to add or forget: papers folders add|forget FOLDER")
        remembered = State.load(state_path).dumps
        if args.json:
            print_json([{"path": folder, "exists": Path(folder).exists()} for folder in remembered])
            return 0
        for folder in remembered:
            out(folder + ("" if Path(folder).exists() else "   (missing)"))
        if not remembered:
            say(f"papers: no folders remembered; papers reads the bundled samples ({bundled_dumps()})")
        return 0
    if not args.paths:
        raise PapersError(f"papers folders {args.action} needs at least one FOLDER")
    if args.action == "add":
        missing = [p for p in args.paths if not Path(p).exists()]
        if missing:
            raise PapersError(f"{missing[0]}: no such file or folder; nothing was added")
        added = remember_folders(state_path, [Path(p) for p in args.paths])
        for folder in args.paths:
            key = folder_key(Path(folder))
            say(f"{'remembered' if key in added else 'already remembered'}: {key}")
        if added:
            say("papers: `papers index` (or opening the reader) reads them")
        return 0
    for folder in forget_folders(state_path, list(args.paths)):
        say(f"forgotten: {folder}")
    say("papers: their papers leave the index at the next `papers index`; stars and notes stay")
    return 0


# The commands whose changes `papers undo` undoes (one command, one step).
JOURNALED: frozenset[Handler] = frozenset({cmd_star, cmd_unstar, cmd_seen, cmd_unseen, cmd_note})
