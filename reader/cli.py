"""The `papers` command: parses arguments, calls the Library, starts the app.

Output for people and scripts goes to stdout (`--json` for machines);
progress and messages go to stderr. Exit codes: 0 success, 1 a user error
with a one-line message, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .core.atomic import write_atomic
from .core.backup import backup_json, restore_json
from .core.editor import edit_text
from .core.errors import PapersError
from .core.export import FORMAT_NAMES, Options, Order, Scope
from .core.library import Library
from .core.locations import Locations
from .core.models import Filter, IndexReport, Paper, Sort, UserState
from .core.store import Store
from .progress import StderrProgress

COMMANDS = ("index", "search", "show", "star", "unstar", "note", "export", "backup", "restore", "stats")
MAX_PROBLEMS_SHOWN = 20

Handler = Callable[[Library, argparse.Namespace], int]


def _dirs_parent(suppress: bool) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if suppress else None
    group = parent.add_argument_group("where files live")
    group.add_argument("--data-dir", default=default, help="user store (stars, notes); env PAPERS_DATA_DIR")
    group.add_argument("--cache-dir", default=default, help="index (rebuildable); env PAPERS_CACHE_DIR")
    group.add_argument("--config-dir", default=default, help="config and remembered dumps; env PAPERS_CONFIG_DIR")
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The subcommand parser (`papers COMMAND ...`)."""
    parser = argparse.ArgumentParser(
        prog="papers",
        description="A keyboard-first reader for saved Hugging Face Daily Papers pages.",
        epilog="Run `papers [DUMP ...]` with no command to open the reader.",
        parents=[_dirs_parent(False)],
    )
    parser.add_argument("--version", action="version", version=f"papers {__version__}")
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
    search.add_argument("--sort", choices=[s.value for s in Sort], default=Sort.RELEVANCE.value)
    search.add_argument("--filter", choices=[f.value for f in Filter], default=Filter.ALL.value)
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

    note = commands.add_parser("note", parents=[dirs], help="show, set, edit or clear a paper's note")
    note.add_argument("id")
    action = note.add_mutually_exclusive_group()
    action.add_argument("--set", metavar="TEXT", help="the note's new text; `-` reads it from stdin")
    action.add_argument("--edit", action="store_true", help="edit the note in $VISUAL / $EDITOR")
    action.add_argument("--clear", action="store_true", help="delete the note")
    note.set_defaults(handler=cmd_note)

    export = commands.add_parser("export", parents=[dirs], help="export starred papers (or others) with notes")
    export.add_argument(
        "--format", "-f", default="markdown", metavar="FORMAT", help=f"{', '.join(FORMAT_NAMES)} (default: markdown)"
    )
    export.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here (default: stdout)")
    export.add_argument(
        "--scope",
        choices=[s.value for s in Scope],
        help="starred (default), noted (every paper with a note), results (of --query)",
    )
    export.add_argument("--query", "-q", metavar="Q", help="export this search's results")
    export.add_argument(
        "--sort",
        choices=[o.value for o in Order],
        default=Order.NATURAL.value,
        help="natural (newest star / note first, or search rank), starred, date (newest dump first), title",
    )
    export.add_argument("--group-by-date", action="store_true", help="markdown: one section per dump date")
    export.add_argument("--force", action="store_true", help="overwrite an existing --output file")
    export.set_defaults(handler=cmd_export)

    backup = commands.add_parser("backup", parents=[dirs], help="write all stars, notes and seen marks as JSON")
    backup.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here (default: stdout)")
    backup.add_argument("--force", action="store_true", help="overwrite an existing --output file")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser("restore", parents=[dirs], help="merge a backup into your data (nothing is deleted)")
    restore.add_argument("file", type=Path, metavar="FILE", help="a file from `papers backup` (- for stdin)")
    restore.set_defaults(handler=cmd_restore)

    stats = commands.add_parser("stats", parents=[dirs], help="counts of papers, dumps, stars, notes")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=cmd_stats)
    return parser


def build_app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papers",
        description="Open the reader on DUMPs (remembered), or on the remembered dumps, "
        f"else the bundled samples. Commands: {', '.join(COMMANDS)} (papers COMMAND --help).",
        parents=[_dirs_parent(False)],
    )
    parser.add_argument("--version", action="version", version=f"papers {__version__}")
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


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if _wants_command(args_list) or (args_list and args_list[0] in {"-h", "--help"}):
        args = build_parser().parse_args(args_list)
    else:
        args = build_app_parser().parse_args(args_list)
        args.handler = cmd_app
    try:
        library = Library(Locations.resolve(args.data_dir, args.cache_dir, args.config_dir))
        handler: Handler = args.handler
        return handler(library, args)
    except PapersError as error:
        print(f"papers: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("papers: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `papers search x | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0


# indexing -----------------------------------------------------------------
def print_report(report: IndexReport) -> None:
    if report.rebuilt_because:
        print(f"papers: rebuilt the index: {report.rebuilt_because}", file=sys.stderr)
    shown = [p for p in report.problems if p.severity != "info" or report.dumps_read]
    for problem in shown[:MAX_PROBLEMS_SHOWN]:
        print(f"  {problem}", file=sys.stderr)
    if len(shown) > MAX_PROBLEMS_SHOWN:
        print(f"  ... and {len(shown) - MAX_PROBLEMS_SHOWN} more problems", file=sys.stderr)
    print(report.summary(), file=sys.stderr)


def ensure_index(library: Library) -> None:
    """Commands that read the index build it first if there is none, or
    rebuild it if it cannot be read (it is a cache of the dumps)."""
    problem = library.index_problem()
    if problem:
        print(f"papers: {problem}; indexing the dumps first", file=sys.stderr)
        print_report(library.index(progress=StderrProgress(), wait=60.0))


def cmd_index(library: Library, args: argparse.Namespace) -> int:
    missing = [p for p in args.dumps if not p.exists()]
    if missing:
        raise PapersError(f"{missing[0]}: no such file or folder")
    report = library.index(args.dumps, rebuild=args.rebuild, progress=StderrProgress(), wait=args.wait)
    print_report(report)
    return 0


def cmd_app(library: Library, args: argparse.Namespace) -> int:
    missing = [p for p in args.dumps if not p.exists()]
    if missing:
        raise PapersError(f"{missing[0]}: no such file or folder")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise PapersError("the reader needs a terminal; for scripts use a command (papers --help)")
    if args.dumps:
        library.remember(args.dumps)
    library.store  # noqa: B018 - open the store now: one it cannot trust stops us before the screen does
    from .tui.app import run_app

    return run_app(library)


# reading ------------------------------------------------------------------
def paper_json(paper: Paper, state: UserState, score: float | None = None, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"id": paper.id, "title": paper.title}
    if score is not None:
        data["score"] = round(score, 4)
    data.update(
        starred=state.starred,
        note=state.note,
        seen=state.seen_at is not None,
        date=paper.newest_date.isoformat() if paper.newest_date else None,
        dumps=[{"path": d.path, "date": d.date.isoformat() if d.date else None} for d in paper.dumps],
    )
    if full:
        data.update(
            abstract=paper.abstract,
            in_index=bool(paper.dumps),
            starred_at=state.starred_at.isoformat() if state.starred_at else None,
            note_updated_at=state.note_updated_at.isoformat() if state.note_updated_at else None,
        )
    return data


def cmd_search(library: Library, args: argparse.Namespace) -> int:
    ensure_index(library)
    if args.limit < 0:
        raise PapersError("--limit must be 0 (all) or more")
    query = " ".join(args.query)
    result = library.search(query, Sort(args.sort), Filter(args.filter), limit=args.limit or None)
    for notice in result.notices:
        print(f"papers: {notice}", file=sys.stderr)
    papers = library.papers(result.ids)
    states = library.states(result.ids)
    if args.json:
        rows = [
            paper_json(papers[pid], states.get(pid, UserState(pid)), result.scores.get(pid, 0.0))
            for pid in result.ids
            if pid in papers
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not result.ids:
        hint = library.suggest(query)
        tip = f"; try: {' | '.join(hint)}" if hint else ""
        print(f"papers: no papers match {query!r}{tip}", file=sys.stderr)
        return 0
    for rank, pid in enumerate(result.ids, start=1):
        paper = papers[pid]
        state = states.get(pid, UserState(pid))
        mark = "*" if state.starred else " "
        date = paper.newest_date.isoformat() if paper.newest_date else "          "
        print(f"{rank:>3}. {pid} {mark} {date}  {paper.title}")
    return 0


def paper_arg(library: Library, text: str) -> Paper:
    """The paper a command-line ID (or unique prefix) names."""
    ensure_index(library)
    return library.paper(library.resolve_id(text))


def cmd_show(library: Library, args: argparse.Namespace) -> int:
    paper = paper_arg(library, args.id)
    state = library.state(paper.id)
    if args.json:
        print(json.dumps(paper_json(paper, state, full=True), ensure_ascii=False, indent=2))
        return 0
    print(paper.title)
    print(f"ID {paper.id}{'   * starred' if state.starred else ''}")
    for dump in paper.dumps:
        print(f"  in {dump.path}" + (f" ({dump.date.isoformat()})" if dump.date else ""))
    if not paper.dumps:
        print("  (its dumps are gone: the abstract is not available)")
    if paper.abstract:
        print()
        print(textwrap.fill(paper.abstract, width=min(100, _terminal_width())))
    if state.note:
        print("\nNote:")
        print(textwrap.indent(state.note, "  "))
    return 0


def _terminal_width() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 100


# triage -------------------------------------------------------------------
def cmd_star(library: Library, args: argparse.Namespace) -> int:
    for paper in [paper_arg(library, i) for i in args.ids]:
        changed = library.star(paper)
        print(f"{'starred' if changed else 'already starred'}: {paper.id} {paper.title}", file=sys.stderr)
    return 0


def cmd_unstar(library: Library, args: argparse.Namespace) -> int:
    ensure_index(library)
    for pid in [library.resolve_id(i) for i in args.ids]:
        changed = library.unstar(pid)
        print(f"{'unstarred' if changed else 'was not starred'}: {pid}", file=sys.stderr)
    return 0


def cmd_note(library: Library, args: argparse.Namespace) -> int:
    paper = paper_arg(library, args.id)
    pid = paper.id
    current = library.note(pid)
    if args.clear:
        library.save_note(paper, "")
        print(f"note cleared: {pid}", file=sys.stderr)
        return 0
    if args.set is not None:
        text = sys.stdin.read() if args.set == "-" else args.set
    elif args.edit:
        text = edit_text(current.text if current else "", f"the note on {paper.title!r}")
        if text == (current.text if current else ""):
            print("note unchanged", file=sys.stderr)
            return 0
    else:
        if current:
            print(current.text)
        else:
            print(f"papers: no note on {pid}", file=sys.stderr)
        return 0
    saved = library.save_note(paper, text, current.updated_at if current else None, check_base=args.edit)
    if saved.merged:
        print("papers: the note changed elsewhere while you edited; both texts were kept", file=sys.stderr)
    print(f"note {'saved' if saved.note else 'cleared'}: {pid}", file=sys.stderr)
    return 0


def write_output(text: str, output: Path | None, force: bool, mode: int = 0o644) -> None:
    """To stdout, or atomically to a file that is not overwritten unless forced."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
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
    options = Options(Order(args.sort), args.group_by_date)
    text, count = library.export(args.format, scope, args.query or "", options)
    write_output(text, args.output, args.force)
    where = f" to {args.output}" if args.output else ""
    print(f"exported {count} papers ({scope.value}) as {args.format}{where}", file=sys.stderr)
    return 0


def cmd_backup(library: Library, args: argparse.Namespace) -> int:
    # Read-only: a backup works even where the store cannot be written.
    with Store(library.locations.store_path, readonly=True) as store:
        text = backup_json(store)
        counts = store.counts()
    write_output(text, args.output, args.force, mode=0o600)
    where = f" to {args.output}" if args.output else ""
    print(
        f"backed up {counts['stars']} stars, {counts['notes']} notes, {counts['seen']} seen marks{where}",
        file=sys.stderr,
    )
    return 0


def cmd_restore(library: Library, args: argparse.Namespace) -> int:
    if str(args.file) == "-":
        text, source = sys.stdin.read(), "<stdin>"
    else:
        try:
            text, source = args.file.read_text(encoding="utf-8"), str(args.file)
        except (OSError, UnicodeDecodeError) as error:
            raise PapersError(f"{args.file}: cannot read ({getattr(error, 'strerror', None) or error})") from error
    report = restore_json(library.store, text, source)
    print(f"restored from {source}: {report.summary()}", file=sys.stderr)
    return 0


def cmd_stats(library: Library, args: argparse.Namespace) -> int:
    if library.index_damaged():  # rebuilt; a missing index is not built just to count it
        ensure_index(library)
    stats = library.stats()
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            shown = ", ".join(value) if isinstance(value, list) else value
            print(f"{key.replace('_', ' ')}: {shown}")
    return 0
