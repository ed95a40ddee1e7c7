"""Which imported functions a module's start function may call while the module is instantiated.

The Extism Python SDK cannot survive a host function defined in Python being called during ``extism.Plugin(...)``
(``gen/targets.py``, the ``start`` reason), which is when a start function runs. Rather than refuse every module
with a start function, the functions reachable from it are over-approximated from the code section without
decoding instructions: every byte ``0x10`` (``call``) or ``0x12`` (``return_call``) of a reachable body, whether an
opcode or part of an immediate, is read as a call to the function its LEB128 index names, so every real direct call
is among them. An indirect call opcode's byte (``call_indirect``, ``return_call_indirect``, ``call_ref``,
``return_call_ref``) anywhere in a reachable body means any function may be called.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..decode.reader import DecodeError, Reader
from ..model import Module

if TYPE_CHECKING:
    from ..decode.reader import Buffer

CODE_SECTION = 10
_DIRECT = re.compile(rb"[\x10\x12]")
_INDIRECT = re.compile(rb"[\x11\x13\x14\x15]")


def imports_start_may_call(data: Buffer | None, module: Module) -> frozenset[int] | None:
    """Indices of the imported functions the start function may call (empty without a start function), or None
    when it may call any of them (an indirect call is reachable, or the code is not at hand)."""
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
    except DecodeError:
        return None
    called: set[int] = set()
    seen = {module.start}
    pending = [module.start]
    while pending:
        local = pending.pop() - imported
        if not 0 <= local < len(bodies):
            return None
        body = bytes(data[bodies[local][0] : bodies[local][1]])
        if _INDIRECT.search(body):
            return None
        for match in _DIRECT.finditer(body):
            target = _leb(body, match.end())
            if target is None:
                continue
            if target < imported:
                called.add(target)
            elif target not in seen:
                seen.add(target)
                pending.append(target)
    return frozenset(called)


def _bodies(data: Buffer, section_offset: int) -> list[tuple[int, int]]:
    r = Reader(data, section_offset + 1)
    size = r.u32()
    r = Reader(data, r.pos, r.pos + size)
    found = []
    for _ in range(r.u32()):
        length = r.u32()
        found.append((r.pos, r.pos + length))
        r.skip(length)
    return found


def _leb(body: bytes, pos: int) -> int | None:
    """The unsigned LEB128 at ``pos`` (at most five bytes), or None when the body ends first."""
    value = shift = 0
    for index in range(pos, min(pos + 5, len(body))):
        byte = body[index]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value
        shift += 7
    return None
