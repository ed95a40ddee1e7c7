"""Run the wasmlint command line in a fresh interpreter and report what it imported beyond click.

Start-up cost is mostly imports, and what a run imports is deterministic where its timing is not; the tests of
start-up (test_startup.py) and of the manifest cache (test_manifest_cache.py) read it from here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, sys
import click
before = set(sys.modules)
from wasmlint.cli import main
report = sys.argv[1]
sys.argv = ["wasmlint", *sys.argv[2:]]
try:
    main()
except SystemExit as exc:
    status = exc.code
with open(report, "w") as out:
    json.dump({"status": status, "modules": sorted(set(sys.modules) - before)}, out)
"""


def run_wasmlint(workdir: Path, *args: str | Path) -> tuple[int, set[str], str]:
    """Exit status, the modules imported beyond click, and standard output of ``wasmlint ARGS`` run in ``workdir``."""
    report = workdir / "probe-report.json"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(report), *map(str, args)],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(report.read_text())
    return found["status"], set(found["modules"]), done.stdout
