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

from ..decode.instructions import (
    BLOCKS,
    DIRECT_CALLS,
    INDIRECT_CALLS,
    MEMARG,
    NO_IMMEDIATE,
    ONE_U32,
    blocktype,
    memarg,
    skip_prefixed,
)
from ..decode.instructions import function_bodies as _bodies  # one name for the tests and this walker
from ..decode.reader import DecodeError, Reader
from ..decode.types import heaptype, valtype
from ..model import Module

if TYPE_CHECKING:
    from ..decode.reader import Buffer

CODE_SECTION = 10


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


def _direct_calls(r: Reader) -> set[int] | None:
    """The functions a body calls directly, or None when it may call others (or holds what is not known here)."""
    for _ in range(r.u32()):  # locals
        r.u32()
        valtype(r)
    calls: set[int] = set()
    while not r.at_end():
        opcode = r.u8()
        if opcode in NO_IMMEDIATE:
            continue
        if opcode in DIRECT_CALLS:
            calls.add(r.u32())
        elif opcode in INDIRECT_CALLS:
            return None
        elif opcode in ONE_U32:
            r.u32()
        elif opcode in BLOCKS:
            blocktype(r)
        elif opcode in MEMARG:
            memarg(r)
        elif opcode == 0x0E:  # br_table
            for _ in range(r.u32() + 1):
                r.u32()
        elif opcode == 0x1C:  # select with types
            for _ in range(r.u32()):
                valtype(r)
        elif opcode == 0x1F:  # try_table
            blocktype(r)
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
        elif not skip_prefixed(r, opcode):
            return None
    return calls
