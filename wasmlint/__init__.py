"""wasmlint: decode WebAssembly modules and check their imports against what a host provides.

The Python API is small and stable::

    from wasmlint import decode_path, decode_bytes, DecodeError

    module = decode_path("plugin.wasm")      # or decode_bytes(data)
    for imp in module.imports:
        print(imp.module, imp.name, imp.kind, imp.type)

Names are imported lazily so that ``wasmlint --help`` does not pay for the decoder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .decode.module import decode_bytes, decode_path
    from .decode.reader import DecodeError
    from .model import Export, FuncType, GlobalType, Import, MemoryType, Module, TableType, TagType

__all__ = [
    "DecodeError",
    "Export",
    "FuncType",
    "GlobalType",
    "Import",
    "MemoryType",
    "Module",
    "TableType",
    "TagType",
    "__version__",
    "decode_bytes",
    "decode_path",
]

_LAZY = {
    "decode_bytes": "decode.module",
    "decode_path": "decode.module",
    "DecodeError": "decode.reader",
    "Export": "model",
    "FuncType": "model",
    "GlobalType": "model",
    "Import": "model",
    "MemoryType": "model",
    "Module": "model",
    "TableType": "model",
    "TagType": "model",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
