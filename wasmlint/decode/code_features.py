"""Which wasm features a module's instructions use: every function body and constant expression, walked.

The half of ``features`` that reads code, with the instruction set's encoding (``instructions``): each opcode
that belongs to a proposal (floats, tail calls, reference types, SIMD, atomics, GC ...), each immediate that does
(a block type given by a type index, a second table or memory, a typed ``select``), and the reserved bytes that
wasmparser before the reference-types and multi-memory proposals reads as exactly ``0x00``. ``CodeWalker`` notes
each use through ``use`` (an opcode of a function body as an operator use: what CosmWasm's Gatekeeper reads) and
each value type through ``value``, which the module scan (``features._Scan``) provides; an opcode it does not know
is the feature ``unknown``, and the walk of that body stops there.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .instructions import (
    DIRECT_CALLS,
    FB_IMMEDIATES,
    FC_U32S,
    FD_LANE,
    FD_LAST,
    FD_MEMARG,
    FD_MEMARG_LANE,
    FE_FENCE,
    ONE_U32,
    fe_has_memarg,
)
from .opcodes import NAMES, PREFIXED, constant_name
from .reader import DecodeError, Reader
from .types import heaptype, valtype

CONSTANT_EXPRESSIONS = "constant_expressions"
"""The use reported for an instruction a host does not allow in a constant expression (``constant_allowed``)."""

UNKNOWN = "unknown"
"""The feature reported for what the scan cannot read: the module may use any feature after it."""

FLOAT_OPCODES = frozenset(
    {0x2A, 0x2B, 0x38, 0x39, 0x43, 0x44, *range(0x5B, 0x67), *range(0x8B, 0xA7), *range(0xA8, 0xAC)}
    | {*range(0xAE, 0xC0)}
)
"""Float loads, stores, constants, comparisons, arithmetic and every conversion from or to a float."""

# Core opcodes that belong to one proposal, beyond the MVP.
_OPCODE_FEATURES: dict[int, tuple[str, ...]] = {
    **dict.fromkeys(FLOAT_OPCODES, ("floats",)),
    **dict.fromkeys(range(0xC0, 0xC5), ("sign_extension",)),
    **dict.fromkeys((0x06, 0x07, 0x09, 0x18, 0x19), ("legacy_exceptions",)),  # try, catch, rethrow, delegate ...
    **dict.fromkeys((0x08, 0x0A, 0x1F), ("exceptions",)),  # throw, throw_ref, try_table
    0x12: ("tail_call",),  # return_call
    0x13: ("tail_call",),  # return_call_indirect
    0x14: ("function_references",),  # call_ref
    0x15: ("function_references", "tail_call"),  # return_call_ref
    0x1C: ("reference_types",),  # select with types
    0x25: ("reference_types",),  # table.get
    0x26: ("reference_types",),  # table.set
    0xD0: ("reference_types",),  # ref.null
    0xD1: ("reference_types",),  # ref.is_null
    0xD2: ("reference_types",),  # ref.func
    0xD3: ("gc",),  # ref.eq
    **dict.fromkeys((0xD4, 0xD5, 0xD6), ("function_references",)),  # ref.as_non_null, br_on_null, br_on_non_null
}
_FC_FEATURES: dict[int, tuple[str, ...]] = {
    **dict.fromkeys(range(8), ("saturating_float_to_int", "floats")),  # they convert from a float
    **dict.fromkeys(range(8, 15), ("bulk_memory",)),  # memory.init ... table.copy
    **dict.fromkeys(range(15, 18), ("reference_types",)),  # table.grow, table.size, table.fill
    **dict.fromkeys(range(19, 23), ("wide_arithmetic",)),  # i64.add128, i64.sub128, i64.mul_wide_s/u
}
_FC_MEMORY_INDICES = {8: (1,), 10: (0, 1), 11: (0,)}  # which u32 immediates name a memory
_FC_TABLE_INDICES = {12: (1,), 14: (0, 1)}  # and which a table
_CONST_ARITHMETIC = frozenset({0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E})  # i32/i64 add, sub, mul
_ONE_INDEX = ONE_U32 | DIRECT_CALLS | {0x14, 0x15}  # and call_ref, return_call_ref (memory.size/grow are read first)
"""Opcodes with one u32 immediate: branches, calls, locals, globals, tables, functions, tags."""


class CodeWalker:
    """Walks code for the features it uses; the subclass says what a use is (``use``, ``value``)."""

    imported_globals = 0
    in_body = ""
    """``operator`` while the walk is in a function body (not a constant expression): the kind of its opcodes' uses
    (``features.FeatureUse.kind``)."""

    operator_groups: Mapping[int, str] = MappingProxyType({})
    """Instructions the host refuses apart from their feature, by encoding (``opcodes``): each use in a function
    body is noted as a use of its group, the feature's name (``opcodes.operator_groups``)."""
    constant_allowed: frozenset[str] | None = None
    """The instructions the host allows in a constant expression, when it allows fewer than the spec: any other is
    noted as a use of :data:`CONSTANT_EXPRESSIONS`."""

    noted: list[str]
    """The features noted for the instruction being walked (the subclass's ``use`` appends them when
    ``constant_allowed`` is set): what a constant expression's refused instruction needs besides
    (``FeatureUse.needs``)."""

    def use(
        self, feature: str, where: str, what: str, offset: int, kind: str = "", needs: tuple[str, ...] = ()
    ) -> None:
        raise NotImplementedError

    def value(self, value: str, where: str, what: str, offset: int) -> None:
        raise NotImplementedError

    def expression(self, r: Reader, where: str, *, constant: bool) -> None:
        """Walk a function body (to its end) or one constant expression (to its ``end``)."""
        self.in_body = "" if constant else "operator"
        self.noted.clear()
        while not r.at_end():
            start = r.pos
            opcode = r.u8()
            if opcode == 0x0B and constant:
                return
            if not constant and opcode in self.operator_groups:
                self._grouped(opcode, where, start)
            if constant:
                self.noted.clear()
            for feature in _OPCODE_FEATURES.get(opcode, ()):
                self.use(feature, where, f"opcode 0x{opcode:02x}", start, self.in_body)
            if constant and opcode in _CONST_ARITHMETIC:
                self.use("extended_const", where, f"opcode 0x{opcode:02x} in a constant expression", start)
            if not self.immediates(r, opcode, where, start, constant):
                self.use(UNKNOWN, where, f"opcode 0x{opcode:02x}, not known to this scan", start)
                raise DecodeError(start, f"unknown opcode 0x{opcode:02x}")
            if constant and self.constant_allowed is not None and constant_name(opcode) not in self.constant_allowed:
                what = f"{constant_name(opcode)} in a constant expression"
                self.use(CONSTANT_EXPRESSIONS, where, what, start, needs=tuple(self.noted))
        if constant:
            raise DecodeError(r.pos, "constant expression without end")

    def immediates(self, r: Reader, opcode: int, where: str, start: int, constant: bool) -> bool:
        """Read the immediates of ``opcode`` and note the features they use; False for an unknown opcode."""
        if opcode in (0x00, 0x01, 0x05, 0x0A, 0x0B, 0x0F, 0x19, 0x1A, 0x1B, 0xD1, 0xD3, 0xD4) or 0x45 <= opcode <= 0xC4:
            return True
        if opcode in (0x02, 0x03, 0x04, 0x06, 0x1F):
            self._blocktype(r, where, start)
            if opcode == 0x1F:  # try_table's catch clauses
                for _ in range(r.u32()):
                    if r.u8() in (0, 1):
                        r.u32()
                    r.u32()
        elif opcode in (0x11, 0x13):  # call_indirect, return_call_indirect
            r.u32()
            first = r.peek()
            table = r.u32()
            if table != 0:
                self.use("reference_types", where, f"an indirect call through table {table}", start)
            elif first != 0:  # wasmparser reads the MVP's reserved byte: anything but 0x00 needs reference types
                self.use("reference_types", where, "an indirect call with table index 0 as an over-long LEB128", start)
        elif opcode == 0x23:  # global.get
            index = r.u32()
            if constant and index >= self.imported_globals:
                self.use("gc", where, f"global.get of a defined global ({index}) in a constant expression", start)
        elif opcode in (0x3F, 0x40):  # memory.size, memory.grow: the reserved byte, as for call_indirect
            first = r.peek()
            memory = r.u32()
            if memory != 0 or first != 0:
                what = f"memory {memory}" if memory else "memory index 0 as an over-long LEB128"
                self.use("multi_memory", where, what, start)
        elif opcode in _ONE_INDEX:
            r.u32()
        elif 0x28 <= opcode <= 0x3E:
            self._memarg(r, where, start)
        elif opcode == 0x0E:  # br_table
            for _ in range(r.u32() + 1):
                r.u32()
        elif opcode == 0x1C:  # select with types
            for _ in range(r.u32()):
                self.value(valtype(r), where, "a select of type", start)
        elif opcode == 0x41:
            r.s32()
        elif opcode == 0x42:
            r.s64()
        elif opcode == 0x43:
            r.skip(4)
        elif opcode == 0x44:
            r.skip(8)
        elif opcode == 0xD0:  # ref.null
            self._heaptype(r, where, start)
        else:
            return self._prefixed(r, opcode, where, start)
        return True

    def _prefixed(self, r: Reader, prefix: int, where: str, start: int) -> bool:
        if prefix not in (0xFB, 0xFC, 0xFD, 0xFE):
            return False
        sub = r.u32()
        what = f"opcode 0x{prefix:02x} {sub}"
        if prefix == 0xFB:
            if sub not in FB_IMMEDIATES:
                return False
            self.use("gc", where, what, start, self.in_body)
            for item in FB_IMMEDIATES[sub]:
                if item == "u":
                    r.u32()
                elif item == "h":
                    heaptype(r)
                else:
                    r.u8()
            return True
        if prefix == 0xFC:
            if sub not in _FC_FEATURES:
                return False
            for feature in _FC_FEATURES[sub]:
                self.use(feature, where, what, start, self.in_body)
            if self.in_body and PREFIXED | sub in self.operator_groups:
                self._grouped(PREFIXED | sub, where, start)
            immediates = [r.u32() for _ in range(FC_U32S.get(sub, 0))]
            if any(immediates[i] != 0 for i in _FC_MEMORY_INDICES.get(sub, ())):
                self.use("multi_memory", where, "a memory index other than 0", start)
            if any(immediates[i] != 0 for i in _FC_TABLE_INDICES.get(sub, ())):
                self.use("reference_types", where, "a table index other than 0", start)
            return True
        if prefix == 0xFD:
            if sub > FD_LAST:
                return False
            self.use("relaxed_simd" if sub >= 0x100 else "simd", where, what, start, self.in_body)
            if sub in FD_MEMARG or sub in FD_MEMARG_LANE:
                self._memarg(r, where, start)
            if sub in FD_MEMARG_LANE or sub in FD_LANE:
                r.u8()
            elif sub in (12, 13):  # v128.const, i8x16.shuffle
                r.skip(16)
            return True
        self.use("threads", where, what, start, self.in_body)
        if sub == FE_FENCE:
            r.u8()
        elif fe_has_memarg(sub):
            self._memarg(r, where, start)
        else:
            return False
        return True

    def _grouped(self, code: int, where: str, start: int) -> None:
        self.use(self.operator_groups[code], where, NAMES[code], start, self.in_body)

    def _blocktype(self, r: Reader, where: str, start: int) -> None:
        byte = r.peek()
        if byte == 0x40:
            r.u8()
        elif byte & 0xC0 == 0x40:  # a value type
            self.value(valtype(r), where, "a block of type", start)
        else:
            r.s33()
            self.use("multi_value", where, "a block type given by a type index", start)

    def _heaptype(self, r: Reader, where: str, start: int) -> None:
        heap = heaptype(r)
        if heap == "extern":  # externref: wasmparser's gc-types gates it here as in a type (NEAR from 84)
            self.value("externref", where, "a null reference of type", start)
        elif heap != "func":
            self.value(f"(ref null {heap})", where, "a null reference of type", start)

    def _memarg(self, r: Reader, where: str, start: int) -> None:
        if r.u32() & 0x40:
            r.u32()
            self.use("multi_memory", where, "a memory argument with a memory index", start)
        r.u64()
