"""Skipping constant expressions (global and table initialisers) without evaluating them.

A constant expression has no length prefix, so the decoder must know every instruction allowed in one to find
where it ends: the core constants, ``global.get``, ``ref.null``/``ref.func``, extended-const arithmetic, the GC
allocation instructions and ``v128.const``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .reader import DecodeError, Reader

if TYPE_CHECKING:
    from .reader import Buffer
from .types import heaptype

END = 0x0B

# Opcodes followed by nothing.
_BARE = frozenset({0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E})  # i32/i64 add, sub, mul (extended-const)

_GC_PREFIX = 0xFB
_SIMD_PREFIX = 0xFD
_V128_CONST = 12
_ATOMIC_PREFIX = 0xFE
_REF_I31_SHARED = 0x72  # shared-everything threads

# 0xFB sub-opcodes and the number of u32 immediates each takes.
_GC_IMMEDIATES = {
    0: 1,  # struct.new typeidx
    1: 1,  # struct.new_default typeidx
    6: 1,  # array.new typeidx
    7: 1,  # array.new_default typeidx
    8: 2,  # array.new_fixed typeidx n
    26: 0,  # any.convert_extern
    27: 0,  # extern.convert_any
    28: 0,  # ref.i31
}


# Whole constant expressions of the common instructions, matched in one call: each alternative is one instruction
# encoded so that it cannot hold a fault (LEB128 immediates short enough that no bound can be exceeded: at most 4
# bytes for a u32 or s32, 9 for an s64; a multi-byte heap type index positive), so a match ends exactly where the
# instruction-by-instruction reader below would stop. Anything else (a fault, a rare or long encoding) is not
# matched and goes to that reader, which names the fault.
_LEB32 = rb"[\x80-\xff]{0,3}[\x00-\x7f]"
_COMMON = (
    rb"(?:"
    rb"[\x41\x23\xd2]"
    + _LEB32  # i32.const, global.get, ref.func
    + rb"|\x42[\x80-\xff]{0,8}[\x00-\x7f]"  # i64.const
    + rb"|\x43[\x00-\xff]{4}|\x44[\x00-\xff]{8}"  # f32.const, f64.const
    + rb"|\xd0(?:[\x68-\x75]|[\x80-\xff]{0,3}[\x00-\x3f])"  # ref.null: abstract heap type, or type index
    + rb"|[\x6a\x6b\x6c\x7c\x7d\x7e]"  # extended-const arithmetic
    + rb"|\xfb[\x00\x01\x06\x07]"
    + _LEB32  # struct.new(_default), array.new(_default)
    + rb"|\xfb\x08"
    + _LEB32
    + _LEB32  # array.new_fixed
    + rb"|\xfb[\x1a\x1b\x1c]"  # any.convert_extern, extern.convert_any, ref.i31
    + rb")*\x0b"
)


_ONE_IMMEDIATE_LIMITS = {0x41: 4, 0x23: 4, 0xD2: 4, 0x42: 9}  # i32.const, global.get, ref.func, i64.const


def simple_end(data: Buffer, pos: int, end: int) -> int:
    """Where a constant expression of one instruction with one short LEB128 immediate ends (``i32.const 5``,
    ``global.get 0``: what almost every non-GC module's globals hold), read in place; -1 for anything else, which
    the regular expression then reads (compiled only when a module needs it)."""
    limit = _ONE_IMMEDIATE_LIMITS.get(data[pos]) if pos < end else None
    if limit is None:
        return -1
    last = pos + 1
    stop = min(pos + 1 + limit, end)
    while last < stop and data[last] & 0x80:
        last += 1
    if last < stop and last + 1 < end and data[last + 1] == END:
        return last + 2
    return -1


def common_matcher() -> Callable[[Buffer, int, int], re.Match[bytes] | None]:
    """``match(data, pos, end)`` of the expression above, compiled on first use (by ``re``'s cache): compiling it
    costs more at start-up than decoding a small module."""
    return re.compile(_COMMON, re.DOTALL).match


def match_common(data: Buffer, pos: int, end: int) -> re.Match[bytes] | None:
    return common_matcher()(data, pos, end)


def skip_constant_expression(r: Reader) -> None:
    found = common_matcher()(r.data, r.pos, r.end)
    if found is not None:
        r.pos = found.end()
        return
    skip_each_instruction(r)


def skip_each_instruction(r: Reader) -> None:
    """The reference reader: instruction by instruction, with the spec's checks and its words for each fault."""
    while True:
        start = r.pos
        opcode = r.u8()
        if opcode == END:
            return
        if opcode == 0x41:  # i32.const
            r.s32()
        elif opcode == 0x42:  # i64.const
            r.s64()
        elif opcode == 0x43:  # f32.const
            r.skip(4)
        elif opcode == 0x44:  # f64.const
            r.skip(8)
        elif opcode in (0x23, 0xD2):  # global.get, ref.func
            r.u32()
        elif opcode == 0xD0:  # ref.null
            heaptype(r)
        elif opcode in _BARE:
            pass
        elif opcode == _GC_PREFIX:
            sub = r.u32()
            if sub not in _GC_IMMEDIATES:
                raise DecodeError(start, f"constant expression required (opcode 0xfb {sub})")
            for _ in range(_GC_IMMEDIATES[sub]):
                r.u32()
        elif opcode == _ATOMIC_PREFIX:
            sub = r.u32()
            if sub != _REF_I31_SHARED:
                raise DecodeError(start, f"constant expression required (opcode 0xfe {sub})")
        elif opcode == _SIMD_PREFIX:
            sub = r.u32()
            if sub != _V128_CONST:
                raise DecodeError(start, f"constant expression required (opcode 0xfd {sub})")
            r.skip(16)
        else:
            raise DecodeError(start, f"illegal opcode {opcode:02x} in constant expression")
