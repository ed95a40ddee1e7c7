"""The `wasmlint` command ends its process without finalising the interpreter (``wasmlint.cli.run``).

What that must not cost: output that reaches its reader whole, the exit status of every outcome, and a quiet
end when the reader goes away early. And what it must leave alone: a run under a tracer or profiler ends
normally, so that they can report.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wasmlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
WASMLINT = [sys.executable, "-m", "wasmlint"]
CORPUS = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "corpus").rglob("*.wasm"))
HOST = str(Path("corpus", "hosts", "plusev-terminal.toml"))
# Standard output buffered, as it is for most users (and so output left in a buffer at exit would be lost).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def wasmlint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*WASMLINT, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_a_long_listing_reaches_its_reader_whole(output_format: str, monkeypatch: pytest.MonkeyPatch) -> None:
    files = CORPUS * 4
    done = wasmlint("inspect", "--format", output_format, *files)
    monkeypatch.chdir(ROOT)
    expected = CliRunner().invoke(main, ["inspect", "--format", output_format, *files]).output
    assert len(done.stdout) > 65536  # more than a pipe holds: written while the reader reads
    assert (done.returncode, done.stdout, done.stderr) == (0, expected, "")


@pytest.mark.parametrize(
    ("args", "status", "stdout", "stderr"),
    [
        (["inspect", "corpus/wat/names.wasm"], 0, "corpus/wat/names.wasm: module, 1 imports", ""),
        (["inspect", "corpus/wat/names.wasm", "missing.wasm"], 2, "names.wasm", "missing.wasm: error: No such file"),
        (["check", "--manifest", HOST, "corpus/go/ws_plugin.wasm"], 1, "env.ws_connect", ""),
        (["check", "--manifest", HOST, "--format", "json", "corpus/go/ws_plugin.wasm"], 1, '"env.ws_connect"', ""),
        (["inspect"], 2, "", "inspect --help' for help."),
        (["--version"], 0, "wasmlint, version", ""),
        (["rules"], 0, "WL", ""),
    ],
)
def test_every_outcome_keeps_its_status_and_output(args: list[str], status: int, stdout: str, stderr: str) -> None:
    done = wasmlint(*args)
    assert done.returncode == status
    assert stdout in done.stdout
    assert stderr in done.stderr
    if not stderr:
        assert done.stderr == ""


def test_a_reader_that_goes_away_early_ends_the_run_quietly() -> None:
    """``wasmlint inspect ... | head -1``: the listing is written file by file, so the write after the reader has
    gone fails; the run ends with status 1 and no traceback, as click ends a run whose output pipe broke."""
    process = subprocess.Popen(
        [*WASMLINT, "inspect", *CORPUS * 20], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(7) == b"corpus/"
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert error == ""


FINALISATION_PROBE = """
import atexit, sys
atexit.register(lambda: print("finalised", file=sys.stderr))
if sys.argv[1] == "traced":
    sys.settrace(lambda *args: None)
elif sys.argv[1] == "profiled":
    sys.setprofile(lambda *args: None)
sys.argv = ["wasmlint", "--version"]
from wasmlint.cli import run
run()
"""


@pytest.mark.parametrize(("mode", "finalised"), [("plain", False), ("traced", True), ("profiled", True)])
def test_the_interpreter_is_finalised_only_under_a_tracer_or_profiler(mode: str, finalised: bool) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FINALISATION_PROBE, mode], cwd=ROOT, env=ENV, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout == "wasmlint, version " + __import__("wasmlint").__version__ + "\n"
    assert ("finalised" in done.stderr) is finalised
