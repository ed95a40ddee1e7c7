"""WL509 for what cosmwasm-vm refuses per release: its wasm features, and its locals limits, against references.

The facts are in scripts/presets/sources/cosmwasm.json (``module_rules.wasm_features_by_release``, cited): to 1.3
parity-wasm reads the MVP (and sign extension from 1.3); from 1.4 wasmparser's Validator, with wasmparser 0.95's
defaults at 1.4 and a set written out from 1.5.10 and 2.0; from 3.0 reference types without GC types. Beside the
parser, the Gatekeeper, which compiles the contract at upload, refuses operators of function bodies (floats before
1.5; bulk memory and reference types at 1.4; reference types again at 3.0), never types.

The cases below are written from those facts, not from the preset: one WAT module per use of a feature, and the
lines of releases that refuse it. At every release wasmlint must name exactly what the case says, and the
reference must agree: ``wasm-tools validate --features=`` the release's recorded set, and no operator of a feature
the release refuses as operators in ``wasm-tools print``'s function bodies (``feature_reference.host_accepts``).
A seeded slice of smith modules is checked against every distinct release set the same way. The locals limits
(2.2.9, 2.3.4, 3.0.9) are built at their boundaries and counted against ``wasm-tools print``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import feature_reference as F
import pytest
import reference as R

from wasmlint import Checker, decode_bytes, load_presets

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "ecosystems" / "cosmwasm"
RELEASES = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "2.0", "2.1", "2.2", "2.3", "3.0")
COUNT = int(os.environ.get("WASMLINT_COSMWASM_FEATURE_COUNT", "60"))
SEED = int(os.environ.get("WASMLINT_FEATURE_SEED", "20261202"))

PARITY = {"1.0", "1.1", "1.2"}  # parity-wasm 0.42, no proposal feature
SIGN_EXT = {"1.3"}  # parity-wasm 0.45 with sign_ext
DEFAULTS = {"1.4"}  # wasmparser 0.95's defaults; the Gatekeeper refuses floats, bulk memory, reference types operators
WRITTEN = {"1.5", "2.0", "2.1", "2.2", "2.3"}  # the set written out (1.5.10, 2.0): floats allowed
REFTYPES = {"3.0"}  # reference types without GC types; the Gatekeeper refuses reference-type operators
EVERY = set(RELEASES)

# name: (WAT module body, {refusing releases: the features wasmlint names there})
CASES: dict[str, tuple[str, dict[frozenset[str], set[str]]]] = {
    "float-parameter": ("(func (param f32))", {}),
    "float-local": ("(func (local f64))", {}),
    "float-global": ("(global f32 (f32.const 1))", {}),  # a constant expression: not an operator of a body
    "float-operator": ("(func (drop (f32.const 1)))", {frozenset(PARITY | SIGN_EXT | DEFAULTS): {"floats"}}),
    "saturating": (
        "(func (param f32) (result i32) local.get 0 i32.trunc_sat_f32_s)",
        {
            frozenset(PARITY | SIGN_EXT): {"saturating_float_to_int", "floats"},
            frozenset(DEFAULTS): {"floats"},  # the validator accepts it; the Gatekeeper's floats group does not
        },
    ),
    "sign-extension": ("(func (drop (i32.extend8_s (i32.const 1))))", {frozenset(PARITY): {"sign_extension"}}),
    "multi-value": (
        "(func (result i32 i32) i32.const 1 i32.const 2)",
        {frozenset(PARITY | SIGN_EXT): {"multi_value"}},
    ),
    "multi-value-block": ("(type (func)) (func (block (type 0)))", {frozenset(PARITY | SIGN_EXT): {"multi_value"}}),
    "bulk-memory-operator": (
        "(memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)))",
        {frozenset(EVERY): {"bulk_memory"}},
    ),
    "bulk-memory-passive-data": (
        '(memory 1) (data "x")',
        {frozenset(PARITY | SIGN_EXT | WRITTEN | REFTYPES): {"bulk_memory"}},
    ),
    "bulk-memory-passive-elements": (
        "(table 1 funcref) (func $f) (elem func $f)",
        {frozenset(PARITY | SIGN_EXT | WRITTEN | REFTYPES): {"bulk_memory"}},
    ),
    "reference-types-operator": (
        "(table 1 funcref) (func (drop (table.size 0)))",
        {frozenset(EVERY): {"reference_types"}},
    ),
    "typed-select": (
        "(func (result i32) (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)))",
        {frozenset(EVERY): {"reference_types"}},
    ),
    "funcref-parameter": (
        "(func (param funcref))",
        {frozenset(PARITY | SIGN_EXT | WRITTEN): {"reference_types"}},
    ),
    "externref-parameter": (
        "(func (param externref))",
        {frozenset(PARITY | SIGN_EXT | WRITTEN): {"reference_types"}, frozenset(REFTYPES): {"gc_types"}},
    ),
    "element-expressions": (
        "(table 1 funcref) (func $f) (elem (table 0) (i32.const 0) funcref (ref.func $f))",
        {frozenset(PARITY | SIGN_EXT | WRITTEN): {"reference_types"}},
    ),
    "simd": ("(func (param v128))", {frozenset(EVERY): {"simd"}}),
    "tail-call": ("(func return_call 0)", {frozenset(EVERY): {"tail_call"}}),
    "threads": ("(memory 1 1 shared)", {frozenset(EVERY): {"threads"}}),
    "multi-memory": ("(memory 1) (memory 1)", {frozenset(EVERY): {"multi_memory"}}),
    "exceptions": ("(tag)", {frozenset(EVERY): {"exceptions"}}),
    "extended-const": ("(global i32 (i32.add (i32.const 1) (i32.const 2)))", {frozenset(EVERY): {"extended_const"}}),
}


def expected(case: str, release: str) -> list[str]:
    for releases, named in CASES[case][1].items():
        if release in releases:
            return sorted(named)
    return []


def build(tmp_path: Path, name: str, body: str) -> Path:
    return F.build_module(tmp_path, name, body)


@pytest.fixture(scope="module")
def names() -> set[str]:
    return F.feature_names()


@pytest.fixture(scope="module")
def checkers() -> dict[str, Checker]:
    return {release: F.release_checker("cosmwasm", release) for release in RELEASES}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_feature_use_is_refused_exactly_in_the_releases_that_refuse_it(
    tmp_path: Path, case: str, names: set[str], checkers: dict[str, Checker]
) -> None:
    path = build(tmp_path, case, CASES[case][0])
    for release in RELEASES:
        wanted = expected(case, release)
        assert F.feature_refusals(checkers[release], path, names) == wanted, release
        accepted, said = F.host_accepts(path, F.entry_for("cosmwasm", release))
        assert accepted == (not wanted), (release, said)


def assemble(code: bytes) -> bytes:
    """A module of one memory, one funcref table and one function () -> () with ``code`` as its body: for an
    encoding WAT cannot write (an over-long LEB128 immediate)."""

    def section(ident: int, payload: bytes) -> bytes:
        return bytes([ident, len(payload)]) + payload

    body = b"\x00" + code + b"\x0b"
    return (
        b"\x00asm\x01\x00\x00\x00"
        + section(1, b"\x01\x60\x00\x00")
        + section(3, b"\x01\x00")
        + section(4, b"\x01\x70\x00\x01")
        + section(5, b"\x01\x00\x01")
        + section(10, bytes([1, len(body)]) + body)
    )


def test_a_long_call_indirect_table_index_is_refused_until_3_0_except_by_1_4(
    tmp_path: Path, names: set[str], checkers: dict[str, Checker]
) -> None:
    """call_indirect with table index 0 written as two bytes (``80 00``), as LLVM writes it for Rust 1.82 and later
    (reference types on): parity-wasm reads one byte and refuses 0x80, wasmparser without reference types wants
    ``zero byte``; wasmparser 0.95's defaults (1.4) and 3.0's reference types read it."""
    path = tmp_path / "overlong.wasm"
    path.write_bytes(assemble(b"\x41\x00\x11\x00\x80\x00"))
    for release in RELEASES:
        wanted = [] if release in DEFAULTS | REFTYPES else ["reference_types"]
        assert F.feature_refusals(checkers[release], path, names) == wanted, release
        assert F.host_accepts(path, F.entry_for("cosmwasm", release))[0] == (not wanted), release


def test_a_second_table_is_a_count_parity_wasm_reads_and_later_validators_refuse(
    tmp_path: Path, names: set[str], checkers: dict[str, Checker]
) -> None:
    """Two tables: parity-wasm (to 1.3) reads any number and wasmer's validator has reference types on, so only
    the 1.3 line's table_count limit refuses them there; 1.4 and 3.0 validate with reference types; 1.5-2.3 do
    not. wasm-tools cannot say "a count, not an encoding": its reference for 1.0-1.3 accepts the module only with
    reference types added, as wasmer's Features do."""
    path = build(tmp_path, "two-tables", "(table 1 funcref) (table 1 funcref)")
    for release in RELEASES:
        wanted = ["reference_types"] if release in WRITTEN else []
        assert F.feature_refusals(checkers[release], path, names) == wanted, release
        entry = F.entry_for("cosmwasm", release)
        if release in PARITY | SIGN_EXT:
            assert not F.validates(path, entry["reference"])[0]
            assert F.validates(path, entry["reference"] + ",reference-types")[0]
        else:
            assert F.host_accepts(path, entry)[0] == (not wanted), release
    limits = [f.subject for f in checkers["1.3"].check_path(path) if f.subject == "table_count"]
    assert limits == ["table_count"]


def test_a_finding_names_the_release_the_use_and_its_offset(tmp_path: Path, checkers: dict[str, Checker]) -> None:
    path = build(tmp_path, "float", "(func (param f32) (result f32) local.get 0 local.get 0 f32.add)")
    (finding,) = [f for f in checkers["1.4"].check_path(path) if f.subject == "floats"]
    assert "cosmwasm-vm (wasmvm) 1.4 refuses" in finding.message and "in code" in finding.message
    assert "its operators are refused, its types are not" in finding.message
    data = path.read_bytes()
    assert data[finding.location.offset or 0] == 0x92  # f32.add, not the f32 parameter of the type section
    assert [f.subject for f in checkers["1.5"].check_path(path) if f.subject == "floats"] == []
    patched = build(tmp_path, "passive", '(memory 1) (data "x")')
    (note,) = [f for f in checkers["1.5"].check_path(patched) if f.subject == "bulk_memory"]
    assert "from 1.5.10 on" in note.message


def test_every_release_has_one_entry_and_every_feature_the_scan_names_is_decided() -> None:
    """The entries tile the releases; each names a reference whose features are what it accepts."""
    entries = F.release_entries("cosmwasm")
    assert [F.entry_for("cosmwasm", r)["since"] for r in RELEASES] == [
        "1.0", "1.0", "1.0", "1.3", "1.4", "1.5", "2.0", "2.0", "2.0", "2.0", "3.0"
    ]  # fmt: skip
    sources = {key for key, _ in load_presets(["cosmwasm"]).preset_info[0].sources}
    every = {"floats", "multi_value", "sign_extension", "saturating_float_to_int", "gc_types"}
    for entry in entries:
        every |= set(entry["refused"]) | set(entry["refused_operators"])
    for entry in entries:
        assert entry["source"] in sources
        refused, operators = set(entry["refused"]), set(entry["refused_operators"])
        assert not refused & operators
        named = {n.replace("-", "_") for n in entry["reference"].split(",")} - {"_all", "mutable_global"}
        # wasm-tools is told what the release accepts, and what it refuses only as operators (print decides those)
        assert named - {"gc_types"} == (every - refused) - {"gc_types"}, entry
        # gc-types (wasmparser's gate on externref, from 0.216) is on exactly where reference types pass and
        # gc_types is not refused
        assert ("gc_types" in named) == ("reference_types" not in refused and "gc_types" not in refused), entry


def test_the_corpus_contracts_the_vm_accepts_use_no_refused_feature_at_any_release(
    names: set[str], checkers: dict[str, Checker]
) -> None:
    """The real cosmwasm-std builds (and the corpus's small contracts) at every release, against the reference."""
    entries = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    files = sorted({e["file"] for e in entries if e["verdict"] == "accept" and e["host_version"] is None})
    assert len(files) >= 5
    for name in files:
        for release in RELEASES:
            refused = F.feature_refusals(checkers[release], CORPUS / name, names)
            accepted = F.host_accepts(CORPUS / name, F.entry_for("cosmwasm", release))[0]
            assert (refused == []) == accepted, (name, release, refused)


# --- smith modules, against every distinct release set ---------------------------------------------------------------


def distinct_sets() -> list[str]:
    """One release per distinct entry (its ``since``), the entries that only repeat another's lists left out."""
    seen: dict[str, str] = {}
    for entry in F.release_entries("cosmwasm"):
        key = json.dumps(
            [entry[k] for k in ("refused", "refused_operators", "reference")] + [entry.get("accepted_counts")]
        )
        seen.setdefault(key, entry["since"])
    return list(seen.values())


@pytest.fixture(scope="module")
def smith_slice(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    directory = tmp_path_factory.mktemp("cosmwasm-features")
    made = [F.smith_module(directory, SEED, n, F.COSMWASM_BASE, F.COSMWASM_PROFILES) for n in range(COUNT)]
    return [path for found in made if found is not None for path in [found[1]]]


@pytest.mark.parametrize("release", distinct_sets())
def test_smith_modules_are_refused_exactly_when_the_reference_refuses_them(
    release: str, smith_slice: list[Path], names: set[str], checkers: dict[str, Checker]
) -> None:
    entry = F.entry_for("cosmwasm", release)
    disagreements = []
    refused_count = 0
    for path in smith_slice:
        refused = F.feature_refusals(checkers[release], path, names)
        accepted, said = F.host_accepts(path, entry)
        refused_count += bool(refused)
        if accepted == bool(refused):
            disagreements.append((path.name, refused, said[-120:] or "accepted"))
    assert disagreements == []
    assert len(smith_slice) >= COUNT * 3 // 4
    assert len(smith_slice) // 10 <= refused_count <= len(smith_slice) * 9 // 10, refused_count


def test_there_are_five_distinct_sets() -> None:
    assert distinct_sets() == ["1.0", "1.3", "1.4", "1.5", "3.0"]


# --- the locals limits (2.2.9, 2.3.4, 3.0.9) -------------------------------------------------------------------------


def locals_module(tmp_path: Path, name: str, *bodies: str) -> Path:
    return build(tmp_path, name, " ".join(f"(func {body})" for body in bodies))


def local_decls(count: int, kinds: tuple[str, ...] = ("i32",)) -> str:
    """``count`` locals, in declarations that cycle through ``kinds`` (one group per change of type)."""
    return "(local " + " ".join(kinds[i % len(kinds)] for i in range(count)) + ")" if count else ""


def limit_subjects(checker: Checker, path: Path) -> list[str]:
    return sorted(f.subject for f in checker.check_path(path) if f.subject.startswith("function_locals"))


LOCALS_RELEASES = {"2.2", "2.3", "3.0"}


@pytest.mark.parametrize(
    ("name", "bodies", "subjects"),
    [
        ("100-locals", (local_decls(100),), []),
        ("101-locals", (local_decls(101),), ["function_locals"]),
        ("101-locals-in-groups", (local_decls(101, ("i32", "i64", "i32", "i64", "f32")),), ["function_locals"]),
        ("params-not-counted", ("(param" + " i32" * 50 + ") " + local_decls(100),), []),
        ("10000-in-all", tuple(local_decls(100) for _ in range(100)), []),
        ("10001-in-all", (*(local_decls(100) for _ in range(100)), local_decls(1)), ["function_locals_total"]),
    ],
)
def test_the_locals_limits_at_their_boundaries(
    tmp_path: Path, checkers: dict[str, Checker], name: str, bodies: tuple[str, ...], subjects: list[str]
) -> None:
    path = locals_module(tmp_path, name, *bodies)
    for release in RELEASES:
        assert limit_subjects(checkers[release], path) == (subjects if release in LOCALS_RELEASES else []), release


def test_a_locals_finding_quotes_the_vm_and_points_at_the_body(tmp_path: Path, checkers: dict[str, Checker]) -> None:
    path = locals_module(tmp_path, "over", local_decls(3), local_decls(150), local_decls(120))
    (finding,) = [f for f in checkers["3.0"].check_path(path) if f.subject == "function_locals"]
    assert "function 1 declares 150 locals (1 other function also over the limit)" in finding.message
    assert '"Wasm contract contains function with more than 100 locals: 150"' in finding.message
    assert "2.2.9, 2.3.4 and 3.0.9" in finding.message
    module = decode_bytes(path.read_bytes())
    code = next(s.offset for s in module.sections if s.id == 10)
    assert finding.location.offset is not None and finding.location.offset > code
    total = locals_module(tmp_path, "total", *(local_decls(100) for _ in range(101)))
    (finding,) = [f for f in checkers["2.2"].check_path(total) if f.subject == "function_locals_total"]
    assert '"Wasm contract contains more than 10000 function locals in total: 10100"' in finding.message


def test_locals_without_the_bytes_are_said_not_checked(tmp_path: Path, checkers: dict[str, Checker]) -> None:
    path = locals_module(tmp_path, "few", local_decls(3))
    module = decode_bytes(path.read_bytes())
    said = [f for f in checkers["3.0"].check_module(module) if f.subject == "function_locals"]
    assert len(said) == 1 and "not checked" in said[0].message
    assert limit_subjects(checkers["2.1"], path) == []


def print_locals(path: Path) -> list[int]:
    """Each defined function's declared locals, as ``wasm-tools print`` writes them: the value types of its
    ``(local ...)`` lines (names, when the name section gives them, are skipped)."""
    text = subprocess.run(
        [R.tool("wasm-tools"), "print", str(path)], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    counts: list[int] = []
    for line in text.split("\n"):
        if line.startswith("  (func"):
            counts.append(0)
        elif counts and line.strip().startswith("(local "):
            counts[-1] += len(re.findall(r"\b(?:i32|i64|f32|f64|v128|funcref|externref)\b", line))
    return counts


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.wasm")), ids=lambda p: p.name)
def test_the_locals_counted_are_what_wasm_tools_prints(path: Path) -> None:
    from wasmlint.decode.instructions import declared_locals

    module = decode_bytes(path.read_bytes())
    code = next((s.offset for s in module.sections if s.id == 10), None)
    counted = [count for _, count in declared_locals(path.read_bytes(), code)] if code is not None else []
    assert counted == print_locals(path)


def test_the_real_contracts_locals_are_within_the_limits() -> None:
    """cw20-base and friends: their most locals in one function and in all, for the report, within 100 and 10000."""
    from wasmlint.decode.instructions import declared_locals

    seen: dict[str, Any] = {}
    for name in ("cw20-base.wasm", "cw4-group.wasm", "multicall.wasm"):
        data = (CORPUS / name).read_bytes()
        code = next(s.offset for s in decode_bytes(data).sections if s.id == 10)
        counts = [count for _, count in declared_locals(data, code)]
        seen[name] = (max(counts), sum(counts))
        assert max(counts) <= 100 and sum(counts) <= 10000, seen
    assert all(most > 10 for most, _ in seen.values()), seen  # real bodies declare locals: the count is not vacuous
