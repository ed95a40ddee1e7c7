"""The wheel that `pip install .` builds holds every module and data file of the package (README's first command)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_every_module_template_preset_and_schema(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("wasmlint-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "wasmlint").rglob("*")
        if p.suffix in {".py", ".toml", ".json", ".typed"}
    }
    expected |= {f"wasmlint/templates/{p.name}" for p in (ROOT / "templates").iterdir() if p.suffix in {".j2", ".py"}}
    assert expected - shipped == set()
    assert "wasmlint/py.typed" in shipped
