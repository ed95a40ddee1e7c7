"""List one module's imports and exports with a pure-Python peer package; a worker of ``bench/run.py``.

Runs inside the separate virtualenv that ``run.py`` creates under ``bench/out/peers-venv`` (never in the project's
own one: PyPI's pure-Python ``wasm-tools`` installs a ``wasm-tools`` command that would shadow the Bytecode Alliance
CLI). Usage::

    bench/out/peers-venv/bin/python bench/peer_list.py PEER FILE RESULT.json

PEER is one of the keys of ``PEERS``. The worker times, inside its own process, the import of the package and the
parse (read the file, decode it, collect the imports and exports), and writes them to RESULT.json together with the
counts, or the error the package raised. Anything the package prints goes to stdout, which ``run.py`` discards.
"""

from __future__ import annotations

import io
import json
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

Listing = tuple[list[Any], list[Any]]


def _wasm_tools(data: bytes) -> Listing:
    # The cheapest path the package offers: the objdump "prepass", which fills imports and exports (its CLI and
    # parse_wasm_bytes() run a second, detailed pass and more analysis on top of it).
    from wasm_tools import BinaryReader, BinaryReaderObjdumpPrepass, ObjdumpMode, ObjdumpOptions, ObjdumpState

    state = ObjdumpState()
    options = ObjdumpOptions()
    options.mode = ObjdumpMode.PREPASS
    reader = BinaryReaderObjdumpPrepass(data, options, state)
    BinaryReader(data, reader).read_module()
    errors = getattr(reader, "errors", None)
    if errors:
        raise ValueError(f"parser reported: {errors[0]}")
    return list(state.imports), list(state.exports)


def _pywasm(data: bytes) -> Listing:
    import pywasm

    module = pywasm.core.ModuleDesc.from_reader(io.BytesIO(data))
    return list(module.imps), list(module.exps)


def _python_wasm(package: str) -> Callable[[bytes], Listing]:
    def listing(data: bytes) -> Listing:
        mod = __import__(package)
        imports: list[Any] = []
        exports: list[Any] = []
        for _header, section in mod.decode_module(data):
            sid = getattr(section, "id", None)
            if sid == mod.SEC_IMPORT:
                imports = list(section.payload.entries)
            elif sid == mod.SEC_EXPORT:
                exports = list(section.payload.entries)
        return imports, exports

    return listing


def _ppci(data: bytes) -> Listing:
    import ppci.wasm

    sections = ppci.wasm.Module(data).get_definitions_per_section()
    return list(sections.get("import", [])), list(sections.get("export", []))


# PEER -> (top-level module to import, listing function)
PEERS: dict[str, tuple[str, Callable[[bytes], Listing]]] = {
    "wasm-tools": ("wasm_tools", _wasm_tools),
    "pywasm": ("pywasm", _pywasm),
    "wasm-tob": ("wasm_tob", _python_wasm("wasm_tob")),
    "wasm": ("wasm", _python_wasm("wasm")),
    "ppci": ("ppci.wasm", _ppci),
}


def main() -> None:
    peer, path, result_path = sys.argv[1:4]
    package, listing = PEERS[peer]
    result: dict[str, Any] = {"peer": peer, "ok": False}
    try:
        t0 = time.perf_counter()
        __import__(package)
        t1 = time.perf_counter()
        result["import_s"] = t1 - t0
        with open(path, "rb") as file:
            data = file.read()
        imports, exports = listing(data)
        result["parse_s"] = time.perf_counter() - t1
        result.update(ok=True, imports=len(imports), exports=len(exports))
    except BaseException as exc:  # report whatever the package raised, as data
        result["error"] = f"{type(exc).__name__}: {exc}"[:200]
        frames = traceback.extract_tb(exc.__traceback__)
        if frames:
            result["where"] = f"{frames[-1].filename.rsplit('site-packages/', 1)[-1]}:{frames[-1].lineno}"
    with open(result_path, "w", encoding="utf-8") as file:
        json.dump(result, file)


if __name__ == "__main__":
    main()
