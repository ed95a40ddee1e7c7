"""Each rule of `wasmlint check`, and each way of choosing rules and manifests, on modules built for the purpose.

The import rules are also held to wasmtime by ``test_oracle.py``; here each rule gets the cases that show its
message, its severity and its exit status: near misses, legacy Extism names, kinds, limits, policy (forbidden,
deprecated), exports, phases, unused entries, name patterns, ``extends``, per-file ignores, ``--select`` and
``--ignore``, ``--preset``, and the exit status of every output format.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from wasmlint.cli import main
from wasmlint.manifest.values import Manifest, Provided
from wasmlint.model import FuncType

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

Build = Callable[[str, str], Path]


@pytest.fixture
def build(tmp_path: Path, wat2wasm: Callable[[str], bytes]) -> Build:
    """Write ``(module IMPORTS-AND-EXPORTS)`` as ``NAME.wasm`` in tmp_path."""

    def make(name: str, body: str) -> Path:
        path = tmp_path / f"{name}.wasm"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(wat2wasm(f"(module {body})"))
        return path

    return make


def manifest(tmp_path: Path, text: str, name: str = "host.toml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def check(*args: str | Path) -> tuple[int, list[dict[str, Any]]]:
    code, out, err = run("check", "--format", "json", *args)
    assert "Traceback" not in out + err
    return code, json.loads(out) if out.strip() else []


def codes(found: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((str(f["code"]), str(f["subject"])) for f in found)


WS_HOST = """\
[host]
name = "ws-host"

[imports.env]
ws_connect = "(i64) -> i64"
ws_send = "(i64) -> i64"
log_record = "(i64) -> i64"
"""


# --- WL103 near miss, WL101 missing, WL102 namespace, WL104 legacy Extism names --------------------------------------


def test_near_miss_suggests_the_close_name(tmp_path: Path, build: Build) -> None:
    plugin = build("typo", '(import "env" "ws_conect" (func (param i64) (result i64)))')
    code, found = check("--manifest", manifest(tmp_path, WS_HOST), plugin)
    assert code == 1
    assert codes(found) == [("WL103", "env.ws_conect")]
    assert "did you mean env.ws_connect?" in found[0]["message"]
    assert found[0]["related"] == [{"path": str(tmp_path / "host.toml"), "offset": None, "line": 5}]


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(st.text(alphabet="abcdes_", min_size=1, max_size=12), min_size=1, max_size=8),
    pick=st.integers(min_value=0),
    edit=st.sampled_from(["", "x", "xy", "-1", "-2"]),
    other=st.text(alphabet="abcdes_", max_size=12),
)
def test_the_close_name_is_difflibs_closest_match(names: list[str], pick: int, edit: str, other: str) -> None:
    """The manifest's shortcut (names ruled out by their length alone are not offered to difflib) changes nothing:
    for a name near one the host provides (a character or two added or taken away), and for any other."""
    entries = tuple(Provided("env", n, "func", FuncType()) for n in dict.fromkeys(names))
    manifest = Manifest("m.toml", "h", provided=entries)
    near = names[pick % len(names)]
    near = near[: int(edit)] if edit.startswith("-") else near + edit
    for wanted in (near, other):
        expected = difflib.get_close_matches(wanted, [e.name for e in entries], n=1, cutoff=0.8)
        assert manifest.close_name("env", wanted) == (expected[0] if expected else None)


def test_a_manifest_remembers_a_bounded_number_of_close_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry's long-lived checker meets endless new missed names: what the manifest keeps of them is bounded."""
    from wasmlint.manifest import values

    monkeypatch.setattr(values, "CLOSE_NAMES_KEPT", 3)
    manifest = Manifest("m.toml", "h", provided=(Provided("env", "ws_connect", "func", FuncType()),))
    answers = [manifest.close_name("env", name) for name in ("ws_conect", "a", "b", "c", "d", "ws_connec")]
    assert answers == ["ws_connect", None, None, None, None, "ws_connect"]
    assert 1 <= len(manifest._close) <= 3


def test_a_name_nothing_resembles_is_plainly_missing(tmp_path: Path, build: Build) -> None:
    plugin = build("far", '(import "env" "http_fetch" (func (param i64) (result i64)))')
    code, found = check("--manifest", manifest(tmp_path, WS_HOST), plugin)
    assert (code, codes(found)) == (1, [("WL101", "env.http_fetch")])
    assert "is not provided by host ws-host" in found[0]["message"]


def test_a_name_provided_in_another_namespace_says_where(tmp_path: Path, build: Build) -> None:
    plugin = build("ns", '(import "extism:host/user" "ws_send" (func (param i64) (result i64)))')
    code, found = check("--manifest", manifest(tmp_path, WS_HOST), plugin)
    assert (code, codes(found)) == (1, [("WL102", "extism:host/user.ws_send")])
    assert "the host provides ws_send in env" in found[0]["message"]


def test_legacy_extism_names_point_to_the_current_namespace(tmp_path: Path, build: Build) -> None:
    plugin = build(
        "legacy",
        '(import "env" "extism_alloc" (func (param i64) (result i64)))'
        '(import "env" "extism_output_set" (func (param i64 i64)))',
    )
    code, found = check("--preset", "extism", plugin)
    assert code == 1
    assert codes(found) == [("WL104", "env.extism_alloc"), ("WL104", "env.extism_output_set")]
    messages = " ".join(f["message"] for f in found)
    assert "extism:host/env.alloc" in messages and "extism:host/env.output_set" in messages


# --- WL105 signature, WL106 kind, WL107 limits and types ---------------------------------------------------------


def test_signature_mismatch_explains_legalized_i64(tmp_path: Path) -> None:
    code, found = check("--preset", "wasi_snapshot_preview1", CORPUS / "wat" / "emscripten_like.wasm")
    assert code == 1
    mismatch = [f for f in found if f["code"] == "WL105"]
    assert [f["subject"] for f in mismatch] == ["wasi_snapshot_preview1.fd_seek"]
    assert "without BigInt integration" in mismatch[0]["message"]


def test_the_dummy_hint_is_given_exactly_when_the_host_is_an_all_i64_dummy(tmp_path: Path, build: Build) -> None:
    host = manifest(tmp_path, '[host]\nname = "h"\n[imports.env]\nf = "(i64) -> i64"\ng = "(i32) -> ()"\n')
    dummy_host = build("f", '(import "env" "f" (func (param i32) (result i32)))')
    other_host = build("g", '(import "env" "g" (func (param i64)))')
    _, found = check("--manifest", host, dummy_host, other_host)
    hinted = {f["subject"]: "a dummy written as (i64) -> i64" in f["message"] for f in found}
    assert hinted == {"env.f": True, "env.g": False}


@pytest.mark.parametrize(
    ("imported", "host", "words"),
    [
        ("(memory 1)", '"(i64) -> i64"', "is a memory, the host provides a function"),
        (
            "(func (param i64) (result i64))",
            '{ kind = "global", type = "i64" }',
            "is a function, the host provides a global",
        ),
        ("(table 1 funcref)", '{ kind = "memory", min = 1 }', "is a table, the host provides a memory"),
        ("(global i32)", '{ kind = "tag", signature = "(i32) -> ()" }', "is a global, the host provides a tag"),
        ("(tag (param i32))", '"(i32) -> ()"', "is a tag, the host provides a function"),
    ],
)
def test_kind_mismatch(tmp_path: Path, build: Build, imported: str, host: str, words: str) -> None:
    plugin = build("kind", f'(import "env" "x" {imported})')
    code, found = check("--manifest", manifest(tmp_path, f"[imports.env]\nx = {host}\n"), plugin)
    assert (code, codes(found)) == (1, [("WL106", "env.x")])
    assert words in found[0]["message"]


@pytest.mark.parametrize(
    ("imported", "host", "words"),
    [
        ("(memory 1 4)", "min = 1, max = 8", "the host's maximum 8 exceeds the allowed maximum 4"),
        ("(memory 1 4)", "min = 1", "the host's no maximum exceeds the allowed maximum 4"),
        ("(memory 2 4)", "min = 1, max = 4", "the host's minimum 1 is below the required 2"),
        ("(memory 1 4 shared)", "min = 1, max = 4", "shared versus unshared"),
        ("(memory 1 4)", "min = 1, max = 4, shared = true", "shared versus unshared"),
        ("(memory i64 1)", "min = 1", "index type i64 versus i32"),
        ("(memory 1 (pagesize 1))", "min = 1", "page size 1 versus 65536"),
    ],
)
def test_memory_limits(tmp_path: Path, build: Build, imported: str, host: str, words: str) -> None:
    plugin = build("mem", f'(import "env" "memory" {imported})')
    code, found = check(
        "--manifest", manifest(tmp_path, f'[imports.env]\nmemory = {{ kind = "memory", {host} }}\n'), plugin
    )
    assert (code, codes(found)) == (1, [("WL107", "env.memory")])
    assert words in found[0]["message"]


@pytest.mark.parametrize("host", ["min = 1, max = 4", "min = 4, max = 4", "min = 2, max = 3", "min = 1, max = 1"])
def test_memory_limits_within_the_imports_pass(tmp_path: Path, build: Build, host: str) -> None:
    plugin = build("mem", '(import "env" "memory" (memory 1 4))')
    assert check(
        "--manifest", manifest(tmp_path, f'[imports.env]\nmemory = {{ kind = "memory", {host} }}\n'), plugin
    ) == (0, [])


@pytest.mark.parametrize(
    "host",
    [
        'kind = "memory", min = 3, max = 2',
        'kind = "memory", min = 1, shared = true',
        'kind = "memory", min = 1, max = 70000',
        'kind = "memory", min = 1, page_size = 4096',
        'kind = "table", min = 3, max = 2',
    ],
)
def test_impossible_host_types_are_refused(tmp_path: Path, build: Build, host: str) -> None:
    code, _, err = run("check", "--manifest", manifest(tmp_path, f"[imports.env]\nx = {{ {host} }}\n"), build("p", ""))
    assert code == 2 and f"{tmp_path / 'host.toml'}:2:" in err


@pytest.mark.parametrize(
    ("imported", "host", "words"),
    [
        ("(table 2 funcref)", '{ kind = "table", element = "externref", min = 2 }', "element funcref versus externref"),
        ("(table 2 funcref)", '{ kind = "table", min = 1 }', "the host's minimum 1 is below the required 2"),
        ("(global (mut i32))", '{ kind = "global", type = "i32" }', "needs global (mut i32), the host provides i32"),
        ("(global i64)", '{ kind = "global", type = "i32" }', "needs global i64, the host provides i32"),
    ],
)
def test_table_and_global_types(tmp_path: Path, build: Build, imported: str, host: str, words: str) -> None:
    plugin = build("t", f'(import "env" "x" {imported})')
    code, found = check("--manifest", manifest(tmp_path, f"[imports.env]\nx = {host}\n"), plugin)
    assert (code, codes(found)) == (1, [("WL107", "env.x")])
    assert words in found[0]["message"]


# --- WL108 forbidden, WL109 deprecated -----------------------------------------------------------------------------

POLICY = """\
[host]
name = "policy"
presets = ["wasi_snapshot_preview1"]

[imports.wasi_snapshot_preview1]
proc_exit = { signature = "(i32) -> ()", forbidden = "plugins must not exit the host" }

[imports.env]
log = { signature = "(i32, i32) -> ()", deprecated = "use env.log_record" }
log_record = "(i64) -> i64"
old = { signature = "() -> ()", deprecated = true }
bad = { signature = "() -> ()", forbidden = true }
"""


def test_forbidden_import_is_an_error_with_the_reason(tmp_path: Path, build: Build) -> None:
    plugin = build("exits", '(import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))')
    code, found = check("--manifest", manifest(tmp_path, POLICY), plugin)
    assert (code, codes(found)) == (1, [("WL108", "wasi_snapshot_preview1.proc_exit")])
    assert found[0]["severity"] == "error"
    assert found[0]["message"].endswith("is forbidden: plugins must not exit the host")
    assert found[0]["related"][0]["line"] == 6


def test_forbidden_true_without_a_reason(tmp_path: Path, build: Build) -> None:
    code, found = check("--manifest", manifest(tmp_path, POLICY), build("bad", '(import "env" "bad" (func))'))
    assert (code, codes(found)) == (1, [("WL108", "env.bad")])
    assert found[0]["message"].endswith("is forbidden: forbidden")


def test_deprecated_import_is_a_warning_and_exits_0(tmp_path: Path, build: Build) -> None:
    plugin = build("old", '(import "env" "log" (func (param i32 i32))) (import "env" "old" (func))')
    host = manifest(tmp_path, POLICY)
    code, found = check("--manifest", host, plugin)
    assert code == 0
    assert codes(found) == [("WL109", "env.log"), ("WL109", "env.old")]
    assert {f["severity"] for f in found} == {"warning"}
    assert "is deprecated: use env.log_record" in found[0]["message"]
    text_code, out, _ = run("check", "--manifest", host, plugin)
    assert text_code == 0 and "WL109" in out


def test_deprecated_and_mismatched_reports_both(tmp_path: Path, build: Build) -> None:
    plugin = build("old", '(import "env" "log" (func (param i64)))')
    code, found = check("--manifest", manifest(tmp_path, POLICY), plugin)
    assert (code, codes(found)) == (1, [("WL105", "env.log"), ("WL109", "env.log")])


# --- WL201, WL202 exports ------------------------------------------------------------------------------------------

EXPORTS = """\
[host]
name = "caller"

[exports]
meta = "() -> i32"
run = { signature = "() -> i32" }
describe = { signature = "() -> i64", required = false }
memory = { kind = "memory" }
version = { kind = "global", type = "i32" }
init = { required = true }
"""


def test_exports_present_with_the_right_types_pass(tmp_path: Path, build: Build) -> None:
    plugin = build(
        "good",
        '(func (export "meta") (result i32) i32.const 0) (func (export "run") (result i32) i32.const 0)'
        '(func (export "init")) (memory (export "memory") 1) (global (export "version") i32 (i32.const 1))',
    )
    assert check("--manifest", manifest(tmp_path, EXPORTS), plugin) == (0, [])


def test_missing_required_exports_and_wrong_types(tmp_path: Path, build: Build) -> None:
    plugin = build(
        "bad",
        '(func (export "meta") (result i64) i64.const 0) (func (export "describe") (result i32) i32.const 0)'
        '(func (export "memory")) (global (export "version") (mut i32) (i32.const 1))',
    )
    code, found = check("--manifest", manifest(tmp_path, EXPORTS), plugin)
    assert code == 1
    assert codes(found) == [
        ("WL201", "init"),
        ("WL201", "run"),
        ("WL202", "describe"),
        ("WL202", "memory"),
        ("WL202", "meta"),
        ("WL202", "version"),
    ]
    by_subject = {f["subject"]: f["message"] for f in found}
    assert by_subject["run"] == "required export run () -> i32 is missing"
    assert by_subject["meta"] == "export meta has () -> i64, the host calls it as () -> i32"
    assert by_subject["memory"] == "export memory is a function, the host uses it as a memory"
    assert by_subject["init"] == "required export init is missing"


def test_an_exported_mutable_global_can_be_described(tmp_path: Path) -> None:
    host = manifest(tmp_path, '[exports]\n__stack_pointer = { kind = "global", type = "i32", mutable = true }\n')
    assert check("--manifest", host, CORPUS / "zig" / "host_log.wasm", "--select", "WL2") == (0, [])


def test_optional_export_may_be_absent(tmp_path: Path, build: Build) -> None:
    host = manifest(tmp_path, '[exports]\ndescribe = { signature = "() -> i64", required = false }\n')
    assert check("--manifest", host, build("none", "")) == (0, [])


# --- WL301, WL302 phases ------------------------------------------------------------------------------------------

PHASES = """\
[host]
name = "phased"

[imports.env]
log_record = "(i64) -> i64"
ws_connect = "(i64) -> i64"
ws_send = "(i64) -> i64"

[phases.meta]
provides = ["env.log_record"]

[phases.describe]
missing = "dummy"
provides = ["env.log_*"]
description = "answer describe() with dummies for the rest"

[phases.full]
provides = ["env.*"]
"""

WS_IMPORTS = "".join(
    f'(import "env" "{name}" (func (param i64) (result i64)))' for name in ("log_record", "ws_connect", "ws_send")
)


def test_phase_without_dummies_reports_what_it_lacks(tmp_path: Path, build: Build) -> None:
    code, found = check("--manifest", manifest(tmp_path, PHASES), "--phase", "meta", build("ws", WS_IMPORTS))
    assert code == 1
    assert codes(found) == [("WL301", "env.ws_connect"), ("WL301", "env.ws_send")]
    assert {f["phase"] for f in found} == {"meta"}
    assert found[0]["related"][0]["line"] == 9


def test_phase_with_dummies_informs_and_passes(tmp_path: Path, build: Build) -> None:
    code, found = check("--manifest", manifest(tmp_path, PHASES), "--phase", "describe", build("ws", WS_IMPORTS))
    assert code == 0
    assert codes(found) == [("WL302", "env.ws_connect"), ("WL302", "env.ws_send")]
    assert {f["severity"] for f in found} == {"info"}


def test_every_phase_is_checked_by_default_and_run_is_the_whole_host(tmp_path: Path, build: Build) -> None:
    host, plugin = manifest(tmp_path, PHASES), build("ws", WS_IMPORTS)
    code, found = check("--manifest", host, plugin)
    assert code == 1
    assert sorted({(f["code"], f["phase"]) for f in found}) == [("WL301", "meta"), ("WL302", "describe")]
    assert check("--manifest", host, "--phase", "run", plugin) == (0, [])
    assert check("--manifest", host, "--phase", "full", plugin) == (0, [])


def test_unknown_phase_and_bad_phases_are_usage_errors(tmp_path: Path, build: Build) -> None:
    plugin = build("ws", WS_IMPORTS)
    code, _, err = run("check", "--manifest", manifest(tmp_path, PHASES), "--phase", "nope", plugin)
    assert code == 2 and "no phase 'nope'" in err and "run, meta, describe, full" in err
    for text, words in [
        ("[phases.run]\nprovides = []\n", "the phase `run`"),
        ('[phases.meta]\nprovides = ["env.nothing"]\n', "does not declare"),
        ('[imports.env]\nf = "() -> ()"\n[phases.meta]\nmissing = "stub"\n', '`missing` must be "error" or "dummy"'),
    ]:
        code, _, err = run("check", "--manifest", manifest(tmp_path, text, "bad.toml"), plugin)
        assert code == 2 and words in err, err


# --- WL401 unused entries ------------------------------------------------------------------------------------------


def test_unused_entries_only_when_selected(tmp_path: Path, build: Build) -> None:
    host = manifest(
        tmp_path, '[host]\npresets = ["extism"]\n' + WS_HOST.split("\n", 2)[2] + '[imports.x]\n"y*" = "*"\n'
    )
    plugin = build("one", '(import "env" "ws_send" (func (param i64) (result i64)))')
    assert check("--manifest", host, plugin) == (0, [])
    code, found = check("--manifest", host, "--select", "WL1,WL401", plugin)
    assert code == 0
    assert codes(found) == [("WL401", "env.log_record"), ("WL401", "env.ws_connect")]
    assert {(f["path"], f["severity"]) for f in found} == {(str(host), "info")}
    assert {f["subject"]: f["line"] for f in found} == {"env.ws_connect": 5, "env.log_record": 7}
    _, found = check("--manifest", host, "--select", "ALL", plugin, build("other", ""))
    assert len([f for f in found if f["code"] == "WL401"]) == 2


@pytest.mark.parametrize(("lint", "args"), [('select = ["ALL"]', ()), ('ignore = ["WL401"]', ("--select", "ALL"))])
def test_unused_entries_follow_the_lint_table(tmp_path: Path, build: Build, lint: str, args: tuple[str, ...]) -> None:
    host = manifest(tmp_path, f'[imports.env]\nf = "() -> ()"\ng = "() -> ()"\n[lint]\n{lint}\n')
    _, found = check("--manifest", host, *args, build("p", '(import "env" "f" (func))'))
    assert [f["code"] for f in found] == (["WL401"] if "select" in lint else [])


def test_unused_counts_every_checked_file(tmp_path: Path, build: Build) -> None:
    host = manifest(tmp_path, WS_HOST)
    a = build("a", '(import "env" "ws_send" (func (param i64) (result i64)))')
    b = build("b", '(import "env" "ws_connect" (func (param i64) (result i64)))')
    _, found = check("--manifest", host, "--select", "WL401", a, b)
    assert codes(found) == [("WL401", "env.log_record")]


# --- name patterns -------------------------------------------------------------------------------------------------

EMSCRIPTEN = CORPUS / "wat" / "emscripten_like.wasm"


def _emscripten_host(invoke: str) -> str:
    return f"""\
[host]
presets = ["wasi"]

[imports.env]
memory = {{ kind = "memory", min = 256, max = 256 }}
__indirect_function_table = {{ kind = "table", min = 8 }}
{invoke}
"emscripten_*" = "*"
setTempRet0 = "(i32) -> ()"
getTempRet0 = "() -> i32"
__cxa_throw = "(i32, i32, i32) -> ()"
abort = "() -> ()"

[imports.wasi_snapshot_preview1]
fd_seek = "(i32, i32, i32, i32, i32) -> i32"
"""


def test_name_patterns_with_any_signature_cover_the_trampolines(tmp_path: Path) -> None:
    host = manifest(tmp_path, _emscripten_host('"invoke_*" = "*"'))
    assert check("--manifest", host, EMSCRIPTEN) == (0, [])


def test_a_pattern_with_a_signature_checks_each_match(tmp_path: Path) -> None:
    host = manifest(tmp_path, _emscripten_host('"invoke_v?" = "(i32, i32) -> ()"\n"invoke_i*" = "(i32) -> i32"'))
    code, found = check("--manifest", host, EMSCRIPTEN)
    assert (code, codes(found)) == (1, [("WL105", "env.invoke_iii")])


def test_exact_names_win_over_patterns(tmp_path: Path) -> None:
    host = manifest(tmp_path, _emscripten_host('"invoke_*" = "*"\ninvoke_vi = "() -> ()"'))
    code, found = check("--manifest", host, EMSCRIPTEN)
    assert (code, codes(found)) == (1, [("WL105", "env.invoke_vi")])


def test_any_signature_needs_a_pattern(tmp_path: Path) -> None:
    code, _, err = run("check", "--manifest", manifest(tmp_path, '[imports.env]\nf = "*"\n'), EMSCRIPTEN)
    assert code == 2 and "allowed only for name patterns" in err


# --- extends -------------------------------------------------------------------------------------------------------


def test_extends_inherits_and_overrides(tmp_path: Path, build: Build) -> None:
    manifest(tmp_path, WS_HOST + '\n[exports]\nmeta = "() -> i32"\n[lint]\nignore = ["WL201"]\n', "base.toml")
    child = manifest(
        tmp_path,
        '[host]\nname = "child"\nextends = "../base.toml"\npresets = ["extism"]\n'
        '[imports.env]\nws_send = "(i64, i64) -> i64"\nws_close = "(i64) -> i64"\n',
        "hosts/child.toml",
    )
    plugin = build(
        "p",
        '(import "env" "ws_connect" (func (param i64) (result i64)))'
        '(import "env" "ws_send" (func (param i64) (result i64)))'
        '(import "env" "ws_close" (func (param i64) (result i64)))'
        '(import "extism:host/env" "alloc" (func (param i64) (result i64)))',
    )
    code, found = check("--manifest", child, plugin)
    assert (code, codes(found)) == (1, [("WL105", "env.ws_send")])
    assert "host provides (i64, i64) -> i64" in found[0]["message"]
    assert found[0]["related"][0]["path"] == str(child)


def test_extends_cycle_is_an_error(tmp_path: Path, build: Build) -> None:
    manifest(tmp_path, '[host]\nextends = "b.toml"\n', "a.toml")
    manifest(tmp_path, '[host]\nextends = "c.toml"\n', "b.toml")
    manifest(tmp_path, '[host]\nextends = "a.toml"\n', "c.toml")
    code, out, err = run("check", "--manifest", tmp_path / "a.toml", build("p", ""))
    assert code == 2
    assert "`extends` forms a cycle" in err and ":2:" in err
    assert "Traceback" not in out + err


def test_extends_self_and_missing_file(tmp_path: Path, build: Build) -> None:
    code, _, err = run(
        "check", "--manifest", manifest(tmp_path, '[host]\nextends = "self.toml"\n', "self.toml"), build("p", "")
    )
    assert code == 2 and "cycle" in err
    code, _, err = run("check", "--manifest", manifest(tmp_path, '[host]\nextends = "gone.toml"\n'), build("p", ""))
    assert code == 2 and "'gone.toml', which is not a file" in err


# --- rule selection: per-file-ignores, --select, --ignore, [lint] ----------------------------------------------------


def _project(tmp_path: Path, build: Build, lint: str) -> tuple[Path, Path]:
    manifest(tmp_path, WS_HOST + lint, "wasmlint.toml")
    body = '(import "env" "ws_close" (func (param i64) (result i64)))(import "env" "ws_send" (func (param i32)))'
    return build("legacy/old", body), build("plugins/new", body)


def test_per_file_ignores_apply_to_matching_paths_only(tmp_path: Path, build: Build, cwd: Path) -> None:
    old, new = _project(
        tmp_path, build, '\n[lint]\nper-file-ignores = { "legacy/*.wasm" = ["WL101"], "new.wasm" = ["WL105"] }\n'
    )
    code, found = check(old, new)
    assert code == 1
    assert sorted((Path(f["path"]).name, f["code"]) for f in found) == [("new.wasm", "WL101"), ("old.wasm", "WL105")]


def test_per_file_ignores_take_prefixes(tmp_path: Path, build: Build, cwd: Path) -> None:
    old, _ = _project(tmp_path, build, '\n[lint]\nper-file-ignores = { "legacy/**" = ["WL1"] }\n')
    assert check(old) == (0, [])


def test_select_and_ignore_on_the_command_line(tmp_path: Path, build: Build) -> None:
    old, _ = _project(tmp_path, build, "")
    assert {f["code"] for f in check(old)[1]} == {"WL101", "WL105"}
    assert codes(check("--select", "WL105", old)[1]) == [("WL105", "env.ws_send")]
    assert codes(check("--select", "wl10", "--ignore", "WL105", old)[1]) == [("WL101", "env.ws_close")]
    assert check("--ignore", "WL101,WL105", old) == (0, [])
    assert check("--ignore", "WL1", old) == (0, [])


def test_lint_table_selects_and_the_command_line_wins(tmp_path: Path, build: Build) -> None:
    old, _ = _project(tmp_path, build, '\n[lint]\nignore = ["WL101"]\n')
    assert codes(check(old)[1]) == [("WL105", "env.ws_send")]
    assert {f["code"] for f in check("--ignore", "WL105", old)[1]} == {"WL101"}


def test_pyproject_tool_table_selects(tmp_path: Path, build: Build) -> None:
    manifest(tmp_path, WS_HOST, "host.toml")
    manifest(tmp_path, '[tool.wasmlint]\nmanifest = "host.toml"\nselect = ["WL105"]\n', "pyproject.toml")
    plugin = build("p", '(import "env" "ws_close" (func (param i64) (result i64)))(import "env" "ws_send" (func))')
    assert codes(check(plugin)[1]) == [("WL105", "env.ws_send")]


def test_unknown_lint_key_is_an_error(tmp_path: Path, build: Build) -> None:
    code, _, err = run("check", "--manifest", manifest(tmp_path, '[lint]\nselected = ["WL1"]\n'), build("p", ""))
    assert code == 2 and "unknown key 'selected'" in err


# --- --preset --------------------------------------------------------------------------------------------------------


def test_preset_alone_checks_without_a_manifest(tmp_path: Path, build: Build, cwd: Path) -> None:
    assert check("--preset", "wasi_snapshot_preview1", CORPUS / "wat" / "wasi_command.wasm") == (0, [])
    code, found = check("--preset", "wasi_snapshot_preview1", CORPUS / "zig" / "wasi_hello.wasm")
    assert (code, codes(found)) == (1, [("WL101", "env.host_exit_code")])
    assert "wasi_snapshot_preview1" in found[0]["message"]


def test_presets_combine(tmp_path: Path, cwd: Path) -> None:
    plugin = CORPUS / "go" / "user_plugin.wasm"
    code, found = check("--preset", "wasi_snapshot_preview1", "--preset", "extism", plugin)
    assert code == 1
    assert {f["subject"].split(".")[0] for f in found} == {"extism:host/user"}
    assert len(check("--preset", "extism", plugin)[1]) == len(found) + 10


def test_unknown_preset_is_a_usage_error(build: Build) -> None:
    code, _, err = run("check", "--preset", "wasi_preview2", build("p", ""))
    assert code == 2 and "wasi_preview2" in err


def test_no_manifest_anywhere_is_exit_2(tmp_path: Path, build: Build, cwd: Path) -> None:
    code, _, err = run("check", build("p", ""))
    assert code == 2 and "no manifest found" in err


# --- formats and exit statuses -----------------------------------------------------------------------------------


@pytest.fixture
def plugins(tmp_path: Path, build: Build) -> dict[str, Path]:
    manifest(tmp_path, POLICY, "wasmlint.toml")
    bad = tmp_path / "broken.wasm"
    bad.write_bytes(b"\x00asm\x01\x00\x00\x00\x01\x05\x00")
    return {
        "clean": build("clean", '(import "env" "log_record" (func (param i64) (result i64)))'),
        "warning": build("warn", '(import "env" "old" (func))'),
        "error": build("err", '(import "env" "nope" (func))'),
        "malformed": bad,
    }


def _parse(fmt: str, out: str) -> list[str]:
    """The codes reported, read back from each format."""
    if fmt == "json":
        return [f["code"] for f in json.loads(out)]
    if fmt == "sarif":
        log = json.loads(out)
        assert log["version"] == "2.1.0"
        return [r["ruleId"] for r in log["runs"][0]["results"]]
    if fmt == "github":
        return [line.split("title=")[1].split(" ")[0] for line in out.splitlines()]
    return [line.split(" ")[1] for line in out.splitlines()[:-1]]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize(
    ("which", "status", "found"),
    [("clean", 0, []), ("warning", 0, ["WL109"]), ("error", 1, ["WL101"]), ("malformed", 2, ["WL001"])],
)
def test_exit_status_is_the_same_in_every_format(
    plugins: dict[str, Path], fmt: str, which: str, status: int, found: list[str]
) -> None:
    code, out, _ = run("check", "--format", fmt, plugins[which])
    assert code == status
    assert _parse(fmt, out) == found
    if fmt == "github" and found:
        assert out.startswith({"WL109": "::warning ", "WL101": "::error ", "WL001": "::error "}[found[0]])
    if fmt == "text" and not found:
        assert out == ""


def test_worst_file_decides_the_exit_status(plugins: dict[str, Path]) -> None:
    for fmt in ("text", "json", "sarif", "github"):
        assert run("check", "--format", fmt, plugins["clean"], plugins["warning"], plugins["error"])[0] == 1
        assert run("check", "--format", fmt, plugins["error"], plugins["malformed"])[0] == 2


def test_a_broken_manifest_is_exit_2_in_every_format(tmp_path: Path, build: Build) -> None:
    host = manifest(tmp_path, "[imports.env]\nf = 3\n")
    for fmt in ("text", "json", "sarif", "github"):
        code, _, err = run("check", "--format", fmt, "--manifest", host, build("p", ""))
        assert code == 2 and f"{host}:2:" in err
