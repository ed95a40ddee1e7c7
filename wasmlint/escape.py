"""Escaping of untrusted names: binaries name their imports and exports, and those names reach terminals,
reports and generated source code. The text report and the generated literals share one code-point escape, which
Python and Go both read as the same code point, so a name is shown the same way wherever it appears.
"""

from __future__ import annotations


def escape_text(value: str) -> str:
    """``value`` with every non-printable character replaced by a Python-style escape, for terminal output."""
    if value.isprintable():
        return value
    out: list[str] = []
    for char in value:
        if char.isprintable():
            out.append(char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        else:
            out.append(escape_codepoint(char))
    return "".join(out)


def escape_codepoint(char: str) -> str:
    """``char`` as an escape sequence that Python and Go both read as that code point (``\\x1b``, ``\\u00e9``,
    ``\\U0001f600``): ``\\x`` only below 0x80, because in Go it stands for a byte."""
    point = ord(char)
    if point < 0x80:
        return f"\\x{point:02x}"
    if point < 0x10000:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"
