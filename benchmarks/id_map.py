"""The ID map and the date order: rebuilt from Whoosh columns, or persisted per generation.

    python -m benchmarks.id_map [--papers 100000] [--repeat 5]

What a cold first search builds today: the paper ID of every document number
(the `id` column, `reader.core.search.IdMap`) and every paper newest first
(a Whoosh search sorted by the `date` column). Against files written once per
index generation at commit time and read back at start-up:

- `pickle`: the ID list and the date order (an `array`) pickled together;
- `text + array`: IDs as one newline-joined ASCII file, split on reading;
  the order as raw `array('I')` bytes;
- `binary`: IDs as 6 raw bytes each (they are 12 hex digits), turned back
  into strings on reading; the order as raw `array('I')` bytes.

Each also builds the ID -> document number dict the app needs. Times are
CPU milliseconds (medians): the machine is shared, and wall time under load
is 2-4x more.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import tempfile
import time
from array import array
from collections.abc import Callable
from pathlib import Path

from benchmarks.builds import load_build
from benchmarks.corpus import corpus
from reader.core.index import open_index
from reader.core.search import IdMap


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        times.append(1000 * (time.process_time() - started))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--dumps", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dumps = args.dumps.resolve() if args.dumps else corpus(args.papers)
    app = load_build("app", dumps)
    if app is None:
        raise SystemExit("build the index first: python -m benchmarks.builds --papers N")
    from whoosh.query import Every

    index = open_index(Path(app.folder) / "index")
    assert index is not None
    print(f"{app.papers:,} papers; load {os.getloadavg()[0]:.1f}\n")
    rows: list[tuple[str, float, float, float, float]] = []

    def cold_id_map() -> IdMap:
        with index.searcher() as searcher:
            return IdMap(searcher)

    def cold_date_order() -> list[int]:
        with index.searcher() as searcher:
            results = searcher.search(Every(), limit=None, sortedby="date", reverse=True)
            return [docnum for docnum, _ in results.items()]

    id_map = cold_id_map()
    order = cold_date_order()
    rows.append(
        (
            "Whoosh columns (today)",
            0.0,
            median_ms(cold_id_map, args.repeat),
            median_ms(cold_date_order, args.repeat),
            0.0,
        )
    )
    ids = id_map.ids
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)

        def docnums(loaded: list[str]) -> dict[str, int]:
            return {pid: number for number, pid in enumerate(loaded)}

        # pickle
        def write_pickle() -> None:
            (base / "map.pickle").write_bytes(pickle.dumps((ids, array("I", order)), protocol=5))

        def read_pickle() -> tuple[list[str], array[int]]:
            loaded: tuple[list[str], array[int]] = pickle.loads((base / "map.pickle").read_bytes())
            return loaded

        # text + array
        def write_text() -> None:
            (base / "ids.txt").write_text("\n".join(ids), encoding="ascii")
            (base / "order.bin").write_bytes(array("I", order).tobytes())

        def read_text() -> tuple[list[str], array[int]]:
            loaded = (base / "ids.txt").read_text(encoding="ascii").split("\n")
            dated = array("I")
            dated.frombytes((base / "order.bin").read_bytes())
            return loaded, dated

        # binary
        def write_binary() -> None:
            (base / "ids.bin").write_bytes(b"".join(bytes.fromhex(pid) for pid in ids))
            (base / "order.bin").write_bytes(array("I", order).tobytes())

        def read_binary() -> tuple[list[str], array[int]]:
            blob = (base / "ids.bin").read_bytes()
            loaded = [blob[at : at + 6].hex() for at in range(0, len(blob), 6)]
            dated = array("I")
            dated.frombytes((base / "order.bin").read_bytes())
            return loaded, dated

        for label, write, read, name in [
            ("pickle", write_pickle, read_pickle, ["map.pickle"]),
            ("text + array", write_text, read_text, ["ids.txt", "order.bin"]),
            ("binary", write_binary, read_binary, ["ids.bin", "order.bin"]),
        ]:
            written = median_ms(write, args.repeat)
            loaded, dated = read()
            assert loaded == ids and list(dated) == order
            read_ms = median_ms(read, args.repeat)
            size = sum((base / n).stat().st_size for n in name) / 1e6
            rows.append((label, written, read_ms, 0.0, size))
        dict_ms = median_ms(lambda: docnums(ids), args.repeat)
    print("| how | write at commit ms | read IDs (+ order) ms | date order ms | files MB |")
    print("|---|---|---|---|---|")
    for label, written, read_ms, dated_ms, size in rows:
        dated_cell = f"{dated_ms:.1f}" if dated_ms else "(read with the IDs)"
        written_cell = f"{written:.1f}" if written else "-"
        size_cell = f"{size:.1f}" if size else "-"
        print(f"| {label} | {written_cell} | {read_ms:.1f} | {dated_cell} | {size_cell} |")
    print(f"\nbuilding the ID -> document number dict from a loaded list: {dict_ms:.1f} ms")
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
