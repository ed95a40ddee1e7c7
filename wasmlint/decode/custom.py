"""The custom sections wasmlint reads: ``name``, ``producers`` and ``target_features``.

Runtimes ignore a malformed custom section, so a fault here becomes a warning on the module, never an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .reader import END_OF_SECTION, Reader

if TYPE_CHECKING:
    from .reader import Buffer

NAME_MODULE = 0
NAME_FUNCTION = 1


def module_name(data: Buffer, start: int, end: int) -> str | None:
    """The module name, found by walking the subsections by size: the function names of a large module are
    never read unless asked for."""
    r = Reader(data, start, end, END_OF_SECTION)
    while not r.at_end():
        kind = r.u8()
        size = r.u32()
        sub_end = r.pos + size
        if size > r.remaining:
            raise r.fail("length out of bounds")
        if kind == NAME_MODULE:
            name = Reader(data, r.pos, sub_end, END_OF_SECTION).name()
            return name
        r.pos = sub_end
    return None


def function_names(data: Buffer, start: int, end: int) -> dict[int, str]:
    r = Reader(data, start, end, END_OF_SECTION)
    while not r.at_end():
        kind = r.u8()
        size = r.u32()
        if size > r.remaining:
            raise r.fail("length out of bounds")
        sub_end = r.pos + size
        if kind == NAME_FUNCTION:
            sub = Reader(data, r.pos, sub_end, END_OF_SECTION)
            names: dict[int, str] = {}
            for _ in range(sub.count(2)):
                index = sub.u32()
                names[index] = sub.name()
            return names
        r.pos = sub_end
    return {}


def producers(data: Buffer, start: int, end: int) -> dict[str, tuple[tuple[str, str], ...]]:
    r = Reader(data, start, end, END_OF_SECTION)
    fields: dict[str, tuple[tuple[str, str], ...]] = {}
    for _ in range(r.count(2)):
        field = r.name()
        fields[field] = tuple((r.name(), r.name()) for _ in range(r.count(2)))
    if not r.at_end():
        raise r.fail("section size mismatch")
    return fields


def target_features(data: Buffer, start: int, end: int) -> tuple[tuple[str, str], ...]:
    r = Reader(data, start, end, END_OF_SECTION)
    features = []
    for _ in range(r.count(2)):
        prefix = chr(r.u8())
        features.append((prefix, r.name()))
    if not r.at_end():
        raise r.fail("section size mismatch")
    return tuple(features)
