"""Small helpers shared by tests that need a second real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_HOLDER = (
    "import sys, time; from pathlib import Path; from reader.core.index import writer_lock\n"
    "with writer_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(float(sys.argv[2]))\n"
)


def hold_index_lock(cache_dir: Path, seconds: float) -> subprocess.Popen[str]:
    """Start a process that holds the indexer's lock; returns once it has it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(cache_dir), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder
