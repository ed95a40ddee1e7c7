"""Which imported functions a module's start function may call while the module is instantiated.

The Extism Python SDK cannot survive a host function defined in Python being called during ``extism.Plugin(...)``
(``gen/targets.py``, the ``start`` reason), which is when a start function runs: both the load-time dummies
(``hosts/plan.py``) and ``gen --target python-extism`` refuse what this finds. Rather than refuse every module
with a start function, the functions it reaches are found by walking the instructions of the bodies reachable from
it through direct calls (``call``, ``return_call``). The answer is never smaller than the truth: an indirect call
(``call_indirect``, ``call_ref`` and their tail forms) reachable from the start means any function may be called,
and so does an instruction this walker does not know (stack switching, say) or a body it cannot read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..decode.reader import DecodeError, Reader
from ..decode.types import heaptype, valtype
from ..model import Module

if TYPE_CHECKING:
    from ..decode.reader import Buffer

CODE_SECTION = 10
_DIRECT = frozenset({0x10, 0x12})  # call, return_call
_INDIRECT = frozenset({0x11, 0x13, 0x14, 0x15})  # call_indirect, return_call_indirect, call_ref, return_call_ref
_NONE = frozenset({0x00, 0x01, 0x05, 0x0A, 0x0B, 0x0F, 0x19, 0x1A, 0x1B, 0xD1, 0xD3, 0xD4, *range(0x45, 0xC5)})
_ONE_U32 = frozenset({0x07, 0x08, 0x09, 0x0C, 0x0D, 0x18, *range(0x20, 0x27), 0x3F, 0x40, 0xD2, 0xD5, 0xD6})
_BLOCKS = frozenset({0x02, 0x03, 0x04, 0x06})  # block, loop, if, try (legacy exceptions)
_MEMARG = frozenset(range(0x28, 0x3F))  # loads and stores

# 0xFC: sub-opcode -> number of u32 immediates (saturating truncations, bulk memory, tables).
_FC = {**dict.fromkeys(range(8), 0), 8: 2, 9: 1, 10: 2, 11: 1, 12: 2, 13: 1, 14: 2, 15: 1, 16: 1, 17: 1}
# 0xFB (GC): sub-opcode -> its immediates, "u" a u32, "h" a heap type, "b" a byte.
_FB = {
    **dict.fromkeys([0, 1, 6, 7, 11, 12, 13, 14, 16], "u"),
    **dict.fromkeys([2, 3, 4, 5, 8, 9, 10, 17, 18, 19], "uu"),
    **dict.fromkeys([15, 26, 27, 28, 29, 30], ""),
    **dict.fromkeys([20, 21, 22, 23], "h"),
    **dict.fromkeys([24, 25], "buhh"),
}
# 0xFD (SIMD): memory instructions, those with a lane index, and those with 16 bytes; the rest take nothing.
_FD_MEMARG = frozenset({*range(12), 92, 93})
_FD_MEMARG_LANE = frozenset(range(84, 92))
_FD_LANE = frozenset(range(21, 35))
_FD_LAST = 0x113  # relaxed SIMD's last


def imports_start_may_call(data: Buffer | None, module: Module) -> frozenset[int] | None:
    """Indices of the imported functions the start function may call (empty without a start function), or None
    when it may call any of them."""
    if module.start is None:
        return frozenset()
    imported = len(module.imports_of("func"))
    if module.start < imported:
        return frozenset({module.start})
    code = next((section for section in module.sections if section.id == CODE_SECTION), None)
    if data is None or code is None:
        return None
    try:
        bodies = _bodies(data, code.offset)
        called: set[int] = set()
        seen = {module.start}
        pending = [module.start]
        while pending:
            local = pending.pop() - imported
            if not 0 <= local < len(bodies):
                return None
            targets = _direct_calls(Reader(data, *bodies[local]))
            if targets is None:
                return None
            for target in targets:
                if target < imported:
                    called.add(target)
                elif target not in seen:
                    seen.add(target)
                    pending.append(target)
    except DecodeError:
        return None
    return frozenset(called)


def start_may_call_keys(data: Buffer | None, module: Module) -> frozenset[str]:
    """The keys (namespace.name) of the imported functions the start function may call: every function import's
    when :func:`imports_start_may_call` cannot tell. What ``hosts/plan.py`` and ``gen`` (``python-extism``) refuse."""
    functions = module.imports_of("func")
    indices = imports_start_may_call(data, module)
    chosen = range(len(functions)) if indices is None else sorted(indices)
    return frozenset(f"{functions[i].module}.{functions[i].name}" for i in chosen)


def _bodies(data: Buffer, section_offset: int) -> list[tuple[int, int]]:
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


def _direct_calls(r: Reader) -> set[int] | None:
    """The functions a body calls directly, or None when it may call others (or holds what is not known here)."""
    for _ in range(r.u32()):  # locals
        r.u32()
        valtype(r)
    calls: set[int] = set()
    while not r.at_end():
        opcode = r.u8()
        if opcode in _NONE:
            continue
        if opcode in _DIRECT:
            calls.add(r.u32())
        elif opcode in _INDIRECT:
            return None
        elif opcode in _ONE_U32:
            r.u32()
        elif opcode in _BLOCKS:
            _blocktype(r)
        elif opcode in _MEMARG:
            _memarg(r)
        elif opcode == 0x0E:  # br_table
            for _ in range(r.u32() + 1):
                r.u32()
        elif opcode == 0x1C:  # select with types
            for _ in range(r.u32()):
                valtype(r)
        elif opcode == 0x1F:  # try_table
            _blocktype(r)
            for _ in range(r.u32()):
                kind = r.u8()
                if kind in (0, 1):  # catch, catch_ref: a tag
                    r.u32()
                r.u32()
        elif opcode == 0x41:
            r.s32()
        elif opcode == 0x42:
            r.s64()
        elif opcode == 0x43:
            r.skip(4)
        elif opcode == 0x44:
            r.skip(8)
        elif opcode == 0xD0:  # ref.null
            heaptype(r)
        elif not _prefixed(r, opcode):
            return None
    return calls


def _prefixed(r: Reader, prefix: int) -> bool:
    """Read the rest of a prefixed instruction; False for one this walker does not know."""
    if prefix not in (0xFB, 0xFC, 0xFD, 0xFE):
        return False
    sub = r.u32()
    if prefix == 0xFC:
        if sub not in _FC:
            return False
        for _ in range(_FC[sub]):
            r.u32()
    elif prefix == 0xFB:
        if sub not in _FB:
            return False
        for item in _FB[sub]:
            if item == "u":
                r.u32()
            elif item == "h":
                heaptype(r)
            else:
                r.u8()
    elif prefix == 0xFD:
        if sub > _FD_LAST:
            return False
        if sub in _FD_MEMARG or sub in _FD_MEMARG_LANE:
            _memarg(r)
        if sub in _FD_MEMARG_LANE or sub in _FD_LANE:
            r.u8()
        elif sub in (12, 13):  # v128.const, i8x16.shuffle
            r.skip(16)
    elif sub == 3:  # atomic.fence
        r.u8()
    elif sub <= 2 or 0x10 <= sub <= 0x4E:  # notify, waits, atomic loads, stores and read-modify-writes
        _memarg(r)
    else:
        return False
    return True


def _blocktype(r: Reader) -> None:
    byte = r.peek()
    if byte == 0x40:
        r.u8()
    elif byte & 0xC0 == 0x40:  # a one-byte negative s33: a value type
        valtype(r)
    else:
        r.s33()  # a type index


def _memarg(r: Reader) -> None:
    if r.u32() & 0x40:  # multi-memory: a memory index follows the alignment
        r.u32()
    r.u64()
