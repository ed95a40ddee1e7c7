"""wasmlint: decode WebAssembly modules and check their imports against what a host provides.

The Python API is small and stable::

    from wasmlint import decode_path, decode_bytes, DecodeError

    module = decode_path("plugin.wasm")      # or decode_bytes(data)
    for imp in module.imports:
        print(imp.module, imp.name, imp.kind, imp.type)

    from wasmlint import Checker, load_manifest, load_presets

    checker = Checker(load_presets(["proxy-wasm"]))   # or Checker(load_manifest("wasmlint.toml"), phases=["meta"])
    for finding in checker.check_bytes(data, "upload.wasm"):   # or check_path(path), check_module(module)
        print(finding.code, finding.severity, finding.message, finding.location.offset)

For hosts that load any plugin whatever it imports, ``define_wasmtime_imports`` (wasmtime-py) and
``extism_host_functions`` (the Extism Python SDK) give dummies for every import the host does not provide; they
import their runtime, which wasmlint does not depend on.

Names are imported lazily so that ``wasmlint --help`` does not pay for the decoder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .decode.module import decode_bytes, decode_path
    from .decode.reader import DecodeError
    from .hosts.extism_py import extism_host_functions
    from .hosts.plan import DummiesRefused
    from .hosts.wasmtime_py import define_wasmtime_imports
    from .lint.checker import Checker, load_manifest, load_presets
    from .lint.diagnostics import Finding, Location
    from .manifest.values import Manifest, ManifestError
    from .model import Export, FuncType, GlobalType, Import, MemoryType, Module, TableType, TagType

__all__ = [
    "Checker",
    "DecodeError",
    "DummiesRefused",
    "Export",
    "Finding",
    "FuncType",
    "GlobalType",
    "Import",
    "Location",
    "Manifest",
    "ManifestError",
    "MemoryType",
    "Module",
    "TableType",
    "TagType",
    "__version__",
    "decode_bytes",
    "decode_path",
    "define_wasmtime_imports",
    "extism_host_functions",
    "load_manifest",
    "load_presets",
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
    "Checker": "lint.checker",
    "load_manifest": "lint.checker",
    "load_presets": "lint.checker",
    "Finding": "lint.diagnostics",
    "Location": "lint.diagnostics",
    "Manifest": "manifest.values",
    "ManifestError": "manifest.values",
    "DummiesRefused": "hosts.plan",
    "define_wasmtime_imports": "hosts.wasmtime_py",
    "extism_host_functions": "hosts.extism_py",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
