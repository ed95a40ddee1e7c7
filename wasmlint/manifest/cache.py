"""Loaded manifests, kept between runs, so that a pre-commit run on an unchanged manifest parses no TOML.

Importing ``tomllib``, parsing a manifest and its presets and validating every entry costs more than the rest of
a ``wasmlint check`` run. An entry keeps what was loaded (a manifest, or the settings of a ``[tool.wasmlint]``
table) as plain data (``marshal``), together with the text of every file it was built from (the manifest, the
manifests it extends, the presets, the ``pyproject.toml``) and a fingerprint of the code that builds manifests.
It is used only when all of those are unchanged, byte for byte: files are read and compared, never trusted to
their timestamps. Nothing that failed is stored, so an error is reported on every run.

The cache lives in ``$WASMLINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/wasmlint``, else ``~/.cache/wasmlint``
(``%LOCALAPPDATA%\\wasmlint`` on Windows); ``WASMLINT_NO_CACHE=1`` turns it off. A cache that cannot be read or
written is passed by: the manifest is then loaded as if there were none.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .. import __version__
from ..record import from_plain, to_plain

if TYPE_CHECKING:
    from .loader import Loader

T = TypeVar("T")

FORMAT = 1
"""Bumped when the layout of an entry changes."""

BUILDERS = (
    "decode/types.py",
    "lint/versions.py",
    "manifest/axes.py",
    "manifest/load.py",
    "manifest/loader.py",
    "manifest/preset_loader.py",
    "manifest/presetinfo.py",
    "manifest/signature.py",
    "manifest/tomlpos.py",
    "manifest/values.py",
    "model.py",
    "record.py",
)
"""The modules whose code decides what a manifest loads to; an edit to any of them (an editable install) is a miss."""

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cache_directory() -> str | None:
    """Where entries are kept, or ``None`` when caching is off."""
    if os.environ.get("WASMLINT_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("WASMLINT_CACHE_DIR")
    if explicit:
        return explicit
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return os.path.join(os.environ["LOCALAPPDATA"], "wasmlint")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "wasmlint")


def cached(key: str, build: Callable[[Loader], T]) -> T:
    """What ``build`` makes with a fresh loader (which lists the files it reads), from the cache when those files
    are unchanged. ``key`` names what is built (e.g. a manifest's path as given and as resolved): one entry per key.
    """
    directory = cache_directory()
    entry = stamp = None
    if directory is not None:
        stamp = (FORMAT, __version__, sys.version, _builders_fingerprint(), key)
        entry = os.path.join(directory, f"manifest-{zlib.crc32(key.encode()):08x}.bin")
        found = _read(entry, stamp)
        if found:
            value: T = found[0]
            return value
    from .loader import Loader

    loader = Loader()
    built = build(loader)
    if entry is not None and stamp is not None:
        _write(entry, stamp, loader.sources, built)
    return built


def _builders_fingerprint() -> tuple[tuple[int, int], ...]:
    stamps = []
    for name in BUILDERS:
        try:
            status = os.stat(os.path.join(_PACKAGE, name))
        except OSError:
            stamps.append((0, 0))
        else:
            stamps.append((status.st_mtime_ns, status.st_size))
    return tuple(stamps)


def _read(entry: str, stamp: tuple[Any, ...]) -> tuple[Any] | None:
    """``(value,)`` on a hit; ``None`` on a miss."""
    try:
        with open(entry, "rb") as file:
            stored_stamp, sources, plain = marshal.loads(file.read())
        if stored_stamp != stamp:
            return None
        for path, text in sources:
            with open(path, encoding="utf-8") as source:
                if source.read() != text:
                    return None
        return (from_plain(plain),)
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError):
        return None  # absent, unreadable, corrupt or from another layout: a miss


def _write(entry: str, stamp: tuple[Any, ...], sources: list[tuple[str, str]], value: Any) -> None:
    try:
        content = marshal.dumps((stamp, tuple(sources), to_plain(value)))
    except (TypeError, ValueError):
        return  # something in it is not plain data: it is simply not kept
    from ..fileio import write_atomic

    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        write_atomic(entry, content)
    except OSError:
        pass  # a read-only or full disk costs the next run a parse, nothing else
