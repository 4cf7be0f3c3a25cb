"""Fixtures for checking the exports with the real tools researchers use.

A tool that is not installed skips its tests on a developer's machine (with
the reason, and how to install it) but fails them in CI (`CI` set), where
`.ci/run` installs every one of them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.export import FORMATS, Options, format_names, get_format
from tests.tools.cases import torture_items

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
CSL_STYLES = Path("/usr/share/citation-style-language/styles")
# Where bibtexparser 1.x is installed for the test (the app uses 2.x).
BIBTEXPARSER1 = Path(sys.prefix) / "test-tools" / "bibtexparser1"


def require(found: object, what: str, how: str) -> None:
    """Skip (fail in CI) unless `found`."""
    if found:
        return
    message = f"{what} is not installed; {how}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def run(
    args: list[str], cwd: Path | None = None, stdin: str | None = None, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(pythonpath)) if pythonpath else None
    return subprocess.run(
        args, cwd=cwd, input=stdin, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300
    )


@pytest.fixture(scope="session")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The torture set exported in every format, as files (bytes as written)."""
    folder = tmp_path_factory.mktemp("exports")
    items = torture_items()
    paths = {}
    for name in format_names():
        path = folder / f"torture.{name}.{FORMATS[name].extension}"
        path.write_bytes(get_format(name).render(items, Options()).encode("utf-8"))
        paths[name] = path
    return paths


@pytest.fixture(scope="session")
def pandoc() -> str:
    """pandoc 3.x, from the pypandoc_binary wheel (the `test` extras)."""
    try:
        import pypandoc

        path = str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        path = ""
    require(path, "pandoc", "pip install pypandoc_binary (in the test extras)")
    version = run([path, "--version"]).stdout.split()[1]
    assert int(version.split(".")[0]) >= 3, f"pandoc {version}: the RIS reader needs 3.x"
    return path


def csl_style(name: str) -> Path:
    style = CSL_STYLES / f"{name}.csl"
    require(style.exists(), f"the CSL style {name}", "apt-get install citation-style-language-styles")
    return style


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    require(path, name, f"apt-get install {package}")
    return str(path)
