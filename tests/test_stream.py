"""`check` and `inspect` file by file, and over worker processes: the same output, byte for byte and in order.

``check`` writes each file's findings as soon as it has them (``lint/stream.py``, ``render/stream.py``), and
``-j N`` spreads the files over worker processes (``batch/parallel.py``). Both must print exactly what one run that
renders every finding at the end prints, and which process checked a file must never show.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from wasmlint.batch.parallel import MIN_FILES_PER_WORKER, map_in_order, workers_for
from wasmlint.cli import main
from wasmlint.lint.diagnostics import sorted_findings
from wasmlint.lint.run import run_check
from wasmlint.render.findings import FORMATS, render
from wasmlint.render.stream import FindingsWriter, render_piece

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "corpus").rglob("*.wasm"))
PLUSEV = "corpus/hosts/plusev-terminal.toml"
# Every corpus module several times over, in no sorted order (a file named twice is checked in one group).
MANY = [path for _, path in sorted(enumerate(CORPUS * 8), key=lambda item: (item[0] * 7919) % 211)]


@pytest.fixture(scope="module")
def distinct(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Enough distinct files for three workers: links to the corpus modules under many names, in no sorted order."""
    folder = tmp_path_factory.mktemp("many")
    paths = []
    for index in range(3 * MIN_FILES_PER_WORKER + 17):
        source = ROOT / CORPUS[index % len(CORPUS)]
        target = folder / f"{index % 7}" / f"{(index * 7919) % 1000:03d}-{source.name}"
        target.parent.mkdir(exist_ok=True)
        try:
            target.hardlink_to(source)
        except OSError:
            target.write_bytes(source.read_bytes())
        paths.append(str(target))
    return paths


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("fmt", FORMATS)
def test_findings_rendered_file_by_file_are_the_findings_rendered_at_once(fmt: str, color: bool) -> None:
    # ./x and x are two paths with one SARIF URI: their fingerprints' :n count on across both.
    files = [*CORPUS, *(f"./{path}" for path in CORPUS[:4])]
    found = sorted_findings(run_check(files, manifest=PLUSEV).findings)
    assert len({f.path for f in found}) > 10
    writer = FindingsWriter(fmt, color=color, tool_version="1.0")
    pieces = [writer.begin()]
    for _, group in itertools.groupby(found, key=lambda f: f.path):
        pieces.append(writer.add(render_piece(list(group), fmt, color=color)))
        pieces.append(writer.add(render_piece([], fmt, color=color)))
    pieces.append(writer.end())
    assert "".join(pieces) == render(found, fmt, color=color and fmt == "text", tool_version="1.0")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_findings_at_all(fmt: str) -> None:
    writer = FindingsWriter(fmt, tool_version="1.0")
    text = writer.begin() + writer.add(render_piece([], fmt)) + writer.end()
    assert text == ("" if fmt == "text" else render([], fmt, tool_version="1.0"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_prints_what_one_whole_run_renders_whatever_the_jobs(fmt: str, distinct: list[str]) -> None:
    assert workers_for(len(distinct), 3) == 3
    files = [*distinct, *MANY, *(f"./{path}" for path in CORPUS[:4])]
    whole = run_check(files, manifest=PLUSEV)
    expected = render(whole.findings, fmt, tool_version=_version())
    outputs = {jobs: cli("check", "-j", jobs, "--manifest", PLUSEV, "--format", fmt, *files) for jobs in "123"}
    for jobs, (code, out, _) in outputs.items():
        assert code == whole.exit_status == 1, jobs
        assert out == expected, jobs


def test_worker_processes_are_used_for_a_large_batch_and_not_for_a_small_one(distinct: list[str]) -> None:
    assert workers_for(len(distinct), 3) == 3
    assert workers_for(len(MANY), 1) == 1
    assert workers_for(MIN_FILES_PER_WORKER - 1, 8) == 1
    assert workers_for(10 * MIN_FILES_PER_WORKER, None) >= 1


def test_unused_entries_are_still_found_over_the_whole_batch(tmp_path: Path) -> None:
    """WL401 is about the whole set of files: with it selected, the batch is checked in one run."""
    manifest = tmp_path / "host.toml"
    manifest.write_text((ROOT / PLUSEV).read_text().replace("[exports]", 'never_imported = "() -> ()"\n\n[exports]'))
    files = ["corpus/go/ws_plugin.wasm", *CORPUS[:3]]
    whole = run_check(files, manifest=str(manifest), select=["WL401"])
    assert [f.subject for f in whole.findings] == ["env.never_imported"]
    for jobs in "12":
        code, out, _ = cli(
            "check", "-j", jobs, "--manifest", str(manifest), "--select", "WL401", "--format", "json", *files
        )
        assert code == whole.exit_status and out == render(whole.findings, "json")


def test_a_broken_manifest_is_reported_once(tmp_path: Path, distinct: list[str]) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[imports.env]\nx = 'not a signature'\n")
    for jobs in "12":
        code, out, err = cli("check", "-j", jobs, "--manifest", str(broken), *distinct)
        assert code == 2 and out == ""
        assert err.count("wasmlint: error:") == 1, err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_inspect_prints_the_same_whatever_the_jobs(fmt: str, tmp_path: Path, distinct: list[str]) -> None:
    broken = tmp_path / "broken.wasm"
    broken.write_bytes(b"\x00asm\x01\x00\x00\x00\x01")
    files = [*distinct, *MANY, str(broken), str(tmp_path / "missing.wasm")]
    runs = {jobs: cli("inspect", "-j", jobs, "--format", fmt, *files) for jobs in "123"}
    assert runs["1"][0] == 2
    assert runs["2"] == runs["1"] and runs["3"] == runs["1"]


def _version() -> str:
    from wasmlint import __version__

    return __version__


class FailsInWorkers:
    """Doubles a number; in any process but the one that made it, fails after a few items (a worker's crash)."""

    def __init__(self) -> None:
        self.parent = os.getpid()
        self.done = 0

    def __call__(self, item: int) -> int:
        self.done += 1
        if os.getpid() != self.parent and self.done > 3:
            raise RuntimeError("a worker fails")
        return item * 2


def test_a_failed_workers_files_are_done_again_in_order() -> None:
    items = list(range(400))
    assert list(map_in_order(FailsInWorkers(), items, 3, weight=lambda i: 1 + i % 5)) == [i * 2 for i in items]
    assert list(map_in_order(FailsInWorkers(), items, 1)) == [i * 2 for i in items]
