"""What the wheel carries: metadata a package index and a user expect."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_wheel_has_license_typing_marker_and_metadata(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)]
        + [str(REPO)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "reader/py.typed" in names
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Keywords"] and "arxiv" in metadata["Keywords"]
    classifiers = metadata.get_all("Classifier") or []
    assert "Intended Audience :: Science/Research" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers


def test_the_readme_screenshot_is_the_snapshot_of_the_main_screen() -> None:
    # Issue 14, item 27: the screenshot is the app as it looks today, not a
    # drawing that drifts (`make screenshot` copies the snapshot).
    snapshot = REPO / "tests/tui/__snapshots__/test_snapshots/test_screen[main-160x48].svg"
    assert (REPO / "docs/screenshot.svg").read_bytes() == snapshot.read_bytes()
    assert "](docs/screenshot.svg)" in (REPO / "README.md").read_text()
