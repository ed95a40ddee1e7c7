"""Instructions by name, and the named groups of them a host may refuse apart from the rest of their proposal.

Some hosts refuse less than a whole wasm feature: nitro's Stylus activation accepts float types, constants, loads
and stores but has no implementation for float arithmetic, and of bulk memory it instruments only ``memory.copy``
and ``memory.fill``. A preset names what it refuses as a group (``float_arithmetic``, ``bulk_memory_segments``)
or as instructions (``f64.add``), in the text format's spelling; :func:`operator_groups` turns those names into
the encodings a code walk compares (``code_features``). Other hosts restrict constant expressions by name
(Soroban allows only ``i32.const``, ``i64.const``, ``ref.func`` and ``ref.null``): :func:`constant_name` names
what one holds.

An encoding is a core opcode, or ``PREFIXED | sub`` for an instruction of the 0xFC prefix.
"""

from __future__ import annotations

PREFIXED = 0xFC00
"""The encoding of ``0xFC sub`` is ``PREFIXED | sub``."""

_TYPES = ("i32", "i64", "f32", "f64")
_FLOAT_COMPARE = ("eq", "ne", "lt", "gt", "le", "ge")
_FLOAT_UNARY = ("abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt")
_FLOAT_BINARY = ("add", "sub", "mul", "div", "min", "max", "copysign")


def _float_arithmetic() -> dict[int, str]:
    """Every float comparison, arithmetic and conversion (saturating truncations included): the spec's opcodes
    0x5B-0x66, 0x8B-0xA6, 0xA8-0xAB, 0xAE-0xBB and 0xFC 0-7. Not constants, loads, stores or reinterpretations,
    which move a float's bits without computing with them."""
    names: dict[int, str] = {}
    for base, width in ((0x5B, "f32"), (0x61, "f64")):
        names.update({base + i: f"{width}.{op}" for i, op in enumerate(_FLOAT_COMPARE)})
    for base, width in ((0x8B, "f32"), (0x99, "f64")):
        names.update({base + i: f"{width}.{op}" for i, op in enumerate(_FLOAT_UNARY + _FLOAT_BINARY)})
    truncations = [f"{i}.trunc_{f}_{s}" for i in ("i32", "i64") for f in ("f32", "f64") for s in ("s", "u")]
    names.update(zip((0xA8, 0xA9, 0xAA, 0xAB, 0xAE, 0xAF, 0xB0, 0xB1), truncations, strict=True))
    conversions = [f"f32.convert_{i}_{s}" for i in ("i32", "i64") for s in ("s", "u")] + ["f32.demote_f64"]
    conversions += [f"f64.convert_{i}_{s}" for i in ("i32", "i64") for s in ("s", "u")] + ["f64.promote_f32"]
    names.update(zip(range(0xB2, 0xBC), conversions, strict=True))
    names.update({PREFIXED | i: name.replace("trunc_", "trunc_sat_") for i, name in enumerate(truncations)})
    return names


GROUPS: dict[str, dict[int, str]] = {
    "float_arithmetic": _float_arithmetic(),
    "bulk_memory_segments": {
        PREFIXED | 8: "memory.init",
        PREFIXED | 9: "data.drop",
        PREFIXED | 12: "table.init",
        PREFIXED | 13: "elem.drop",
        PREFIXED | 14: "table.copy",
    },
}
"""Groups a preset can refuse by name: what each holds, by encoding."""

NAMES: dict[int, str] = {
    0x23: "global.get",
    0x41: "i32.const",
    0x42: "i64.const",
    0x43: "f32.const",
    0x44: "f64.const",
    0x6A: "i32.add",
    0x6B: "i32.sub",
    0x6C: "i32.mul",
    0x7C: "i64.add",
    0x7D: "i64.sub",
    0x7E: "i64.mul",
    0xD0: "ref.null",
    0xD2: "ref.func",
    PREFIXED | 10: "memory.copy",
    PREFIXED | 11: "memory.fill",
    **{code: name for group in GROUPS.values() for code, name in group.items()},
}
"""The instructions this module can name: those of the groups, and those a constant expression may hold."""


def constant_name(opcode: int) -> str:
    """The name of a constant expression's instruction, or its opcode when this module does not name it (a
    prefixed one: SIMD's ``v128.const``, GC's allocations), which no host's list of allowed names matches."""
    return NAMES.get(opcode, f"opcode 0x{opcode:02x}")


def operator_groups(entries: tuple[str, ...]) -> dict[int, str]:
    """The encodings a preset's ``wasm_operators_refused`` entries refuse, each to the entry that refuses it: a
    group's name refuses its instructions, an instruction's name itself; an entry naming neither refuses nothing
    (presets are data; ``tests/test_features_finer.py`` checks the built-in ones')."""
    by_name = {name: code for code, name in NAMES.items()}
    found: dict[int, str] = {}
    for entry in entries:
        if entry in GROUPS:
            found.update(dict.fromkeys(GROUPS[entry], entry))
        elif entry in by_name:
            found[by_name[entry]] = entry
    return found


def known(entry: str) -> bool:
    """Whether ``entry`` names a group or an instruction this module knows (for checking a preset's data)."""
    return entry in GROUPS or entry in NAMES.values()
