"""The manifest cache: a hit is the same manifest a fresh load gives, and any change to a source is a miss."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from probe import run_wasmlint

from wasmlint.manifest.load import load_manifest, preset_manifest
from wasmlint.manifest.values import Manifest, ManifestError
from wasmlint.record import to_plain

ROOT = Path(__file__).resolve().parent.parent
HOST = ROOT / "corpus" / "hosts" / "plusev-terminal.toml"
WS_PLUGIN = ROOT / "corpus" / "go" / "ws_plugin.wasm"

BASE = """\
[host]
name = "base"
presets = ["wasi_snapshot_preview1"]

[imports.env]
log_record = "(i64) -> i64"
"""

CHILD = """\
[host]
extends = "base.toml"

[imports.env]
ws_connect = "(i64) -> i64"

[phases.meta]
provides = ["env.log_record"]
missing = "dummy"
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("WASMLINT_CACHE_DIR", str(directory))
    monkeypatch.delenv("WASMLINT_NO_CACHE", raising=False)
    return directory


def fresh(load: object, monkeypatch: pytest.MonkeyPatch) -> Manifest:
    with monkeypatch.context() as patch:
        patch.setenv("WASMLINT_NO_CACHE", "1")
        assert callable(load)
        manifest = load()
        assert isinstance(manifest, Manifest)
        return manifest


def same(a: Manifest, b: Manifest) -> bool:
    """Every public field equal, those left out of ``==`` (lines, sources) included."""
    return bool(a == b and to_plain(a) == to_plain(b))


def write_pair(tmp_path: Path) -> Path:
    (tmp_path / "base.toml").write_text(BASE)
    child = tmp_path / "wasmlint.toml"
    child.write_text(CHILD)
    return child


def test_a_hit_is_the_manifest_a_fresh_load_gives(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    child = write_pair(tmp_path)
    for load in (
        lambda: load_manifest(HOST),
        lambda: load_manifest(child),
        lambda: preset_manifest(["wasi_snapshot_preview1", "extism"]),
    ):
        first, second = load(), load()
        assert len(list(cache.iterdir())) >= 1
        expected = fresh(load, monkeypatch)
        assert same(first, expected) and same(second, expected)
    hit = load_manifest(HOST)
    assert hit.lookup("env", "log_record") is not None  # the derived index is built again
    assert hit.lookup("wasi_snapshot_preview1", "fd_write") is not None


def test_an_edit_with_the_same_size_and_timestamp_is_seen(tmp_path: Path, cache: Path) -> None:
    child = write_pair(tmp_path)
    assert load_manifest(child).lookup("env", "ws_connect") is not None
    stat = child.stat()
    child.write_text(CHILD.replace("ws_connect", "ws_conneXX"))
    os.utime(child, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert child.stat().st_size == stat.st_size
    reloaded = load_manifest(child)
    assert reloaded.lookup("env", "ws_connect") is None
    assert reloaded.lookup("env", "ws_conneXX") is not None


def test_an_edit_to_an_extended_manifest_is_seen(tmp_path: Path, cache: Path) -> None:
    child = write_pair(tmp_path)
    assert load_manifest(child).lookup("env", "log_message") is None
    (tmp_path / "base.toml").write_text(BASE + 'log_message = "(i32, i32) -> ()"\n')
    found = load_manifest(child).lookup("env", "log_message")
    assert found is not None and str(found.type) == "(i32, i32) -> ()"


def test_errors_are_never_stored(tmp_path: Path, cache: Path) -> None:
    broken = tmp_path / "wasmlint.toml"
    broken.write_text('[imports.env]\nlog_record = "(i64) -> i65"\n')
    for _ in range(2):
        with pytest.raises(ManifestError) as raised:
            load_manifest(broken)
        assert raised.value.line == 2
    assert not cache.exists() or not list(cache.iterdir())
    broken.write_text('[imports.env]\nlog_record = "(i64) -> i64"\n')
    assert load_manifest(broken).lookup("env", "log_record") is not None


def test_a_corrupt_entry_is_passed_by_and_replaced(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_manifest(HOST)
    (entry,) = cache.iterdir()
    good = entry.read_bytes()
    for garbage in (b"", b"\x00garbage", good[: len(good) // 2], b"\xe9" * 64):
        entry.write_bytes(garbage)
        assert same(load_manifest(HOST), fresh(lambda: load_manifest(HOST), monkeypatch))
        assert entry.read_bytes() == good


def test_no_cache_writes_nothing(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WASMLINT_NO_CACHE", "1")
    load_manifest(HOST)
    preset_manifest(["extism"])
    assert not cache.exists()


def test_an_unwritable_cache_is_passed_by(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("WASMLINT_CACHE_DIR", str(blocker / "cache"))
    assert same(load_manifest(HOST), fresh(lambda: load_manifest(HOST), monkeypatch))


def test_a_second_check_parses_no_toml_and_reports_the_same(tmp_path: Path, cache: Path) -> None:
    first = run_wasmlint(tmp_path, "check", "--manifest", HOST, WS_PLUGIN)
    second = run_wasmlint(tmp_path, "check", "--manifest", HOST, WS_PLUGIN)
    assert first[0] == second[0] == 1
    assert "tomllib" in first[1] or "tomli" in first[1]
    assert not {"tomllib", "tomli", "wasmlint.manifest.loader"} & second[1]
    assert second[2] == first[2] and "WL301" in first[2]


def test_another_wasmlint_version_or_builder_code_is_a_miss(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wasmlint.manifest import cache as manifest_cache

    load_manifest(HOST)
    (entry,) = cache.iterdir()
    written = entry.read_bytes()
    load_manifest(HOST)
    assert entry.read_bytes() == written  # a hit rewrites nothing
    monkeypatch.setattr(manifest_cache, "__version__", "99.0.0")
    load_manifest(HOST)
    assert entry.read_bytes() != written and b"99.0.0" in entry.read_bytes()
    rewritten = entry.read_bytes()
    monkeypatch.setattr(manifest_cache, "_builders_fingerprint", lambda: ((1, 2),))
    load_manifest(HOST)
    assert entry.read_bytes() != rewritten


PYPROJECT = '[project]\nname = "host"\n\n[tool.wasmlint]\nmanifest = "host.toml"\n'


def test_a_pyproject_configuration_is_kept_too_and_its_edits_are_seen(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "host.toml").write_text(HOST.read_text())
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    plugin = tmp_path / "plugin.wasm"
    plugin.write_bytes(WS_PLUGIN.read_bytes())
    first = run_wasmlint(tmp_path, "check", plugin)
    second = run_wasmlint(tmp_path, "check", plugin)
    assert first[0] == second[0] == 1 and "WL301" in first[2]
    assert not {"tomllib", "tomli", "wasmlint.manifest.loader"} & second[1]
    assert second[2] == first[2]
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + 'ignore = ["WL301"]\n')
    third = run_wasmlint(tmp_path, "check", plugin)
    assert third[0] == 0 and "WL301" not in third[2]


def test_a_pyproject_without_the_table_is_remembered_as_such_until_it_changes(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "host.toml").write_text(HOST.read_text())
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "host"\n')
    plugin = tmp_path / "plugin.wasm"
    plugin.write_bytes(WS_PLUGIN.read_bytes())
    for _ in range(2):
        status, _, out = run_wasmlint(tmp_path, "check", plugin)
        assert status == 2 and out == ""
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    status, _, out = run_wasmlint(tmp_path, "check", plugin)
    assert status == 1 and "WL301" in out
