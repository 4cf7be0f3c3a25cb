"""The core stays free of Textual and Rich."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_neither_textual_nor_rich() -> None:
    code = (
        "import sys, pkgutil, importlib, reader.core\n"
        "for m in pkgutil.iter_modules(reader.core.__path__): importlib.import_module('reader.core.' + m.name)\n"
        "import reader.cli\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'})\n"
        "print(bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
