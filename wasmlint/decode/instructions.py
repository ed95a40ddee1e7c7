"""The instruction set's encoding: which immediates follow each opcode, so that a walker can step over code.

A function body has a length but its instructions do not: to walk one, a reader must know every instruction's
immediates. These tables say what follows each opcode (of the core set and its prefixed extensions: 0xFB GC, 0xFC
saturating truncation, bulk memory and tables, 0xFD SIMD, 0xFE atomics) and the helpers read the immediates that
are not a plain count of u32s. Walkers (``hosts/start.py``: what a start function calls; ``code_features.py``: which
wasm features code uses) decide what an instruction means; an opcode absent from these tables is one no walker
knows, and each says so rather than guess its length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .reader import Reader

if TYPE_CHECKING:
    from .reader import Buffer
from .types import heaptype, valtype

DIRECT_CALLS = frozenset({0x10, 0x12})  # call, return_call
INDIRECT_CALLS = frozenset({0x11, 0x13, 0x14, 0x15})  # call_indirect, return_call_indirect, call_ref, return_call_ref
NO_IMMEDIATE = frozenset({0x00, 0x01, 0x05, 0x0A, 0x0B, 0x0F, 0x19, 0x1A, 0x1B, 0xD1, 0xD3, 0xD4, *range(0x45, 0xC5)})
ONE_U32 = frozenset({0x07, 0x08, 0x09, 0x0C, 0x0D, 0x18, *range(0x20, 0x27), 0x3F, 0x40, 0xD2, 0xD5, 0xD6})
BLOCKS = frozenset({0x02, 0x03, 0x04, 0x06})  # block, loop, if, try (legacy exceptions)
MEMARG = frozenset(range(0x28, 0x3F))  # loads and stores

# 0xFC: sub-opcode -> number of u32 immediates (saturating truncations, bulk memory, tables).
FC_U32S = {**dict.fromkeys(range(8), 0), 8: 2, 9: 1, 10: 2, 11: 1, 12: 2, 13: 1, 14: 2, 15: 1, 16: 1, 17: 1}
# 0xFB (GC): sub-opcode -> its immediates, "u" a u32, "h" a heap type, "b" a byte.
FB_IMMEDIATES = {
    **dict.fromkeys([0, 1, 6, 7, 11, 12, 13, 14, 16], "u"),
    **dict.fromkeys([2, 3, 4, 5, 8, 9, 10, 17, 18, 19], "uu"),
    **dict.fromkeys([15, 26, 27, 28, 29, 30], ""),
    **dict.fromkeys([20, 21, 22, 23], "h"),
    **dict.fromkeys([24, 25], "buhh"),
}
# 0xFD (SIMD): memory instructions, those with a lane index, and those with 16 bytes; the rest take nothing.
FD_MEMARG = frozenset({*range(12), 92, 93})
FD_MEMARG_LANE = frozenset(range(84, 92))
FD_LANE = frozenset(range(21, 35))
FD_LAST = 0x113  # relaxed SIMD's last
FE_FENCE = 3  # atomic.fence: one reserved byte


def fe_has_memarg(sub: int) -> bool:
    """notify, waits, atomic loads, stores and read-modify-writes (0xFE 0-2, 0x10-0x4E)."""
    return sub <= 2 or 0x10 <= sub <= 0x4E


def skip_prefixed(r: Reader, prefix: int) -> bool:
    """Read the rest of a prefixed instruction; False for one this walker does not know."""
    if prefix not in (0xFB, 0xFC, 0xFD, 0xFE):
        return False
    sub = r.u32()
    if prefix == 0xFC:
        if sub not in FC_U32S:
            return False
        for _ in range(FC_U32S[sub]):
            r.u32()
    elif prefix == 0xFB:
        if sub not in FB_IMMEDIATES:
            return False
        for item in FB_IMMEDIATES[sub]:
            if item == "u":
                r.u32()
            elif item == "h":
                heaptype(r)
            else:
                r.u8()
    elif prefix == 0xFD:
        if sub > FD_LAST:
            return False
        if sub in FD_MEMARG or sub in FD_MEMARG_LANE:
            memarg(r)
        if sub in FD_MEMARG_LANE or sub in FD_LANE:
            r.u8()
        elif sub in (12, 13):  # v128.const, i8x16.shuffle
            r.skip(16)
    elif sub == FE_FENCE:
        r.u8()
    elif fe_has_memarg(sub):
        memarg(r)
    else:
        return False
    return True


def blocktype(r: Reader) -> str | int | None:
    """A block type: None for the empty one, a value type, or the index of a function type."""
    byte = r.peek()
    if byte == 0x40:
        r.u8()
        return None
    if byte & 0xC0 == 0x40:  # a one-byte negative s33: a value type
        return valtype(r)
    return r.s33()  # a type index


def memarg(r: Reader) -> int:
    """A memory argument's memory index (0 unless given); its alignment and offset are read past."""
    memory = 0
    if r.u32() & 0x40:  # multi-memory: a memory index follows the alignment
        memory = r.u32()
    r.u64()
    return memory


def function_bodies(data: Buffer, section_offset: int) -> list[tuple[int, int]]:
    """(start, end) of each function body in the code section that starts (its id byte) at ``section_offset``."""
    r = Reader(data, section_offset + 1)
    size = r.u32()
    r = Reader(data, r.pos, r.pos + size)
    found = []
    for _ in range(r.u32()):
        length = r.u32()
        found.append((r.pos, r.pos + length))
        r.skip(length)
    return found


def body_sizes(data: Buffer, section_offset: int) -> list[tuple[int, int]]:
    """(start, size) of each function body of the code section at ``section_offset``: its size field's value, the
    bytes a host that limits a body's size (nearcore) counts."""
    return [(start, end - start) for start, end in function_bodies(data, section_offset)]


def declared_locals(data: Buffer, section_offset: int) -> list[tuple[int, int]]:
    """(start, count) of each function body of the code section at ``section_offset``: the locals its declarations
    add up to (its parameters are not locals here), read from the declarations alone, the instructions skipped."""
    found = []
    for start, end in function_bodies(data, section_offset):
        r = Reader(data, start, end)
        count = 0
        for _ in range(r.u32()):
            count += r.u32()
            valtype(r)
        found.append((start, count))
    return found
