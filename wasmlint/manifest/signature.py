"""Parse the signatures a manifest spells by hand: ``"(i64, i32) -> i64"``, ``"() -> ()"``, ``"() -> (i32, i64)"``.

Value types use the text format's names and are brought to the spelling the decoder produces (``(ref null func)``
becomes ``funcref``), so a manifest's types compare equal to a module's. Type indices (``(ref 3)``) are refused: they
mean something only inside one module.
"""

from __future__ import annotations

import re

from ..decode.types import ABSTRACT_HEAP_TYPES, SHORT_REFERENCE_TYPES, reference_type_text
from ..model import FuncType, ValType

NUMERIC = ("i32", "i64", "f32", "f64", "v128")
HEAP_TYPES = frozenset(ABSTRACT_HEAP_TYPES.values())
SHORT_FORMS = frozenset(SHORT_REFERENCE_TYPES.values())

_TOKEN = re.compile(r"\s*(->|\(|\)|,|[A-Za-z0-9_]+|.)")


class SignatureError(ValueError):
    """A signature string that cannot be parsed; the message is a plain sentence."""


def parse_valtype(text: str) -> ValType:
    tokens = _tokens(text)
    value, rest = _valtype(tokens, 0, text)
    if rest != len(tokens):
        raise SignatureError(f"unexpected {tokens[rest]!r} after the value type in {text!r}")
    return value


def parse_signature(text: str) -> FuncType:
    """``(params) -> results``; results may be ``()``, a single type, or a parenthesised list."""
    tokens = _tokens(text)
    if "->" not in tokens:
        raise SignatureError(f"{text!r} is not a signature: expected '(params) -> results', e.g. '(i64) -> i64'")
    params, pos = _list(tokens, 0, text)
    if pos >= len(tokens) or tokens[pos] != "->":
        raise SignatureError(f"expected '->' after the parameters in {text!r}")
    pos += 1
    if pos < len(tokens) and tokens[pos] == "(" and not _starts_ref(tokens, pos):
        results, pos = _list(tokens, pos, text)
    else:
        single, pos = _valtype(tokens, pos, text)
        results = (single,)
    if pos != len(tokens):
        raise SignatureError(f"unexpected {tokens[pos]!r} at the end of {text!r}")
    return FuncType(params, results)


def _tokens(text: str) -> list[str]:
    return [match.group(1) for match in _TOKEN.finditer(text) if match.group(1).strip()]


def _starts_ref(tokens: list[str], pos: int) -> bool:
    return pos + 1 < len(tokens) and tokens[pos + 1] == "ref"


def _list(tokens: list[str], pos: int, text: str) -> tuple[tuple[ValType, ...], int]:
    if pos >= len(tokens) or tokens[pos] != "(":
        raise SignatureError(f"expected '(' in {text!r}")
    pos += 1
    values: list[ValType] = []
    while pos < len(tokens) and tokens[pos] != ")":
        value, pos = _valtype(tokens, pos, text)
        values.append(value)
        if pos < len(tokens) and tokens[pos] == ",":
            pos += 1
        elif pos < len(tokens) and tokens[pos] != ")":
            raise SignatureError(f"expected ',' or ')' after {value!r} in {text!r}")
    if pos >= len(tokens):
        raise SignatureError(f"missing ')' in {text!r}")
    return tuple(values), pos + 1


def _valtype(tokens: list[str], pos: int, text: str) -> tuple[ValType, int]:
    if pos >= len(tokens):
        raise SignatureError(f"missing value type at the end of {text!r}")
    token = tokens[pos]
    if token in NUMERIC or token in SHORT_FORMS:
        return token, pos + 1
    if token == "(" and _starts_ref(tokens, pos):
        pos += 2
        nullable = pos < len(tokens) and tokens[pos] == "null"
        if nullable:
            pos += 1
        if pos >= len(tokens):
            raise SignatureError(f"missing heap type in {text!r}")
        heap = tokens[pos]
        if heap.isdigit():
            raise SignatureError(
                f"(ref {heap}) names a type index, which means something only inside one module: "
                "use an abstract heap type such as func, extern, any, eq, struct or array"
            )
        if heap not in HEAP_TYPES:
            raise SignatureError(f"unknown heap type {heap!r} in {text!r}")
        if pos + 1 >= len(tokens) or tokens[pos + 1] != ")":
            raise SignatureError(f"missing ')' after the heap type in {text!r}")
        return reference_type_text(heap, nullable), pos + 2
    raise SignatureError(
        f"unknown value type {token!r} in {text!r} (expected i32, i64, f32, f64, v128, a reference type such as "
        "funcref or externref, or (ref null? HEAPTYPE))"
    )
