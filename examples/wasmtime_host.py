"""A wasmtime-py host for corpus/zig/host_log.wasm: its own env.host_log, dummies for the rest."""

from pathlib import Path

import wasmtime
from host_log_wasmtime import define_imports, func_type

PLUGIN = Path(__file__).resolve().parent.parent / "corpus" / "zig" / "host_log.wasm"


def host_log(caller: wasmtime.Caller, pointer: int, length: int) -> None:
    memory = caller["memory"]
    assert isinstance(memory, wasmtime.Memory)
    print("plugin says:", memory.read(caller, pointer, pointer + length).decode())


engine = wasmtime.Engine()
store = wasmtime.Store(engine)
linker = wasmtime.Linker(engine)
log = wasmtime.Func(store, func_type("env.host_log"), host_log, access_caller=True)
dummies = define_imports(linker, store, {"env.host_log": log})
print("dummies:", ", ".join(dummies))
instance = linker.instantiate(store, wasmtime.Module.from_file(engine, str(PLUGIN)))
exports = instance.exports(store)
greet, checksum = exports["greet"], exports["checksum"]
assert isinstance(greet, wasmtime.Func) and isinstance(checksum, wasmtime.Func)
print("greet() =", greet(store))
print("checksum(8) =", checksum(store, 8))  # host_fill, host_metric and host_now return 0
