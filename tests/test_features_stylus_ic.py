"""WL509 for the wasm features Arbitrum Stylus and the Internet Computer refuse, proven against ``wasm-tools validate``.

Each preset records in ``module-rules`` the features its host refuses (Stylus: nitro's activation validator and
instrumentation at the pinned commit; the IC: the replica's wasmtime validation config and its own test) and the
``wasm-tools validate --features=`` value that accepts exactly what it accepts (``wasm_features_reference``).
The evidence, per preset:

* one small WAT module per feature the scan names: for a refused one, wasmlint names exactly the refused features
  it uses, at the offset of the first use, wasm-tools with the host's set refuses it and with those features added
  accepts it; for an accepted one, neither complains;
* the ecosystem's corpus modules: no refused feature exactly when wasm-tools accepts them;
* a seeded slice of smith modules (``WASMLINT_FEATURE_COUNT_HOSTS``, default 50 per preset, from
  ``WASMLINT_FEATURE_SEED``) built from the host's own base (``feature_hosts``): the same agreement, and the
  features wasmlint names are all wasm-tools needs added. ``scripts/feature_campaign.py --preset`` runs thousands.

What one static list cannot say (Stylus's multi-value by ArbOS version, its float moves that cost unbounded ink;
the IC's features left to wasmtime's defaults) is in ``wasm_features_by_version``, ``wasm_features_partial`` and
``wasm_features_unverified``, and the tests below hold the preset to saying it. Stylus's floats and bulk memory,
accepted by its validator but refused by activation instruction by instruction, are ``wasm_operators_refused``:
the reference for them is ``feature_reference.host_accepts_features`` (``tests/test_features_finer.py``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import feature_hosts as H
import feature_reference as F
import pytest

from wasmlint import decode_bytes, load_presets
from wasmlint.decode.features import scan_features

ROOT = Path(__file__).resolve().parent.parent
PRESETS = ("stylus", "ic")
COUNT = int(os.environ.get("WASMLINT_FEATURE_COUNT_HOSTS", "50"))
SEED = int(os.environ.get("WASMLINT_FEATURE_SEED", "20261202"))

# name -> (WAT body, the features the scan names, what wasm-tools needs added to the host's set to accept it)
CASES: dict[str, tuple[str, set[str], str]] = {
    "floats-type": ("(func (param f32))", {"floats"}, "floats"),
    "floats-code": ("(func (drop (f64.const 1)))", {"floats"}, "floats"),
    "floats-arithmetic": (
        "(func (param f32) (result f32) local.get 0 local.get 0 f32.add)",
        {"floats"},
        "floats",
    ),
    "saturating_float_to_int": (
        "(func (param f32) (result i32) local.get 0 i32.trunc_sat_f32_s)",
        {"saturating_float_to_int", "floats"},
        "saturating-float-to-int,floats",
    ),
    "multi_value": ("(func (result i32 i32) i32.const 1 i32.const 2)", {"multi_value"}, "multi-value"),
    "multi_value-block": ("(type (func)) (func (block (type 0)))", {"multi_value"}, "multi-value"),
    "reference_types": ("(table 1 externref)", {"reference_types"}, "reference-types"),
    "reference_types-tables": ("(table 1 funcref) (table 1 funcref)", {"reference_types"}, "reference-types"),
    "reference_types-code": ("(table 1 funcref) (func (drop (table.size)))", {"reference_types"}, "reference-types"),
    "tail_call": ("(func return_call 0)", {"tail_call"}, "tail-call"),
    "extended_const": ("(global i32 (i32.add (i32.const 1) (i32.const 2)))", {"extended_const"}, "extended-const"),
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
    "gc": ("(type (struct))", {"gc"}, "gc"),
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
    "stack_switching": ("(type $f (func)) (type (cont $f))", {"stack_switching"}, "stack-switching"),
    "compact_imports": ('(import "m" (item "a" (func)) (item "b" (func)))', {"compact_imports"}, "compact-imports"),
}
BULK = (
    "(memory 1) (table 1 funcref) (func $f (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))"
    " (memory.copy (i32.const 0) (i32.const 0) (i32.const 0)) (memory.init 0 (i32.const 0) (i32.const 0)"
    ' (i32.const 0)) (data.drop 0) (elem.drop 0)) (elem declare func $f) (data "x")'
)
"""Bulk memory, memory.init and data.drop included: nitro's validator accepts them, its activation refuses the
latter two."""


def rules(preset: str) -> dict[str, Any]:
    (info,) = load_presets([preset]).preset_info
    found = info.extra_value("module-rules")
    assert isinstance(found, dict)
    return found


def build(tmp_path: Path, name: str, body: str) -> Path:
    return F.build_module(tmp_path, name, body)


def wl509(preset: str, path: Path) -> list[Any]:
    """The WL509 findings about wasm features (not Stylus's module shape: its memory, a start function)."""
    features = set(H.refused(preset)) | {"unknown"} | F.FINER
    found = H.checker(preset).check_bytes(path.read_bytes(), str(path))
    return [f for f in found if f.code == "WL509" and f.subject in features]


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_feature_is_named_exactly_when_the_hosts_set_refuses_it(tmp_path: Path, preset: str, name: str) -> None:
    body, named, needs = CASES[name]
    path = build(tmp_path, name, body)
    refused = set(rules(preset)["wasm_features_refused"])
    reference = F.reference_features(preset)
    accepted, said = F.validates(path, reference)
    everything = wl509(preset, path)
    findings = [f for f in everything if f.subject not in F.FINER]
    # What the host refuses more finely than a feature (Stylus's float arithmetic) is named as the reference says.
    finer = F.finer_refusals(path, list(rules(preset).get("wasm_operators_refused", [])), None)
    assert sorted(f.subject for f in everything if f.subject in F.FINER) == sorted(finer)
    wanted = named & refused
    if not wanted:
        left = named - set(rules(preset)["wasm_features_on"])
        # Accepted by the preset: wasm-tools accepts it too, unless it uses a feature the preset leaves unverified.
        assert left <= H.unverified(preset), left
        assert accepted == (not left), said
        assert findings == []
        return
    assert not accepted, f"wasm-tools with {preset}'s set accepts {name}"
    assert F.validates(path, f"{reference},{needs}")[0], f"{name} uses more than {needs}"
    assert sorted(f.subject for f in findings) == sorted(wanted), said
    data = path.read_bytes()
    first = min(use.offset for use in scan_features(data, decode_bytes(data)) if use.feature in wanted)
    assert min(f.location.offset or 0 for f in findings) == first
    for f in findings:
        assert f.subject in f.message and f"which {preset} refuses" in f.message


def test_the_hosts_refuse_what_their_sources_say() -> None:
    """The sets, as verified (the citations are in the presets' sources): a change to either must be a change to
    the host's recorded facts, not a slip."""
    stylus, ic = rules("stylus"), rules("ic")
    assert {"multi_value", "reference_types", "simd", "threads", "memory64", "tail_call"} <= set(
        stylus["wasm_features_refused"]
    )
    assert set(stylus["wasm_features_on"]) == {
        "mutable_global",
        "sign_extension",
        "saturating_float_to_int",
        "bulk_memory",
        "floats",
    }
    # Accepted by its validator, refused by activation instruction by instruction (tests/test_features_finer.py).
    assert stylus["wasm_operators_refused"] == ["float_arithmetic", "bulk_memory_segments"]
    assert set(ic["wasm_features_refused"]) == {
        "function_references",
        "gc",
        "multi_memory",
        "relaxed_simd",
        "threads",
        "extended_const",
        "component_model",
    }
    assert {"floats", "multi_value", "reference_types", "simd", "memory64"} <= set(ic["wasm_features_on"])
    # What one static list cannot say is said beside it.
    assert "multi_value" in stylus["wasm_features_by_version"]
    assert set(stylus["wasm_features_partial"]) == {"floats"}  # float moves: accepted, but cost u64::MAX ink
    assert "tail_call" in ic["wasm_features_unverified"]


@pytest.mark.parametrize("preset", PRESETS)
def test_every_feature_the_scan_can_name_is_decided_or_said_to_be_unverified(preset: str) -> None:
    found = rules(preset)
    refused, accepted = set(found["wasm_features_refused"]), set(found["wasm_features_on"])
    assert refused == set(found["wasm_features_off"]) | set(found["wasm_features_unsupported"])
    assert not refused & accepted
    named = {feature for _, features, _ in CASES.values() for feature in features} | {"sign_extension", "bulk_memory"}
    assert named <= refused | accepted | H.unverified(preset)
    wanted = {"-all", "gc-types", *(f.replace("_", "-") for f in accepted - {"mutable_global"})}
    assert set(F.reference_features(preset).split(",")) - {"mutable-global"} == wanted


def test_stylus_bulk_memory_is_accepted_by_its_validator_and_refused_by_instruction(tmp_path: Path) -> None:
    """memory.init and data.drop pass nitro's validator (wasm-tools with its set), but not its activation: WL509
    names them (bulk_memory_segments) and the reference's extra condition agrees."""
    path = build(tmp_path, "bulk", BULK)
    assert F.validates(path, F.reference_features("stylus")) == (True, "")
    assert [f.subject for f in wl509("stylus", path)] == ["bulk_memory_segments"]
    assert F.host_accepts_features(path, "stylus") == (False, "refused more finely: ['bulk_memory_segments']")


def test_ic_accepts_the_same_features_for_wasm32_and_wasm64(tmp_path: Path) -> None:
    """One list serves both versions: memory64 is what makes a canister wasm64, and the refusals are the same."""
    for memory in ("(memory 1)", "(memory i64 1)"):
        path = build(tmp_path, "m", f"{memory} (func (param f32 v128) (result i32 i32) i32.const 0 i32.const 0) (tag)")
        assert [f.subject for f in wl509("ic", path)] == []  # exceptions: unverified, not refused
        threads = build(tmp_path, "t", f"{memory} (func (drop (i32.atomic.load (i32.const 0))))")
        assert [f.subject for f in wl509("ic", threads)] == ["threads"]


def corpus(preset: str) -> list[Any]:
    return [
        pytest.param(preset, path, id=f"{preset}/{path.name}")
        for path in sorted((ROOT / "corpus" / "ecosystems" / preset).glob("*.wasm"))
    ]


@pytest.mark.parametrize(("preset", "path"), corpus("stylus") + corpus("ic"))
def test_corpus_modules_agree_with_wasm_tools(preset: str, path: Path) -> None:
    accepted, said = F.host_accepts_features(path, preset)
    refused = H.refused_by_wasmlint(preset, H.checker(preset), path)
    assert (refused == []) == accepted, (refused, said)


@pytest.fixture(scope="module")
def smith_slices(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, bool, str, list[str], Any]]]:
    directory = tmp_path_factory.mktemp("host-features")
    out: dict[str, list[tuple[str, bool, str, list[str], Any]]] = {}
    for preset in PRESETS:
        check = H.checker(preset)
        reference = F.reference_features(preset)
        rows = []
        for n in range(COUNT):
            made = H.smith_module(directory, preset, SEED, n)
            if made is None:
                continue
            ident, path = made
            accepted, said = F.host_accepts_features(path, preset)
            refused = H.refused_by_wasmlint(preset, check, path)
            enough = (
                F.validates(path, F.with_named(reference, refused))[0] if refused and "unknown" not in refused else None
            )
            rows.append((ident, accepted, said, refused, enough))
        out[preset] = rows
    return out


@pytest.mark.parametrize("preset", PRESETS)
def test_smith_modules_are_refused_exactly_when_wasm_tools_refuses_them(
    smith_slices: dict[str, list[tuple[str, bool, str, list[str], Any]]], preset: str
) -> None:
    rows = smith_slices[preset]
    disagreements = [
        (ident, said or "accepted", refused) for ident, accepted, said, refused, _ in rows if accepted == bool(refused)
    ]
    assert disagreements == []
    accepted = sum(1 for _, ok, _, _, _ in rows if ok)
    assert accepted >= len(rows) // 5 and len(rows) - accepted >= len(rows) // 5, accepted
    assert len(rows) >= COUNT * 3 // 4


@pytest.mark.parametrize("preset", PRESETS)
def test_the_features_wasmlint_names_are_all_wasm_tools_needs(
    smith_slices: dict[str, list[tuple[str, bool, str, list[str], Any]]], preset: str
) -> None:
    rows = smith_slices[preset]
    assert [(ident, refused) for ident, _, _, refused, enough in rows if enough is False] == []
    assert sum(1 for *_, enough in rows if enough) >= len(rows) // 5
