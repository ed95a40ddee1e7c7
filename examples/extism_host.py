"""An Extism Python host for corpus/go/ws_plugin.wasm in its metadata phase (the manifest
corpus/hosts/plusev-terminal.toml): the real log_record and http_request, dummies for the rest."""

from pathlib import Path

import extism
from plusev_extism import host_functions

PLUGIN = Path(__file__).resolve().parent.parent / "corpus" / "go" / "ws_plugin.wasm"
I64 = extism.ValType.I64


@extism.host_fn(name="log_record", namespace="env", signature=([I64], [I64]))
def log_record(plugin: extism.CurrentPlugin, params: list[extism.Val], results: list[extism.Val]) -> None:
    print("plugin says:", plugin.input_string(params[0]))
    results[0].value = 0


@extism.host_fn(name="http_request", namespace="env", signature=([I64], [I64]))
def http_request(plugin: extism.CurrentPlugin, params: list[extism.Val], results: list[extism.Val]) -> None:
    results[0].value = 0  # no HTTP while the host reads metadata


real = {"env.log_record": log_record, "env.http_request": http_request}
functions = host_functions(real, phase="meta")  # dummies for env.ws_* and env.publish_stream_data
with extism.Plugin(PLUGIN.read_bytes(), wasi=True, functions=functions) as plugin:
    print("meta:", plugin.call("meta", b"").decode())
