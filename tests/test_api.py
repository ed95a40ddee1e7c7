"""The library's check (``wasmlint.Checker``): the findings of ``wasmlint check --format json``, as values.

For every module of the corpus, with the manifest or presets it is checked against elsewhere (the ecosystems' own
presets, pinned and at each host release their ``expected.json`` names; the plusev host's manifest, per phase; the
WASI and Extism presets; a WIT world for components), the API's findings from bytes, from a path and from a decoded
module are the command's JSON findings for that file, field by field and in order. The command runs in one process
per configuration over all its files, the API one module at a time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import wasmlint
from wasmlint import Checker, ManifestError, decode_path, load_manifest, load_presets
from wasmlint.cli import main
from wasmlint.render.findings import finding_to_dict

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PLUSEV = CORPUS / "hosts" / "plusev-terminal.toml"
CORE = sorted(p for p in CORPUS.rglob("*.wasm") if p.parent.name != "built")  # the adapter is a core module
COMPONENTS = sorted((CORPUS / "components" / "built").glob("*.wasm"))


def cli_json(args: list[str], status: tuple[int, ...] = (0, 1)) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    assert result.exit_code in status, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def configurations() -> list[Any]:
    """(id, presets, manifest, phases, host versions, files): every corpus module, as the rest of the suite checks
    it. The ecosystems' modules are grouped by what their expected.json asks for."""
    found: list[Any] = []
    groups: dict[tuple[tuple[str, ...], str | None], list[str]] = {}
    for expected in sorted((CORPUS / "ecosystems").glob("*/expected.json")):
        name = expected.parent.name
        known = {v for info in load_presets([name]).preset_info for v in info.versions}
        for entry in json.loads(expected.read_text(encoding="utf-8")):
            path = str(expected.parent / entry["file"])
            presets = tuple(entry.get("presets") or (name,))
            groups.setdefault((presets, entry.get("host_version")), []).append(path)
            if entry.get("version") in known and not entry.get("presets"):  # pinned to the version the module declares
                groups.setdefault(((f"{name}@{entry['version']}",), entry.get("host_version")), []).append(path)
    for (presets, host), files in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        ident = "+".join(presets) + (f"-host{host}" if host else "")
        found.append(pytest.param(presets, None, (), (host,) if host else (), sorted(set(files)), id=ident))
    every = [str(p) for p in CORE]
    found.append(pytest.param((), str(PLUSEV), (), (), every, id="plusev-all-phases"))
    found.append(pytest.param((), str(PLUSEV), ("meta",), (), every, id="plusev-meta"))
    found.append(pytest.param((), str(PLUSEV), ("run",), (), every, id="plusev-run"))
    wasi = ("wasi_snapshot_preview1", "extism")
    found.append(pytest.param(wasi, None, (), (), every + [str(p) for p in COMPONENTS], id="wasi-extism"))
    return found


@pytest.mark.parametrize(("presets", "manifest", "phases", "hosts", "files"), configurations())
def test_the_api_gives_the_commands_findings_for_every_corpus_module(
    presets: tuple[str, ...], manifest: str | None, phases: tuple[str, ...], hosts: tuple[str, ...], files: list[str]
) -> None:
    args = [f"--manifest={manifest}"] if manifest else [f"--preset={p}" for p in presets]
    args += [f"--phase={p}" for p in phases] + [f"--host-version={h}" for h in hosts]
    expected = cli_json([*args, *files])
    loaded = load_manifest(manifest) if manifest else load_presets(presets)
    checker = Checker(loaded, phases=phases, host_versions=hosts)
    total = 0
    for path in files:
        wanted = [item for item in expected if item["path"] == path]
        from_path = [finding_to_dict(f) for f in checker.check_path(path)]
        assert from_path == wanted, path
        assert [finding_to_dict(f) for f in checker.check_bytes(Path(path).read_bytes(), path)] == wanted, path
        module = decode_path(path)
        if module.kind == "module":
            assert [finding_to_dict(f) for f in checker.check_module(module, path)] == wanted, path
        total += len(wanted)
    assert total == len(expected)  # every finding of the command is about one of the files


def test_most_configurations_find_something() -> None:
    """The comparison above is not over empty lists: the corpus holds modules every host refuses."""
    checker = Checker(load_manifest(PLUSEV), phases=["meta"])
    codes = [f.code for f in checker.check_path(CORPUS / "go" / "ws_plugin.wasm")]
    assert codes == ["WL301"] * 5
    cosmwasm = Checker(load_presets(["cosmwasm@8"]), host_versions=["1.4"])
    found = cosmwasm.check_path(CORPUS / "ecosystems" / "cosmwasm" / "wrong_signatures.wasm")
    assert {f.code for f in found} == {"WL105"} and all(f.severity == "error" for f in found)


# --- components against a world ------------------------------------------------------------------------------------

GUEST = """package my:host@0.1.3;
interface api { log: func(msg: string); add: func(a: u32, b: u32) -> u32; }
interface extra { ping: func() -> bool; }
world plugin { import api; import extra; export run: func() -> s32; }
"""
HOST = """package my:host@0.1.0;
interface api { log: func(msg: u32); more: func(); }
world plugins { import api; export run: func() -> s32; }
"""


def wasm_tools(*args: str | Path) -> None:
    subprocess.run(["wasm-tools", *map(str, args)], check=True, capture_output=True)


def test_a_component_against_a_world_from_bytes_and_path(tmp_path: Path) -> None:
    (tmp_path / "guest.wit").write_text(GUEST)
    wasm_tools("component", "embed", "--dummy", tmp_path / "guest.wit", "-o", tmp_path / "core.wasm")
    wasm_tools("component", "new", tmp_path / "core.wasm", "-o", tmp_path / "guest.wasm")
    (tmp_path / "host.wit").write_text(HOST)
    wasm_tools("component", "wit", tmp_path / "host.wit", "--wasm", "-o", tmp_path / "host.wasm")
    manifest = tmp_path / "wasmlint.toml"
    manifest.write_text('[host]\nname = "demo"\nworld = "plugins"\nwit = "host.wasm"\n')
    guest = str(tmp_path / "guest.wasm")
    files = [guest, *map(str, COMPONENTS), str(CORPUS / "go" / "ws_plugin.wasm")]
    expected = cli_json([f"--manifest={manifest}", *files])
    assert {item["code"] for item in expected if item["path"] == guest} >= {"WL601", "WL603", "WL604", "WL607"}
    checker = Checker(load_manifest(manifest))
    for path in files:
        wanted = [item for item in expected if item["path"] == path]
        assert [finding_to_dict(f) for f in checker.check_path(path)] == wanted
        assert [finding_to_dict(f) for f in checker.check_bytes(Path(path).read_bytes(), path)] == wanted
    with pytest.raises(ValueError, match="from its bytes"):
        checker.check_module(decode_path(guest), guest)
    (tmp_path / "host.wasm").write_bytes(b"\0asm")
    with pytest.raises(ManifestError, match="not a WIT package"):
        Checker(load_manifest(manifest))  # read afresh, not remembered from the checker above


# --- values, errors, no side effects -------------------------------------------------------------------------------


def test_malformed_and_unreadable_modules_are_wl001_findings(tmp_path: Path) -> None:
    checker = Checker(load_presets(["wasi_snapshot_preview1"]))
    data = (CORPUS / "zig" / "wasi_hello.wasm").read_bytes()[:100]
    [bad] = checker.check_bytes(data, "upload.wasm")
    assert (bad.code, bad.severity, bad.location.path) == ("WL001", "error", "upload.wasm")
    assert bad.location.offset is not None and bad.location.offset <= 100
    (tmp_path / "cut.wasm").write_bytes(data)
    assert [finding_to_dict(f) for f in checker.check_path(tmp_path / "cut.wasm")] == cli_json(
        ["--preset=wasi_snapshot_preview1", str(tmp_path / "cut.wasm")], status=(2,)
    )
    [missing] = checker.check_path(tmp_path / "absent.wasm")
    assert missing.code == "WL001" and "cannot read" in missing.message and missing.location.offset is None
    assert checker.check_bytes(b"")[0].location.path == "<bytes>"


def test_configuration_problems_are_raised_when_the_checker_is_built() -> None:
    with pytest.raises(ManifestError, match="no phase 'nope'; the manifest declares: run, meta"):
        Checker(load_manifest(PLUSEV), phases=["nope"])
    with pytest.raises(ManifestError, match=r"no host version '0\.9'"):
        Checker(load_presets(["proxy-wasm"]), host_versions=["0.9"])
    with pytest.raises(ManifestError, match="declares no host versions"):
        Checker(load_manifest(PLUSEV), host_versions=["1.0"])
    with pytest.raises(ManifestError, match=r"has no version '9\.9'"):
        load_presets(["proxy-wasm@9.9"])
    with pytest.raises(ManifestError):
        load_presets(["no-such-host"])
    with pytest.raises(ManifestError, match=r"absent\.toml"):
        load_manifest(CORPUS / "hosts" / "absent.toml")
    with pytest.raises(TypeError, match="not a string"):
        load_presets("proxy-wasm")  # type: ignore[arg-type]


def test_select_and_ignore_as_on_the_command_line() -> None:
    path = str(CORPUS / "go" / "ws_plugin.wasm")
    for options, args in (
        ({"select": ["WL3"]}, ["--select", "WL3"]),
        ({"ignore": ["WL301"]}, ["--ignore", "WL301"]),
        ({"select": ["ALL"], "ignore": ["WL302"]}, ["--select", "ALL", "--ignore", "WL302"]),
    ):
        checker = Checker(load_manifest(PLUSEV), **options)  # type: ignore[arg-type]
        found = [finding_to_dict(f) for f in checker.check_path(path)]
        assert found == cli_json([f"--manifest={PLUSEV}", *args, path]), options
    assert Checker(load_manifest(PLUSEV), ignore=["WL301"], phases=["meta"]).check_path(path) == []


def test_the_api_writes_nothing_and_reads_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("WASMLINT_CACHE_DIR", str(cache))
    checker = Checker(load_manifest(PLUSEV), phases=["meta"])
    for path in CORE:
        checker.check_bytes(path.read_bytes(), path.name)
    Checker(load_presets(["proxy-wasm"])).check_path(CORPUS / "ecosystems" / "proxy-wasm" / "go_filter.wasm")
    assert not cache.exists()
    assert capfd.readouterr() == ("", "")


def test_findings_are_plain_values() -> None:
    checker = Checker(load_manifest(PLUSEV), phases=["meta"])
    first = checker.check_path(CORPUS / "go" / "ws_plugin.wasm")
    again = Checker(load_manifest(PLUSEV), phases=["meta"]).check_bytes(
        (CORPUS / "go" / "ws_plugin.wasm").read_bytes(), str(CORPUS / "go" / "ws_plugin.wasm")
    )
    assert first == again and hash(tuple(first)) == hash(tuple(again))
    finding = first[0]
    assert isinstance(finding, wasmlint.Finding) and isinstance(finding.location, wasmlint.Location)
    assert (finding.code, finding.severity, finding.phase, finding.subject) == (
        "WL301",
        "error",
        "meta",
        "env.ws_connect",
    )
    assert finding.location.offset == 0x33A


def test_importing_wasmlint_loads_no_decoder_and_every_name_resolves() -> None:
    code = (
        "import sys, wasmlint\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('wasmlint.'))\n"
        "assert loaded == [], loaded\n"
        "for name in wasmlint.__all__: getattr(wasmlint, name)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_readme_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    example = next(block for block in blocks if "Checker" in block)
    env = {**os.environ, "WASMLINT_NO_CACHE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", example], cwd=ROOT, capture_output=True, text=True, env=env, check=True
    )
    assert "WL301" in result.stdout and "WL105" in result.stdout, result.stdout
