"""WL509 where a host refuses less or more than a whole wasm feature: Stylus's instructions, Soroban's constants.

* Stylus (nitro @6dce8d13: ``wasm_to_wavm``'s ``float!`` has no implementation for a user program, and
  ``depth.rs``/``dynamic.rs`` refuse the bulk-memory instructions that use a segment or a second table): its
  validator accepts floats and bulk memory, its activation refuses ``float_arithmetic`` (every float comparison,
  arithmetic and conversion) and ``bulk_memory_segments`` (``memory.init``, ``data.drop``, ``table.init``,
  ``elem.drop``, ``table.copy``). Every float instruction, one module each, is refused exactly when the reference
  (``feature_reference.FINER_GROUPS``: the rule, applied to ``wasm-tools print``'s spelling) says so, at its offset.
* Soroban (rs-soroban-env @30c9c36a ``check_const_expr_simple``): a constant expression may hold only
  ``i32.const``, ``i64.const``, ``ref.func``, ``ref.null``; a ``global.get`` of an imported global, which the MVP
  and wasm-tools allow, is refused in a global initialiser and an element or data offset.

The smith differentials of ``test_features.py`` and ``test_features_stylus_ic.py`` take the same reference
(``feature_reference.host_accepts_features``); ``scripts/feature_campaign.py`` runs thousands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feature_reference as F
import pytest

from wasmlint import Checker, decode_bytes, load_presets
from wasmlint.decode.opcodes import NAMES, known

META = '(@custom "contractenvmetav0" "\\00\\00\\00\\00\\00\\00\\00\\16\\00\\00\\00\\00")'


def build(tmp_path: Path, name: str, body: str) -> Path:
    return F.build_module(tmp_path, name, body)


def wl509(preset: str, path: Path) -> list[Any]:
    """The WL509 findings about features and finer refusals (not Stylus's module shape)."""
    rules = F.module_rules(preset)
    subjects = {*rules["wasm_features_refused"], "unknown", *F.FINER}
    found = Checker(load_presets([preset]), select=["WL509"]).check_bytes(path.read_bytes(), str(path))
    return [f for f in found if f.code == "WL509" and f.subject in subjects]


def _float_instructions() -> list[tuple[str, str, str]]:
    """(name, parameters, result) of every float instruction, spelt by the spec's naming scheme."""
    found = []
    for f in ("f32", "f64"):
        found += [(f"{f}.{op}", f, f) for op in ("abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt")]
        found += [(f"{f}.{op}", f"{f} {f}", f) for op in ("add", "sub", "mul", "div", "min", "max", "copysign")]
        found += [(f"{f}.{op}", f"{f} {f}", "i32") for op in ("eq", "ne", "lt", "gt", "le", "ge")]
        for i in ("i32", "i64"):
            for sign in ("s", "u"):
                found += [(f"{i}.trunc_{f}_{sign}", f, i), (f"{i}.trunc_sat_{f}_{sign}", f, i)]
                found.append((f"{f}.convert_{i}_{sign}", i, f))
        found.append((f"{f}.const 1", "", f))
        found.append((f"{f}.load", "i32", f))
        found.append((f"{f}.store", f"i32 {f}", ""))
    found += [("f32.demote_f64", "f64", "f32"), ("f64.promote_f32", "f32", "f64")]
    found += [("i32.reinterpret_f32", "f32", "i32"), ("i64.reinterpret_f64", "f64", "i64")]
    found += [("f32.reinterpret_i32", "i32", "f32"), ("f64.reinterpret_i64", "i64", "f64")]
    return found


FLOATS = _float_instructions()


@pytest.mark.parametrize(("op", "params", "result"), FLOATS, ids=[op for op, _, _ in FLOATS])
def test_each_float_instruction_is_refused_by_stylus_exactly_when_it_computes(
    tmp_path: Path, op: str, params: str, result: str
) -> None:
    gets = " ".join(f"local.get {i}" for i in range(len(params.split())))
    body = f"(memory 1) (func (param {params}) (result {result}) {gets} {op})".replace("(param )", "")
    body = body.replace("(result )", "")
    path = build(tmp_path, "op", body)
    assert F.validates(path, F.reference_features("stylus")) == (True, "")  # the validator accepts every one
    wanted = F.finer_refusals(path, ["float_arithmetic"], None)
    assert wanted == ([] if op.split()[0] in F._FLOAT_MOVES else ["float_arithmetic"])  # the reference's rule
    findings = wl509("stylus", path)
    assert [f.subject for f in findings] == wanted
    if findings:
        data = path.read_bytes()
        code = next(s for s in decode_bytes(data).sections if s.id == 10)
        # The offset is the instruction's: the last before the body's end (locals read first, then the gets).
        assert code.offset < findings[0].location.offset < code.offset + code.size + 2
        assert op.split()[0] in findings[0].message and "which stylus refuses (float_arithmetic)" in findings[0].message
        width = 2 if op.startswith(("i32.trunc_sat", "i64.trunc_sat")) else 1  # 0xFC n, or one byte
        assert data[findings[0].location.offset + width] == 0x0B


BULK = {  # instruction -> (WAT, refused by activation)
    "memory.copy": ("(memory 1) (func (memory.copy (i32.const 0) (i32.const 0) (i32.const 0)))", False),
    "memory.fill": ("(memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)))", False),
    "memory.init": ('(memory 1) (data "x") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)))', True),
    "data.drop": ('(memory 1) (data "x") (func (data.drop 0))', True),
    "table.init": (
        "(memory 1) (table 1 funcref) (elem func 0) (func (table.init 0 (i32.const 0) (i32.const 0) (i32.const 0)))",
        True,
    ),
    "elem.drop": ("(memory 1) (elem func 0) (func (elem.drop 0))", True),
    "table.copy": ("(memory 1) (table 1 funcref) (func (table.copy (i32.const 0) (i32.const 0) (i32.const 0)))", True),
}


@pytest.mark.parametrize("op", sorted(BULK))
def test_of_bulk_memory_stylus_refuses_the_segment_and_table_instructions(tmp_path: Path, op: str) -> None:
    wat, refused = BULK[op]
    path = build(tmp_path, op.replace(".", "_"), wat)
    accepted, said = F.validates(path, F.reference_features("stylus"))
    findings = wl509("stylus", path)
    # A passive element segment is bulk memory, which the validator accepts: only the instruction is refused.
    assert accepted, said
    assert F.finer_refusals(path, ["bulk_memory_segments"], None) == (["bulk_memory_segments"] if refused else [])
    assert [f.subject for f in findings] == (["bulk_memory_segments"] if refused else [])
    if refused:
        data = path.read_bytes()
        offset = findings[0].location.offset
        assert data[offset] == 0xFC and f"the module uses {op} in code" in findings[0].message


def test_stylus_names_each_group_once_at_its_first_use(tmp_path: Path) -> None:
    path = build(
        tmp_path,
        "both",
        '(memory 1) (data "x") (func (param f64) (result f64) (data.drop 0) (data.drop 0)'
        " (f64.add (local.get 0) (f64.sqrt (local.get 0))))",
    )
    findings = wl509("stylus", path)
    assert [f.subject for f in findings] == ["bulk_memory_segments", "float_arithmetic"]
    data = path.read_bytes()
    assert data[findings[0].location.offset : findings[0].location.offset + 2] == b"\xfc\x09"  # the first data.drop
    assert data[findings[1].location.offset] == 0x9F  # f64.sqrt (folded: before f64.add)
    assert F.host_accepts_features(path, "stylus")[0] is False


def test_a_float_typed_module_that_only_moves_floats_is_accepted_by_stylus(tmp_path: Path) -> None:
    path = build(
        tmp_path,
        "moves",
        "(memory 1) (global (mut f64) (f64.const 0)) (func (param f32) (result f64) (local f64)"
        " (f64.store (i32.const 0) (f64.load (i32.const 8))) (global.set 0 (f64.const 2)) (f64.const 1))",
    )
    assert F.host_accepts_features(path, "stylus") == (True, "")
    assert wl509("stylus", path) == []


def test_other_presets_are_not_given_the_finer_rules(tmp_path: Path) -> None:
    """IC and CosmWasm name no groups: f64.add is a float for them (accepted by the IC; a refused operator for
    CosmWasm's Gatekeeper) and memory.init is bulk memory, as before."""
    path = build(tmp_path, "f", "(memory 1) (func (param f64) (result f64) (f64.add (local.get 0) (local.get 0)))")
    assert wl509("ic", path) == []
    assert "wasm_operators_refused" not in F.module_rules("ic")
    assert "constant_expression_operators" not in F.module_rules("ic")


CONSTANTS = {  # name -> (WAT, what Soroban refuses)
    "data-i32.const": ('(memory 1) (data (i32.const 0) "x")', []),
    "data-global.get": ('(import "m" "g" (global i32)) (memory 1) (data (global.get 0) "x")', ["constant_expressions"]),
    "global-global.get": ('(import "m" "g" (global i32)) (global i32 (global.get 0))', ["constant_expressions"]),
    "global-i64.const": ("(global i64 (i64.const 7))", []),
    "elem-global.get": (
        '(import "m" "g" (global i32)) (table 1 funcref) (elem (global.get 0) func 0) (func)',
        ["constant_expressions"],
    ),
    "elem-i32.const": ("(table 1 funcref) (elem (i32.const 0) func 0) (func)", []),
    # A refused feature's instruction is named as that feature, not again as a constant expression.
    "global-f32.const": ("(global f32 (f32.const 1))", ["floats"]),
    "global-extended": ("(global i32 (i32.add (i32.const 1) (i32.const 2)))", ["extended_const"]),
}


@pytest.mark.parametrize("name", sorted(CONSTANTS))
def test_soroban_refuses_a_constant_expression_beyond_its_four_instructions(tmp_path: Path, name: str) -> None:
    wat, wanted = CONSTANTS[name]
    path = build(tmp_path, name, f"{wat} {META}")
    findings = wl509("soroban", path)
    assert sorted(f.subject for f in findings) == wanted
    accepted, said = F.host_accepts_features(path)
    assert accepted == (not wanted), said
    if "constant_expressions" in wanted:
        # wasm-tools accepts the module: only the host's extra rule refuses it.
        assert F.validates(path, F.reference_features()) == (True, "")
        (finding,) = findings
        assert path.read_bytes()[finding.location.offset] == 0x23  # global.get
        assert "global.get in a constant expression" in finding.message
        assert "may hold only i32.const, i64.const, ref.func, ref.null" in finding.message


def test_soroban_names_the_first_refused_constant_expression(tmp_path: Path) -> None:
    path = build(
        tmp_path,
        "two",
        '(import "m" "g" (global i32)) (global i32 (global.get 0)) (memory 1) (data (global.get 0) "x")',
    )
    (finding,) = wl509("soroban", path)
    assert "(global 1)" in finding.message
    globals = next(s for s in decode_bytes(path.read_bytes()).sections if s.id == 6)
    assert globals.offset < finding.location.offset < globals.offset + globals.size + 2


def test_every_built_in_presets_finer_entries_name_what_wasmlint_knows() -> None:
    """An entry naming no group or instruction would refuse nothing: a typo in a preset must fail here."""
    seen = 0
    for path in sorted((Path(__file__).resolve().parent.parent / "wasmlint" / "presets").glob("*.toml")):
        infos = load_presets([path.stem]).preset_info
        rules = infos[0].extra_value("module-rules") if infos else None
        if not isinstance(rules, dict):
            continue
        for entry in rules.get("wasm_operators_refused", []):
            assert known(entry), (path.stem, entry)
            seen += 1
        for entry in rules.get("constant_expression_operators", []):
            assert entry in NAMES.values(), (path.stem, entry)
            seen += 1
    assert seen >= 6
