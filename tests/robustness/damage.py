"""Ways a cache (the index and its catalog) gets damaged on disk."""

from __future__ import annotations

import random
import shutil
import sqlite3

from reader.core.locations import Locations

SEGMENT_DAMAGE = ["truncate_segments", "zero_segments", "delete_segment"]
CATALOG_DAMAGE = ["garbled_catalog", "garbled_catalog_pages"]
DAMAGE = ["delete_index", *SEGMENT_DAMAGE, "garbage_toc", *CATALOG_DAMAGE, "other_version", "out_of_step"]


def damage_cache(locations: Locations, kind: str) -> None:
    index_dir, catalog = locations.index_dir, locations.catalog_path
    segments = sorted(index_dir.glob("*.seg"))
    noise = random.Random(kind).randbytes
    if kind == "delete_index":
        shutil.rmtree(index_dir)
    elif kind == "truncate_segments":
        for segment in segments:
            segment.write_bytes(segment.read_bytes()[:100])
    elif kind == "zero_segments":
        for segment in segments:
            segment.write_bytes(bytes(segment.stat().st_size))
    elif kind == "delete_segment":
        segments[0].unlink()
    elif kind == "garbage_toc":
        for toc in index_dir.glob("*.toc"):
            toc.write_bytes(b"not a pickle")
    elif kind == "garbled_catalog":
        catalog.write_bytes(noise(catalog.stat().st_size))
    elif kind == "garbled_catalog_pages":
        data = catalog.read_bytes()  # the header stays: SQLite opens it, then reads garbage
        catalog.write_bytes(data[:4096] + noise(len(data) - 4096))
    elif kind == "other_version":
        with sqlite3.connect(catalog) as db:
            db.execute("UPDATE meta SET value='0' WHERE key='index_version'")
    elif kind == "out_of_step":
        with sqlite3.connect(catalog) as db:
            db.execute("UPDATE meta SET value='-1' WHERE key='generation'")
    else:
        raise ValueError(kind)
