"""Start-up cost, checked without timing anything: what each pre-commit command imports beyond click.

pre-commit runs `wasmlint check` (and `inspect` in scripts) on every commit, where the interpreter's start-up is
most of the cost; the benchmark (`bench/run.py`) measures the time. These tests pin the reasons it is small: the
commands import the modules they use and nothing else, and click's first gettext lookup (which imports `locale`
and searches the message catalogues) never happens on a successful run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from probe import run_wasmlint

ROOT = Path(__file__).resolve().parent.parent
WS_PLUGIN = ROOT / "corpus" / "go" / "ws_plugin.wasm"
HOST = ROOT / "corpus" / "hosts" / "plusev-terminal.toml"

DECODER = {
    "mmap",
    "wasmlint",
    "wasmlint.decode",
    "wasmlint.decode.module",
    "wasmlint.cli",
    "wasmlint.commands",
    "wasmlint.decode.constexpr",
    "wasmlint.decode.custom",
    "wasmlint.render",
    "wasmlint.render.listing",
    "wasmlint.model",
    "wasmlint.decode.reader",
    "wasmlint.record",
    "wasmlint.decode.types",
}
NEVER_ON_THE_HOT_PATH = {"locale", "jinja2", "dataclasses", "pathlib", "importlib.resources", "importlib.metadata"}


def imported_by(tmp_path: Path, *args: str | Path) -> tuple[int, set[str]]:
    status, modules, _ = run_wasmlint(tmp_path, *args)
    return status, modules


def test_inspect_imports_only_the_decoder_and_its_listing(tmp_path: Path) -> None:
    status, modules = imported_by(tmp_path, "inspect", WS_PLUGIN)
    assert status == 0
    assert modules == DECODER | {"wasmlint.commands.inspect", "wasmlint.batch", "wasmlint.batch.parallel"}


def test_inspect_json_adds_only_json(tmp_path: Path) -> None:
    status, modules = imported_by(tmp_path, "inspect", "--format", "json", WS_PLUGIN)
    assert status == 0
    assert {m for m in modules if not m.startswith(("json", "_json"))} == DECODER | {
        "wasmlint.commands.inspect",
        "wasmlint.batch",
        "wasmlint.batch.parallel",  # -j: it imports multiprocessing only when it starts workers
        "wasmlint.render.jsontext",  # json.dumps(indent=2)'s text, written faster
    }


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_check_never_imports_locale_templates_or_dataclasses(tmp_path: Path, output_format: str) -> None:
    status, modules = imported_by(tmp_path, "check", "--manifest", HOST, "--format", output_format, WS_PLUGIN)
    assert status == 1  # the metadata phase lacks the ws_* stubs: findings, reported
    assert "wasmlint.lint.checks" in modules and "wasmlint.render.findings" in modules
    assert "wasmlint.render.listing" not in modules  # inspect's renderer
    assert not modules & NEVER_ON_THE_HOT_PATH
    assert not {
        m for m in modules if m.startswith(("wasmlint.gen.codegen", "wasmlint.gen.templating", "wasmlint.commands."))
    } - {"wasmlint.commands.check"}
