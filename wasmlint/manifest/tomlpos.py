"""Find the line of a key in TOML source text.

``tomllib`` reports positions only for syntax errors; a manifest error about a valid document (an unknown key, a
bad signature) still deserves a file:line. This walks table headers and key assignments line by line; keys inside
inline tables or multi-line values fall back to the line of their enclosing table.
"""

from __future__ import annotations

import re

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_HEADER = re.compile(r"^\s*\[\[?(.*?)\]\]?\s*(?:#.*)?$")


def split_key(text: str) -> tuple[list[str], int] | None:
    """Split a dotted TOML key (``a."b.c".d``) into its parts; returns the parts and where the key ends."""
    parts: list[str] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return None
        if text[pos] == '"':
            end = pos + 1
            value = []
            while end < len(text) and text[end] != '"':
                if text[end] == "\\" and end + 1 < len(text):
                    escaped = text[end + 1]
                    value.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(escaped, escaped))
                    end += 2
                    continue
                value.append(text[end])
                end += 1
            if end >= len(text):
                return None
            parts.append("".join(value))
            pos = end + 1
        elif text[pos] == "'":
            end = text.find("'", pos + 1)
            if end < 0:
                return None
            parts.append(text[pos + 1 : end])
            pos = end + 1
        else:
            match = _BARE.match(text, pos)
            if not match:
                return None
            parts.append(match.group())
            pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Every table header and key assignment of ``text``, as a key path, with the 1-based line that defines it."""
    lines: dict[tuple[str, ...], int] = {}
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header and not line.lstrip().startswith(("[=", "['''")):
            found = split_key(header.group(1))
            if found is None:
                continue
            table = found[0]
            full = table
        else:
            found = split_key(line)
            if found is None or found[1] >= len(line) or line[found[1]] != "=":
                continue
            full = table + found[0]
        lines.setdefault(tuple(full), number)
    return lines


def line_of(lines: dict[tuple[str, ...], int], keys: tuple[str, ...]) -> int | None:
    """The line of ``keys`` in an index made by :func:`key_lines`, or of the closest enclosing table or key."""
    for depth in range(len(keys), 0, -1):
        found = lines.get(keys[:depth])
        if found is not None:
            return found
    return None


def key_line(text: str, keys: tuple[str, ...]) -> int | None:
    """The 1-based line where the key path ``keys`` is defined, or the closest enclosing table's line."""
    return line_of(key_lines(text), keys)
