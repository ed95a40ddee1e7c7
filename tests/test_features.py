"""WL509 for the wasm features Soroban refuses, proven against ``wasm-tools validate --features``.

Three kinds of evidence, each against wasm-tools with Soroban's feature set (``feature_reference``):

* one small module per refused feature, written in WAT and built by ``wasm-tools parse``: wasmlint names exactly
  that feature (with what it needs beside it, such as floats beside saturating truncation), at the offset of its
  first use; wasm-tools with Soroban's set refuses it, and with that feature added accepts it, so the module uses
  that feature and no other refused one;
* every real module of ``corpus/ecosystems/soroban``: no refused feature exactly when wasm-tools accepts it;
* a seeded slice of ``wasm-tools smith`` modules (``WASMLINT_FEATURE_COUNT``, default 95, from
  ``WASMLINT_FEATURE_SEED``), a base of what Soroban accepts and one profile per proposal: wasmlint reports no
  refused feature exactly when wasm-tools accepts the module. ``scripts/feature_campaign.py`` runs thousands.
"""

from __future__ import annotations

import os
from pathlib import Path

import feature_reference as F
import pytest

from wasmlint import Checker, decode_bytes, load_presets
from wasmlint.decode.features import scan_features, valtype_features

ROOT = Path(__file__).resolve().parent.parent
SOROBAN = ROOT / "corpus" / "ecosystems" / "soroban"
COUNT = int(os.environ.get("WASMLINT_FEATURE_COUNT", "95"))
SEED = int(os.environ.get("WASMLINT_FEATURE_SEED", "20261202"))
META = '(@custom "contractenvmetav0" "\\00\\00\\00\\00\\00\\00\\00\\16\\00\\00\\00\\00")'
"""Protocol 22, so that the modules are otherwise what Soroban accepts."""

# feature -> (WAT body, the features wasmlint names, what wasm-tools needs added to accept it)
CASES: dict[str, tuple[str, set[str], str]] = {
    "floats": ("(func (param f32))", {"floats"}, "floats"),
    "floats-in-code": ("(func (drop (f64.const 1)))", {"floats"}, "floats"),
    "multi_value": ("(func (result i32 i32) i32.const 1 i32.const 2)", {"multi_value"}, "multi-value"),
    "multi_value-block": ("(type (func)) (func (block (type 0)))", {"multi_value"}, "multi-value"),
    "reference_types": ("(table 1 externref)", {"reference_types"}, "reference-types,gc-types"),
    "reference_types-tables": ("(table 1 funcref) (table 1 funcref)", {"reference_types"}, "reference-types"),
    "reference_types-code": ("(table 1 funcref) (func (drop (table.size)))", {"reference_types"}, "reference-types"),
    "tail_call": ("(func return_call 0)", {"tail_call"}, "tail-call"),
    "extended_const": ("(global i32 (i32.add (i32.const 1) (i32.const 2)))", {"extended_const"}, "extended-const"),
    "saturating_float_to_int": (
        "(func (param f32) (result i32) local.get 0 i32.trunc_sat_f32_s)",
        {"saturating_float_to_int", "floats"},
        "saturating-float-to-int,floats",
    ),
    "simd": ("(func (param v128))", {"simd"}, "simd"),
    "relaxed_simd": (
        "(func (param v128 v128) (result v128) local.get 0 local.get 1 i8x16.relaxed_swizzle)",
        {"simd", "relaxed_simd"},
        "simd,relaxed-simd",
    ),
    "threads": ("(memory 1 1 shared)", {"threads"}, "threads"),
    "threads-code": ("(memory 1) (func (drop (i32.atomic.load (i32.const 0))))", {"threads"}, "threads"),
    "multi_memory": ("(memory 1) (memory 1)", {"multi_memory"}, "multi-memory"),
    "exceptions": ("(tag)", {"exceptions"}, "exceptions"),
    "legacy_exceptions": ("(func try catch_all end)", {"legacy_exceptions"}, "legacy-exceptions"),
    "memory64": ("(memory i64 1)", {"memory64"}, "memory64"),
    "gc": ("(type (struct))", {"gc"}, "gc,gc-types"),
    "function_references": (
        "(type $t (func)) (func (param (ref null $t)))",
        {"function_references", "reference_types"},
        "function-references,reference-types",
    ),
    "custom_page_sizes": ("(memory 1 (pagesize 1))", {"custom_page_sizes"}, "custom-page-sizes"),
    "wide_arithmetic": (
        "(func (param i64 i64 i64 i64) (result i64 i64) local.get 0 local.get 1 local.get 2 local.get 3 i64.add128)",
        {"wide_arithmetic", "multi_value"},
        "wide-arithmetic,multi-value",
    ),
    "shared_everything_threads": (
        "(global (shared i32) (i32.const 0))",
        {"shared_everything_threads"},
        "shared-everything-threads",
    ),
    "stack_switching": ("(type $f (func)) (type (cont $f))", {"stack_switching"}, "stack-switching,gc-types"),
    "compact_imports": ('(import "m" (item "a" (func)) (item "b" (func)))', {"compact_imports"}, "compact-imports"),
    "unknown": (  # cont.new (stack switching): an instruction the scan does not know
        "(type $f (func)) (type $c (cont $f)) (func (param (ref null $f)) (drop (cont.new $c (local.get 0))))",
        {"stack_switching", "function_references", "reference_types", "unknown"},
        "stack-switching,gc-types,function-references,reference-types,exceptions",
    ),
}
ACCEPTED = (
    '(import "a" "g" (global (mut i32))) (memory 1) (table 1 funcref) '
    "(func $f (drop (i32.extend8_s (i32.const 1))) (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))"
    " (memory.copy (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop 0) (elem.drop 0))"
    ' (elem declare func $f) (data "x") (export "g" (global 0))'
)
"""A module with only what Soroban accepts: a mutable imported global, exported; sign extension; bulk memory."""


def build(tmp_path: Path, name: str, body: str) -> Path:
    return F.build_module(tmp_path, name, body, prefix=META)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_refused_feature_is_named_where_wasm_tools_refuses_it(tmp_path: Path, name: str) -> None:
    body, named, needs = CASES[name]
    path = build(tmp_path, name, body)
    reference = F.reference_features()
    accepted, said = F.validates(path, reference)
    assert not accepted, f"wasm-tools with Soroban's set accepts {name}"
    assert F.validates(path, f"{reference},{needs}")[0], f"{name} uses more than {needs}"
    findings = [f for f in F.soroban_checker().check_bytes(path.read_bytes(), str(path)) if f.code == "WL509"]
    assert sorted(f.subject for f in findings) == sorted(named), said
    data = path.read_bytes()
    first = min(use.offset for use in scan_features(data, decode_bytes(data)) if use.feature in named)
    assert min(f.location.offset or 0 for f in findings) == first
    for f in findings:  # the finding names the feature and says where: a function, type, table, global ...
        assert f.subject in f.message
        assert any(word in f.message for word in ("function", "type", "table", "memory", "global", "import", "tag"))


def test_wasm_tools_names_the_offset_wasmlint_names_for_a_type_use(tmp_path: Path) -> None:
    path = build(tmp_path, "floats", CASES["floats"][0])
    said = F.validates(path, F.reference_features())[1]
    (finding,) = [f for f in F.soroban_checker().check_bytes(path.read_bytes(), str(path)) if f.code == "WL509"]
    assert f"(at offset {finding.location.offset:#x})" in said


def test_a_module_of_accepted_features_only_has_no_refusal(tmp_path: Path) -> None:
    path = build(tmp_path, "accepted", ACCEPTED)
    assert F.validates(path, F.reference_features()) == (True, "")
    data = path.read_bytes()
    used = {use.feature for use in scan_features(data, decode_bytes(data))}
    assert used == {"sign_extension", "bulk_memory"}  # seen, and accepted
    assert F.refused_by_wasmlint(F.soroban_checker(), path) == []


def test_every_feature_the_scan_reports_is_one_soroban_refuses_or_accepts() -> None:
    """The preset decides about every feature the scan can name: none falls between its lists."""
    (info,) = load_presets(["soroban"]).preset_info
    rules = info.extra_value("module-rules")
    assert isinstance(rules, dict)
    refused = set(rules["wasm_features_refused"])
    assert refused == set(rules["wasm_features_off"]) | set(rules["wasm_features_unsupported"])
    accepted = set(rules["wasm_features_on"])
    named = {feature for _, features, _ in CASES.values() for feature in features} - {"unknown"}
    named |= {
        f
        for value in ("f32", "v128", "funcref", "exnref", "anyref", "contref", "(ref 0)", "(shared any)")
        for f in valtype_features(value)
    }
    assert named <= refused
    assert not refused & accepted
    # What wasm-tools is told must be what the preset accepts: the three features on, everything else off.
    wanted = {"-all", *(f.replace("_", "-") for f in rules["wasm_features_on"])}
    assert F.reference_features().startswith("-all,")
    assert set(F.reference_features().split(",")) == wanted


@pytest.mark.parametrize("path", sorted(SOROBAN.glob("*.wasm")), ids=lambda p: p.name)
def test_soroban_corpus_modules_agree_with_wasm_tools(path: Path) -> None:
    accepted, said = F.host_accepts_features(path)
    refused = F.refused_by_wasmlint(F.soroban_checker(), path)
    assert (refused == []) == accepted, (refused, said)


def every_core_module() -> list[Path]:
    found = []
    for path in sorted((ROOT / "corpus").rglob("*.wasm")):
        if decode_bytes(path.read_bytes()).kind == "module":
            found.append(path)
    return found


@pytest.mark.parametrize("path", every_core_module(), ids=lambda p: str(p.relative_to(ROOT / "corpus")))
def test_every_real_corpus_module_is_refused_exactly_when_wasm_tools_refuses_it(path: Path) -> None:
    """The corpus's modules from real toolchains (Go, Zig, Rust, Clang, AssemblyScript ...), against Soroban's
    set: Zig's call_indirect with its table index written as a five-byte LEB128 is refused, as Soroban refuses it
    ("reference-types not enabled: zero byte expected")."""
    if not F.validates(path, "all")[0]:
        pytest.skip("not valid with every feature on: not a question of features")
    accepted, said = F.host_accepts_features(path)
    refused = F.refused_by_wasmlint(F.soroban_checker(), path)
    assert (refused == []) == accepted, (refused, said)
    if refused and "unknown" not in refused:
        assert F.validates(path, F.with_named(F.reference_features(), refused))[0], refused


def assemble(code: bytes, *, table: bool = False) -> bytes:
    """A module of one function () -> () with ``code`` as its body, one memory, and a funcref table if asked:
    for encodings WAT cannot write (over-long LEB128 immediates)."""

    def section(ident: int, payload: bytes) -> bytes:
        assert len(payload) < 128
        return bytes([ident, len(payload)]) + payload

    body = b"\x00" + code + b"\x0b"
    return (
        b"\x00asm\x01\x00\x00\x00"
        + section(1, b"\x01\x60\x00\x00")
        + section(3, b"\x01\x00")
        + (section(4, b"\x01\x70\x00\x01") if table else b"")
        + section(5, b"\x01\x00\x01")
        + section(10, bytes([1, len(body)]) + body)
    )


OVERLONG = {  # name: (body, table?, what wasmlint names, what wasm-tools needs added)
    "call_indirect-table-0-overlong": (b"\x41\x00\x11\x00\x80\x00", True, ["reference_types"], "reference-types"),
    "call_indirect-type-overlong": (b"\x41\x00\x11\x80\x00\x00", True, [], ""),
    "memory.size-0-overlong": (b"\x3f\x80\x00\x1a", False, ["multi_memory"], "multi-memory"),
    "memory.grow-0-overlong": (b"\x41\x00\x40\x80\x00\x1a", False, ["multi_memory"], "multi-memory"),
    "memory.fill-0-overlong": (b"\x41\x00\x41\x00\x41\x00\xfc\x0b\x80\x00", False, [], ""),
}


@pytest.mark.parametrize("name", sorted(OVERLONG))
def test_a_reserved_zero_byte_written_longer_needs_the_proposal_that_gave_it_a_meaning(
    tmp_path: Path, name: str
) -> None:
    code, table, named, needs = OVERLONG[name]
    path = tmp_path / f"{name}.wasm"
    path.write_bytes(assemble(code, table=table))
    reference = F.reference_features()
    assert F.validates(path, reference)[0] == (not named)
    assert F.validates(path, f"{reference},{needs}" if needs else reference)[0]
    assert F.refused_by_wasmlint(F.soroban_checker(), path) == named


@pytest.fixture(scope="module")
def smith_slice(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bool, str, list[str], bool | None]]:
    directory = tmp_path_factory.mktemp("features")
    checker = F.soroban_checker()
    reference = F.reference_features()
    out = []
    for n in range(COUNT):
        made = F.smith_module(directory, SEED, n)
        if made is None:
            continue
        ident, path = made
        accepted, said = F.host_accepts_features(path)
        refused = F.refused_by_wasmlint(checker, path)
        enough = (
            F.validates(path, F.with_named(reference, refused))[0] if refused and "unknown" not in refused else None
        )
        out.append((ident, accepted, said, refused, enough))
    return out


def test_smith_modules_are_refused_exactly_when_wasm_tools_refuses_them(
    smith_slice: list[tuple[str, bool, str, list[str], bool | None]],
) -> None:
    disagreements = [
        (ident, said or "accepted", refused)
        for ident, accepted, said, refused, _ in smith_slice
        if accepted == bool(refused)
    ]
    assert disagreements == []
    accepted = sum(1 for _, ok, _, _, _ in smith_slice if ok)
    assert accepted >= len(smith_slice) // 5 and len(smith_slice) - accepted >= len(smith_slice) // 5, accepted
    assert len(smith_slice) >= COUNT * 3 // 4  # smith declines few


def test_the_features_wasmlint_names_are_all_wasm_tools_needs_to_accept_the_module(
    smith_slice: list[tuple[str, bool, str, list[str], bool | None]],
) -> None:
    """Naming: with the features wasmlint named added to Soroban's set, wasm-tools accepts every refused module (a
    refused feature that wasmlint missed would keep it refused)."""
    missed = [(ident, refused) for ident, _, _, refused, enough in smith_slice if enough is False]
    assert missed == []
    assert sum(1 for *_, enough in smith_slice if enough) >= len(smith_slice) // 5


def test_the_code_is_read_only_for_a_preset_that_refuses_features(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wasmlint.decode.features as features

    path = build(tmp_path, "floats", CASES["floats"][0])

    def refuse(*_: object) -> None:
        raise AssertionError("scanned")

    monkeypatch.setattr(features, "scan_features", refuse)
    for preset in ("wasi_snapshot_preview1", "proxy-wasm"):  # near refuses features since its WL509 data
        Checker(load_presets([preset])).check_path(path)
    with pytest.raises(AssertionError, match="scanned"):
        F.soroban_checker().check_path(path)


def test_a_decoded_module_without_its_bytes_is_not_passed(tmp_path: Path) -> None:
    path = build(tmp_path, "floats", CASES["floats"][0])
    module = decode_bytes(path.read_bytes())
    checker = F.soroban_checker()
    assert [f.subject for f in checker.check_module(module, str(path))] == ["floats"]  # read from the file
    (finding,) = checker.check_module(module)  # no file: said, not passed
    assert finding.subject == "wasm-features" and "not checked" in finding.message


def test_damaged_code_is_unknown_at_an_offset_never_an_exception(tmp_path: Path) -> None:
    """Every byte of the code and the other sections the scan reads, changed in turn: the scan answers with uses
    (``unknown`` where it cannot read), and the check with findings."""
    import random

    from wasmlint.decode.reader import DecodeError

    path = build(tmp_path, "accepted", ACCEPTED)
    data = path.read_bytes()
    rng = random.Random(7)
    checker = F.soroban_checker()
    unknown = 0
    for pos in range(8, len(data)):
        for value in (0x00, 0xFF, 0xFD, 0x80, rng.randrange(256)):
            damaged = bytearray(data)
            damaged[pos] = value
            try:
                module = decode_bytes(bytes(damaged))
            except DecodeError:
                continue
            uses = scan_features(bytes(damaged), module)
            unknown += any(use.feature == "unknown" for use in uses)
            checker.check_bytes(bytes(damaged))
    assert unknown > 10
