"""WL509 for what nearcore's contract preparation refuses per protocol version, against wasm-tools.

The facts are in scripts/presets/sources/near.json (``module_rules.wasm_features_by_release``, cited): floats and
mutable globals were always accepted; sign extension from the finite-wasm preparation (protocol 62), saturating
float-to-int from 78 (``saturating_float_to_int`` in the protocol config), reference types and bulk memory from 84
(Wasmtime, ``reftypes_bulk_memory``); multi-value, SIMD, threads, tail calls, multi-memory, memory64, exceptions and
the later proposals never. nearcore validates with wasmparser alone (no operator filter like CosmWasm's
Gatekeeper), so the reference at each protocol version is ``wasm-tools validate --features=`` its recorded set.

The cases below are written from those facts, not from the preset: one WAT module per use of a feature, and the
protocol versions that refuse it. At every version of the preset's axis wasmlint must name exactly what the case
says, and wasm-tools with that version's set must accept the module exactly when wasmlint names nothing. A seeded
slice of smith modules is checked against each of the four distinct sets the same way; the NEAR corpus keeps its
verdicts at every version.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import feature_reference as F
import pytest

from wasmlint import Checker, load_presets

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "ecosystems" / "near"
VERSIONS = ("29", "46", "53", "55", "59", "62", "67", "70", "77", "78", "82", "84", "85", "86")
COUNT = int(os.environ.get("WASMLINT_NEAR_FEATURE_COUNT", "50"))
SEED = int(os.environ.get("WASMLINT_FEATURE_SEED", "20261202"))

PWASM = {"29", "46", "53", "55", "59"}  # pwasm-utils preparation (V0, V1): the MVP with floats
FINITE = {"62", "67", "70", "77"}  # finite-wasm preparation (V2): sign extension
SATURATING = {"78", "82"}  # saturating_float_to_int in the protocol config
WASMTIME = {"84", "85", "86"}  # prepare_v3, reftypes_bulk_memory: reference types and bulk memory
BEFORE_84 = PWASM | FINITE | SATURATING
EVERY = set(VERSIONS)

# name: (WAT module body, {refusing versions: the features wasmlint names there})
CASES: dict[str, tuple[str, dict[frozenset[str], set[str]]]] = {
    "float-operator": ("(func (param f32) (result f32) local.get 0 local.get 0 f32.add)", {}),
    "float-global": ("(global (mut f64) (f64.const 1))", {}),
    "sign-extension": ("(func (drop (i32.extend8_s (i32.const 1))))", {frozenset(PWASM): {"sign_extension"}}),
    "saturating": (
        "(func (param f32) (result i32) local.get 0 i32.trunc_sat_f32_s)",
        {frozenset(PWASM | FINITE): {"saturating_float_to_int"}},
    ),
    "multi-value": ("(func (result i32 i32) i32.const 1 i32.const 2)", {frozenset(EVERY): {"multi_value"}}),
    "multi-value-block": (
        "(type (func (param i32))) (func (block (type 0) (i32.const 1)))",
        {frozenset(EVERY): {"multi_value"}},
    ),
    "bulk-memory-operator": (
        "(memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)))",
        {frozenset(BEFORE_84): {"bulk_memory"}},
    ),
    "bulk-memory-passive-data": ('(memory 1) (data "x")', {frozenset(BEFORE_84): {"bulk_memory"}}),
    "bulk-memory-passive-elements": (
        "(table 1 funcref) (func $f) (elem func $f)",
        {frozenset(BEFORE_84): {"bulk_memory"}},
    ),
    "reference-types-operator": (
        "(table 1 funcref) (func (drop (table.size 0)))",
        {frozenset(BEFORE_84): {"reference_types"}},
    ),
    "typed-select": (
        "(func (result i32) (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)))",
        {frozenset(BEFORE_84): {"reference_types"}},
    ),
    "funcref-parameter": ("(func (param funcref))", {frozenset(BEFORE_84): {"reference_types"}}),
    "externref-parameter": (
        "(func (param externref))",
        {frozenset(BEFORE_84): {"reference_types"}, frozenset(WASMTIME): {"gc_types"}},
    ),
    "externref-null": (
        "(func (drop (ref.null extern)))",
        {frozenset(BEFORE_84): {"reference_types"}, frozenset(WASMTIME): {"gc_types"}},
    ),
    "element-expressions": (
        "(table 1 funcref) (func $f) (elem (table 0) (i32.const 0) funcref (ref.func $f))",
        {frozenset(BEFORE_84): {"reference_types"}},
    ),
    "two-tables": ("(table 1 funcref) (table 1 funcref)", {frozenset(BEFORE_84): {"reference_types"}}),
    "simd": ("(func (param v128))", {frozenset(EVERY): {"simd"}}),
    "tail-call": ("(func return_call 0)", {frozenset(EVERY): {"tail_call"}}),
    "threads": ("(memory 1 1 shared)", {frozenset(EVERY): {"threads"}}),
    "multi-memory": ("(memory 1) (memory 1)", {frozenset(EVERY): {"multi_memory"}}),
    "memory64": ("(memory i64 1)", {frozenset(EVERY): {"memory64"}}),
    "exceptions": ("(tag)", {frozenset(EVERY): {"exceptions"}}),
    "extended-const": ("(global i32 (i32.add (i32.const 1) (i32.const 2)))", {frozenset(EVERY): {"extended_const"}}),
}


def expected(case: str, version: str) -> list[str]:
    for versions, named in CASES[case][1].items():
        if version in versions:
            return sorted(named)
    return []


def build(tmp_path: Path, name: str, body: str) -> Path:
    return F.build_module(tmp_path, name, body)


@pytest.fixture(scope="module")
def names() -> set[str]:
    found = {"unknown"}
    for entry in F.release_entries("near"):
        found |= set(entry["refused"]) | set(entry["refused_operators"])
    return found


@pytest.fixture(scope="module")
def checkers() -> dict[str, Checker]:
    return {version: F.release_checker("near", version) for version in VERSIONS}


def test_the_axis_is_the_presets_and_the_entries_tile_it() -> None:
    (info,) = load_presets(["near"]).preset_info
    assert info.host_versions == VERSIONS
    assert [F.entry_for("near", v)["since"] for v in VERSIONS] == [
        "29", "29", "29", "29", "29", "62", "62", "62", "62", "78", "78", "84", "84", "84"
    ]  # fmt: skip
    sources = {key for key, _ in info.sources}
    every = {"floats", "sign_extension", "saturating_float_to_int", "gc_types"}
    entries = F.release_entries("near")
    for entry in entries:
        every |= set(entry["refused"])
    for entry in entries:
        assert entry["source"] in sources
        assert entry["refused_operators"] == []  # nearcore has no operator filter: wasmparser decides
        named = {n.replace("-", "_") for n in entry["reference"].split(",")} - {"_all", "mutable_global"}
        # the reference accepts exactly what the entry does not refuse (gc-types: accepted nowhere)
        assert named == every - set(entry["refused"]) - {"gc_types"}, entry


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_feature_use_is_refused_exactly_at_the_protocol_versions_that_refuse_it(
    tmp_path: Path, case: str, names: set[str], checkers: dict[str, Checker]
) -> None:
    path = build(tmp_path, case, CASES[case][0])
    for version in VERSIONS:
        wanted = expected(case, version)
        assert F.feature_refusals(checkers[version], path, names) == wanted, version
        accepted, said = F.validates(path, str(F.entry_for("near", version)["reference"]))
        assert accepted == (not wanted), (version, said)


def test_a_long_call_indirect_table_index_is_refused_before_84(
    tmp_path: Path, names: set[str], checkers: dict[str, Checker]
) -> None:
    """call_indirect with table index 0 written as two bytes (``80 00``), as LLVM writes it for Rust 1.82 and
    later: wasmparser without reference types wants a zero byte; with them (84) it reads a table index."""
    sections = [
        (1, b"\x01\x60\x00\x00"),  # type () -> ()
        (3, b"\x01\x00"),  # one function
        (4, b"\x01\x70\x00\x01"),  # one funcref table
        (10, b"\x01\x08\x00\x41\x00\x11\x00\x80\x00\x0b"),  # i32.const 0; call_indirect type 0, table 0 (80 00)
    ]
    path = tmp_path / "overlong.wasm"
    path.write_bytes(b"\x00asm\x01\x00\x00\x00" + b"".join(bytes([i, len(p)]) + p for i, p in sections))
    for version in VERSIONS:
        wanted = ["reference_types"] if version in BEFORE_84 else []
        assert F.feature_refusals(checkers[version], path, names) == wanted, version
        assert F.validates(path, str(F.entry_for("near", version)["reference"]))[0] == (not wanted), version


def test_a_finding_names_the_protocol_version_the_use_and_its_offset(
    tmp_path: Path, checkers: dict[str, Checker]
) -> None:
    path = build(tmp_path, "sat", "(func (param f32) (result i32) local.get 0 i32.trunc_sat_f32_s)")
    (finding,) = [f for f in checkers["77"].check_path(path) if f.code == "WL509"]
    assert "saturating_float_to_int" in finding.message and "protocol version 77 refuses" in finding.message
    assert path.read_bytes()[finding.location.offset or 0] == 0xFC  # the opcode's prefix, in the code section
    assert [f for f in checkers["78"].check_path(path) if f.code == "WL509"] == []
    # without --host-version the newest protocol version is checked
    newest = Checker(load_presets(["near"]), select=["WL509"])
    assert [f.subject for f in newest.check_path(build(tmp_path, "mv", CASES["multi-value"][0]))] == ["multi_value"]


def test_the_corpus_keeps_its_verdicts_and_uses_no_refused_feature_at_any_version(
    names: set[str], checkers: dict[str, Checker]
) -> None:
    """Every real module of the NEAR corpus (near-sdk-as builds, the built fixtures) passes WL509 at every protocol
    version, and wasm-tools agrees with the oldest, narrowest set; expected.json records no WL509 for any."""
    entries = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    assert not [e for e in entries for f in e["findings"] if f.get("code") == "WL509"]
    files = sorted({e["file"] for e in entries})
    assert len(files) >= 8
    for name in files:
        assert F.validates(CORPUS / name, str(F.entry_for("near", "29")["reference"]))[0], name
        for version in VERSIONS:
            assert F.feature_refusals(checkers[version], CORPUS / name, names) == [], (name, version)


# --- smith modules, against every distinct set -----------------------------------------------------------------------

DISTINCT = ("29", "62", "78", "84")


@pytest.fixture(scope="module")
def smith_slice(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    directory = tmp_path_factory.mktemp("near-features")
    made = [F.smith_module(directory, SEED, n, *F.RELEASE_SMITH["near"]) for n in range(COUNT)]
    return [path for found in made if found is not None for path in [found[1]]]


def test_there_are_four_distinct_sets() -> None:
    keys = {json.dumps([e["refused"], e["reference"]]): e["since"] for e in reversed(F.release_entries("near"))}
    assert sorted(keys.values(), key=int) == list(DISTINCT)


@pytest.mark.parametrize("version", DISTINCT)
def test_smith_modules_are_refused_exactly_when_wasm_tools_refuses_them(
    version: str, smith_slice: list[Path], names: set[str], checkers: dict[str, Checker]
) -> None:
    reference = str(F.entry_for("near", version)["reference"])
    disagreements = []
    refused_count = 0
    for path in smith_slice:
        refused = F.feature_refusals(checkers[version], path, names)
        accepted, said = F.validates(path, reference)
        refused_count += bool(refused)
        if accepted == bool(refused):
            disagreements.append((path.name, refused, said[-120:] or "accepted"))
    assert disagreements == []
    assert len(smith_slice) >= COUNT * 3 // 4
    assert len(smith_slice) // 10 <= refused_count <= len(smith_slice) * 9 // 10, refused_count
