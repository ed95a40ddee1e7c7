"""JSON text exactly as ``json.dumps(value, indent=2)`` writes it, several times faster, and a value at a time.

With ``indent`` set, the standard library encodes in pure Python, through a generator that yields every
punctuation mark separately: for a batch's listing that cost several times the decoding of the modules. This
writer builds the same characters directly (strings are still escaped by the standard library's C functions), so
that the public output of ``inspect --format json``, ``check --format json`` and ``--format sarif`` is unchanged,
byte for byte, and an array can be written element by element (:func:`array_item`) without holding the whole
document.

It accepts what wasmlint renders: dicts with string keys, lists and tuples, strings, ints, floats, booleans and
None; anything else raises ``TypeError`` as ``json.dumps`` would.
"""

from __future__ import annotations

from collections.abc import Callable
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

INDENT = "  "


def dumps(value: Any, *, ensure_ascii: bool = True, level: int = 0) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=ensure_ascii)``, as if nested ``level`` deep (continuation lines
    start with ``level`` more indents; the first line is not indented)."""
    encode = encode_basestring_ascii if ensure_ascii else encode_basestring
    return _value(value, "\n" + INDENT * level, encode)


def array_item(value: Any, *, first: bool, ensure_ascii: bool = True) -> str:
    """One element of a top-level array, with what goes before it: ``dumps([a, b, ...])`` is
    ``array_item(a, first=True) + array_item(b, first=False) + ... + array_end(False)``."""
    return ("[\n" if first else ",\n") + INDENT + dumps(value, ensure_ascii=ensure_ascii, level=1)


def array_end(empty: bool) -> str:
    """What closes a top-level array written with :func:`array_item` (``[]`` when it had no element)."""
    return "[]" if empty else "\n]"


def _value(value: Any, newline: str, encode: Callable[[str], str]) -> str:
    kind = type(value)
    if kind is str:
        return encode(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + INDENT
        parts = []
        for key, item in value.items():
            if type(key) is not str:  # json.dumps turns numbers, booleans and None into keys: let it
                return _standard(value, newline, encode)
            # Strings and small integers, most of the leaves, without a call of their own.
            item_kind = type(item)
            if item_kind is str:
                parts.append(f"{encode(key)}: {encode(item)}")
            elif item_kind is int:
                parts.append(f"{encode(key)}: {int.__repr__(item)}")
            else:
                parts.append(f"{encode(key)}: {_value(item, inner, encode)}")
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = newline + INDENT
        items = [encode(item) if type(item) is str else _value(item, inner, encode) for item in value]
        return "[" + inner + ("," + inner).join(items) + newline + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    # Floats, subclasses of the JSON types, and whatever else: as json.dumps spells them (or refuses them).
    return _standard(value, newline, encode)


def _standard(value: Any, newline: str, encode: Callable[[str], str]) -> str:
    import json

    text = json.dumps(value, indent=2, ensure_ascii=encode is encode_basestring_ascii)
    return text.replace("\n", newline) if newline != "\n" else text
