"""Skipping constant expressions (global and table initialisers) without evaluating them.

A constant expression has no length prefix, so the decoder must know every instruction allowed in one to find
where it ends: the core constants, ``global.get``, ``ref.null``/``ref.func``, extended-const arithmetic, the GC
allocation instructions and ``v128.const``.
"""

from __future__ import annotations

from .reader import DecodeError, Reader
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


def skip_constant_expression(r: Reader) -> None:
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
