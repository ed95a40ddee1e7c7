"""Dummies at load time (``wasmlint.hosts``): any corpus plugin loaded in wasmtime-py and the Extism Python SDK with
nothing but the helper and the runtime's own WASI (and Extism's kernel), or refused before the runtime sees it.

The runtimes are the oracle: a plugin loads when ``linker.instantiate`` / ``extism.Plugin(...)`` succeeds, which is
where a missing or mistyped import fails. Dummies are seen at work on real plugins: ws_plugin's ``run`` reaches
``env.ws_connect`` in the plusev host's metadata phase (a trap in wasmtime, a hook in Extism), and a module over
every value type checks the zeros returned and the parameters a hook sees.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from gohost import ADVERSARIAL, function_module
from reference import tool
from test_gen import BY_REFERENCE, GC, SIMD, reference_refusals
from test_gen import EXTISM_REFUSED as GEN_EXTISM_REFUSED

from wasmlint import DummiesRefused, decode_bytes, define_wasmtime_imports, extism_host_functions
from wasmlint.decode.reader import Reader
from wasmlint.gen.targets import TARGETS
from wasmlint.hosts import start
from wasmlint.hosts.plan import plan

extism = pytest.importorskip("extism")
wasmtime = pytest.importorskip("wasmtime")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
WS_PLUGIN = CORPUS / "go" / "ws_plugin.wasm"
MODULES = sorted(p for p in CORPUS.rglob("*.wasm") if "components" not in p.relative_to(CORPUS).parts)
"""Every core module of the corpus (the components, and the adapter they are built with, are for
``gen --target python-wasmtime-component``)."""

THREADS = ("legacy_thread_spawn", "minimal_spawn", "sum_threads", "thread_spawn_i64")
WASMTIME_REFUSED: dict[str, set[str]] = {
    "all_kinds": {"env.mem_shared"},  # wasmtime-py cannot define a shared memory on a Linker
    "emscripten_like": {"wasi_snapshot_preview1.fd_seek"},  # legalised (i32, i32, i32, i32, i32): not WASI's
    "gc_types": GC,
    "simd": SIMD,
    "crc32.wasm32-wasi": {"env.memory"},  # shared
    **{name: {"env.memory"} for name in THREADS},  # shared
}
EXTISM_REFUSED: dict[str, set[str]] = {  # Extism's SDKs define functions only, over i32, i64, f32 and f64
    **GEN_EXTISM_REFUSED,
    **{name: {"env.memory"} for name in (*THREADS, "unshared_memory")},
    "javy_quickjs_v1_dynamic": {"javy_quickjs_provider_v1.memory"},
    "javy_v3_old_invoke": {"shopify_functions_javy_v3.memory"},
    "javy_v4_dynamic": {"shopify_functions_javy_v4.memory"},
    "two_providers": {"javy_quickjs_provider_v3.memory"},
    "unknown_plugin_namespace": {"javy_quickjs_provider_v4.memory"},
    "v1_wasm_api": {"shopify_function_v1.memory"},
}
EXTISM_START = {
    "motoko_counter_wasm64": {"ic0.stable64_read", "ic0.stable64_size", "ic0.trap"},
    "avlTreeContract": {"env.abort", "env.read_register", "env.register_len", "env.storage_read"},
    "test_storage": {"env.abort", "env.storage_write"},
    **{
        name: {"env.proxy_log", "wasi_unstable.proc_exit"}
        for name in ("as_add_header", "as_grpc_call", "as_route_cache")
    },
    "optimized.simd": {"env.abort"},
    "all_kinds": {"env.log_i32"},  # refused first for imports Extism cannot express (EXTISM_REFUSED)
}
"""Modules whose start function calls host functions: the Extism Python SDK cannot load them (see
test_extism_cannot_call_python_from_a_start_function), so those imports are refused (by ``extism_host_functions``
once nothing else is, and by ``gen --target python-extism``: tests/test_gen.py). Each set is what wasm-objdump's
disassembly says the start function reaches (test_start_reaches_what_wasm_objdump_says)."""
EXTISM_OWN_ERRORS = {
    "untrampolined_v2": "command export '__stack_pointer' is not a function",
    "wasm_api_v2": "command export '__stack_pointer' is not a function",
}
"""Modules Extism refuses for what they export, whatever the host defines (it takes a module exporting
``__stack_pointer`` as a command, and its global is no function)."""


def wasmtime_load(wasm: bytes, **options: Any) -> tuple[list[str], wasmtime.Instance, wasmtime.Store]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    store.set_wasi(wasmtime.WasiConfig())
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    dummies = define_wasmtime_imports(linker, store, wasm, **options)
    return dummies, linker.instantiate(store, wasmtime.Module(engine, wasm)), store


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_wasmtime_loads_every_corpus_module_it_can_express(path: Path) -> None:
    wasm = path.read_bytes()
    expected = WASMTIME_REFUSED.get(path.stem)
    if path.parent.name in BY_REFERENCE:  # too many to list: what wasm-tools' listing says wasmtime-py cannot spell
        expected = reference_refusals(path, "python-wasmtime")
    if expected:
        with pytest.raises(DummiesRefused) as refused:
            wasmtime_load(wasm)
        assert set(refused.value.keys) == expected
        assert all(any(key in reason for key in expected) for reason in refused.value.reasons)
        return
    dummies, instance, store = wasmtime_load(wasm)
    imports = {f"{i.module}.{i.name}" for i in decode_bytes(wasm).imports}
    assert set(dummies) == {key for key in imports if not key.startswith("wasi_snapshot_preview1.")}
    exports = instance.exports(store)
    if "_initialize" in exports:  # a reactor: its initialiser runs with the dummies
        initialize = exports["_initialize"]
        assert isinstance(initialize, wasmtime.Func)
        initialize(store)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_extism_loads_every_corpus_module_it_can_express(path: Path) -> None:
    wasm = path.read_bytes()
    expected = EXTISM_REFUSED.get(path.stem) or EXTISM_START.get(path.stem)
    if path.parent.name in BY_REFERENCE:  # too many to list: what wasm-tools' listing says Extism cannot carry
        expected = reference_refusals(path, "python-extism")
    if expected:
        with pytest.raises(DummiesRefused) as refused:
            extism_host_functions(wasm)
        assert set(refused.value.keys) == expected
        if path.stem in EXTISM_START and path.stem not in EXTISM_REFUSED:
            assert all("start function may call it" in reason for reason in refused.value.reasons)
        return
    functions = extism_host_functions(wasm)
    supplied = TARGETS["python-extism"].supplied_namespaces
    keys = {f"{i.module}.{i.name}" for i in decode_bytes(wasm).imports if i.module not in supplied}
    assert {f"{f.namespace}.{f.name}" for f in functions} == keys
    if path.stem in EXTISM_OWN_ERRORS:
        with pytest.raises(extism.Error, match=EXTISM_OWN_ERRORS[path.stem]):
            extism.Plugin(wasm, wasi=True, functions=functions)
        return
    with extism.Plugin(wasm, wasi=True, functions=functions) as plugin:  # instantiated here
        assert plugin.id


EXTISM_START_CRASH = r"""
import extism, sys
from wasmlint import decode_bytes
wasm = open(sys.argv[1], "rb").read()
types = {"i32": extism.ValType.I32, "i64": extism.ValType.I64, "f32": extism.ValType.F32, "f64": extism.ValType.F64}
functions = []
for imp in decode_bytes(wasm).imports:
    @extism.host_fn(name=imp.name, namespace=imp.module,
                    signature=([types[t] for t in imp.type.params], [types[t] for t in imp.type.results]))
    def f(plugin, params, results):
        print("called", flush=True)
    functions.append(f)
with extism.Plugin(wasm, wasi=True, functions=functions) as plugin:
    print("loaded")
"""


def test_extism_cannot_call_python_from_a_start_function(tmp_path: Path) -> None:
    """Why EXTISM_START: the SDK's own host functions, called by a start function, end the process (SIGSEGV)."""
    done = subprocess.run(
        [sys.executable, "-c", EXTISM_START_CRASH, str(CORPUS / "ecosystems" / "near" / "test_storage.wasm")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode < 0 and "loaded" not in done.stdout, (done.returncode, done.stdout, done.stderr)
    # A start function that calls none of the host's functions loads (these ones' call none).
    for path in ("stylus/start_function.wasm", "near/sentences.wasm", "near/words.wasm"):
        wasm = (CORPUS / "ecosystems" / path).read_bytes()
        assert decode_bytes(wasm).start is not None
        with extism.Plugin(wasm, wasi=True, functions=extism_host_functions(wasm)) as plugin:
            assert plugin.id
    # A decoded module holds no code: whatever its start function calls cannot be told, so every function is refused.
    with pytest.raises(DummiesRefused, match="start function may call it") as refused:
        extism_host_functions(decode_bytes(wasm))
    assert refused.value.keys == sorted({f"{i.module}.{i.name}" for i in decode_bytes(wasm).imports})


def objdump_calls(path: Path) -> tuple[dict[int, set[int]], set[int]] | None:
    """From ``wasm-objdump -d``: the functions each function calls directly, and those with an indirect call."""
    done = subprocess.run([tool("wasm-objdump"), "-d", str(path)], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        return None  # WABT 1.0.42 predates the GC encoding
    calls: dict[int, set[int]] = {}
    indirect: set[int] = set()
    current = -1
    for line in done.stdout.splitlines():
        header = re.match(r"^[0-9a-f]+ func\[(\d+)\]", line)
        if header:
            current = int(header.group(1))
            calls[current] = set()
        elif (call := re.search(r"\|\s*(?:return_)?call (\d+)", line)) is not None:
            calls[current].add(int(call.group(1)))
        elif re.search(r"\|\s*(?:return_)?call_(?:indirect|ref)", line):
            indirect.add(current)
    return calls, indirect


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_start_reaches_what_wasm_objdump_says(path: Path) -> None:
    """The instruction walker of hosts/start.py against WABT's disassembler: every body's direct calls, giving up
    exactly on the bodies with an indirect call; and the imports each start function reaches."""
    wasm = path.read_bytes()
    module = decode_bytes(wasm)
    reference = objdump_calls(path)
    if reference is None:  # WABT 1.0.42 cannot disassemble WasmGC code
        assert path.stem == "gc_types" or path.parent.name in BY_REFERENCE
        return
    calls, indirect = reference
    imported = len(module.imports_of("func"))
    code = next((section for section in module.sections if section.id == start.CODE_SECTION), None)
    bodies = start._bodies(wasm, code.offset) if code is not None else []
    assert len(bodies) == len(calls)
    for local, (begin, end) in enumerate(bodies):
        function = imported + local
        found = start._direct_calls(Reader(wasm, begin, end))
        assert (found is None) == (function in indirect), function
        assert found is None or found == calls[function], function
    if module.start is None:
        return
    reached, pending, gave_up = {module.start}, [module.start], False
    while pending:
        function = pending.pop()
        gave_up |= function in indirect
        for target in calls.get(function, set()) - reached:
            reached.add(target)
            pending.append(target)
    functions = module.imports_of("func")
    may_call = start.imports_start_may_call(wasm, module)
    if gave_up:
        assert may_call is None
    else:
        assert may_call == {i for i in reached if i < imported}
        keys = {f"{functions[i].module}.{functions[i].name}" for i in reached if i < imported}
        supplied = TARGETS["python-extism"].supplied_namespaces
        defined = {k for k in keys if not k.startswith(tuple(f"{n}." for n in supplied))}
        assert defined == EXTISM_START.get(path.stem, set())


# --- ws_plugin in the plusev host's metadata phase -----------------------------------------------------------------

I64 = extism.ValType.I64


def plusev_functions(calls: list[str]) -> list[Any]:
    @extism.host_fn(name="log_record", namespace="env", signature=([I64], [I64]))
    def log_record(plugin: Any, params: list[Any], results: list[Any]) -> None:
        calls.append(plugin.input_string(params[0]))
        results[0].value = 0

    @extism.host_fn(name="http_request", namespace="env", signature=([I64], [I64]))
    def http_request(plugin: Any, params: list[Any], results: list[Any]) -> None:
        results[0].value = 0

    @extism.host_fn(name="not_imported", namespace="env", signature=([I64], [I64]))
    def not_imported(plugin: Any, params: list[Any], results: list[Any]) -> None:
        results[0].value = 0

    return [log_record, http_request, not_imported]


def test_extism_ws_plugin_answers_meta_and_its_run_reaches_a_hooked_dummy() -> None:
    wasm = WS_PLUGIN.read_bytes()
    calls: list[str] = []
    real = plusev_functions(calls)
    with pytest.raises(extism.Error, match=r"unknown import: `env::ws_\w+` has not been defined"):
        extism.Plugin(wasm, wasi=True, functions=real)
    seen: list[tuple[Any, ...]] = []
    functions = extism_host_functions(
        wasm, real, phase="meta", on_call={"env.ws_connect": "hook"}, hook=lambda *call: seen.append(call)
    )
    assert [f"{f.namespace}.{f.name}" for f in functions] == [
        "env.log_record",  # the host's own, in the plugin's import order; env.not_imported is left out
        "env.http_request",
        "env.publish_stream_data",
        "env.ws_close",
        "env.ws_connect",
        "env.ws_receive",
        "env.ws_send",
    ]
    with extism.Plugin(wasm, wasi=True, functions=functions) as plugin:
        assert json.loads(plugin.call("meta", b""))["name"] == "ws_plugin"
        assert seen == []
        # run: ws_connect's dummy returns 0, so the plugin's own check fails with 1, after the hook saw the call
        with pytest.raises(extism.Error, match=r"^Error code: 1$"):
            plugin.call("run", b"wss://example.invalid")
    assert calls == ["meta called", "run: connecting"]
    [(phase, namespace, name, params)] = seen
    assert (phase, namespace, name) == ("meta", "env", "ws_connect") and len(params) == 1
    assert isinstance(params[0], int) and params[0] > 0  # the handle of the URL, in Extism memory


def test_extism_refuses_trap_and_a_hook_without_a_function() -> None:
    wasm = WS_PLUGIN.read_bytes()
    with pytest.raises(DummiesRefused, match="the Extism Python SDK cannot trap") as refused:
        extism_host_functions(wasm, on_call={"meta": "trap"}, phase="meta")
    assert refused.value.keys == ["meta"]
    with pytest.raises(ValueError, match="call a hook: pass hook="):
        extism_host_functions(wasm, on_call="hook")
    with pytest.raises(ValueError, match="choose zero, hook"):
        extism_host_functions(wasm, on_call="loud")


def test_wasmtime_ws_plugin_traps_in_a_dummy_naming_it() -> None:
    wasm = WS_PLUGIN.read_bytes()
    logged: list[int] = []

    def log_record(handle: int) -> int:
        logged.append(handle)
        return 0

    dummies, instance, store = wasmtime_load(
        wasm, real={"env.log_record": log_record}, phase="meta", on_call={"env.ws_connect": "trap"}
    )
    assert "env.log_record" not in dummies and "extism:host/env.alloc" in dummies  # no Extism kernel in wasmtime
    exports = instance.exports(store)
    initialize, run = exports["_initialize"], exports["run"]
    assert isinstance(initialize, wasmtime.Func) and isinstance(run, wasmtime.Func)
    initialize(store)
    with pytest.raises(wasmtime.Trap, match=r"dummy env\.ws_connect was called in phase meta"):
        run(store)
    assert logged == [0]  # "run: connecting", in a block the Extism kernel's dummy alloc numbered 0


# --- every value type, zeros and hooks -----------------------------------------------------------------------------

TYPES_WAT = """(module
  (import "m" "f32" (func $f32 (param i32 i64 f32 f64) (result f32)))
  (import "m" "many" (func $many (result f64 i64 i32)))
  (import "m" "refs" (func $refs (param externref) (result funcref)))
  (import "m" "g" (global $g (mut i64)))
  (import "m" "t" (table 2 5 funcref))
  (import "m" "mem" (memory 1 3))
  (memory (export "own") 1)
  (func (export "go") (result i32)
    (if (f32.ne (call $f32 (i32.const -1) (i64.const 1099511627776) (f32.const 1.5) (f64.const -2.25))
                (f32.const 0)) (then (return (i32.const 1))))
    (call $many)
    (if (i32.ne (i32.const 0)) (then (return (i32.const 2))))
    (if (i64.ne (i64.const 0)) (then (return (i32.const 3))))
    (if (f64.ne (f64.const 0)) (then (return (i32.const 4))))
    (if (i32.eqz (ref.is_null (call $refs (ref.null extern)))) (then (return (i32.const 5))))
    (if (i64.ne (global.get $g) (i64.const 0)) (then (return (i32.const 6))))
    (if (i32.ne (table.size 0) (i32.const 2)) (then (return (i32.const 7))))
    (if (i32.ne (memory.grow 0 (i32.const 3)) (i32.const -1)) (then (return (i32.const 8))))
    (i32.const 0)))"""


def test_wasmtime_dummies_return_typed_zeros_and_imports_have_their_declared_types() -> None:
    wasm = bytes(wasmtime.wat2wasm(TYPES_WAT))
    seen: list[tuple[Any, ...]] = []
    dummies, instance, store = wasmtime_load(wasm, on_call="hook", hook=lambda *call: seen.append(call))
    assert dummies == ["m.f32", "m.g", "m.many", "m.mem", "m.refs", "m.t"]  # sorted, as gen sorts
    go = instance.exports(store)["go"]
    assert isinstance(go, wasmtime.Func)
    assert go(store) == 0
    assert seen[0] == (None, "m", "f32", (-1, 1099511627776, 1.5, -2.25))
    assert [call[2] for call in seen] == ["f32", "many", "refs"]


def test_extism_dummies_return_typed_zeros_and_hooks_see_parameters() -> None:
    wat = TYPES_WAT.split('  (import "m" "refs"')[0] + TYPES_WAT.split('(import "m" "mem" (memory 1 3))')[1]
    wat = wat.replace(
        """    (if (i32.eqz (ref.is_null (call $refs (ref.null extern)))) (then (return (i32.const 5))))
    (if (i64.ne (global.get $g) (i64.const 0)) (then (return (i32.const 6))))
    (if (i32.ne (table.size 0) (i32.const 2)) (then (return (i32.const 7))))
    (if (i32.ne (memory.grow 0 (i32.const 3)) (i32.const -1)) (then (return (i32.const 8))))
""",
        "",
    ).replace('(memory (export "own") 1)', '(memory (export "memory") 1)')
    wasm = bytes(wasmtime.wat2wasm(wat))
    seen: list[tuple[Any, ...]] = []
    functions = extism_host_functions(wasm, on_call={"m.f32": "hook"}, hook=lambda *call: seen.append(call))
    with extism.Plugin(wasm, functions=functions) as plugin:
        assert plugin.call("go", b"") == b""
    assert seen == [(None, "m", "f32", (-1, 1099511627776, 1.5, -2.25))]


def test_refusals_name_every_import_with_gens_reasons() -> None:
    wasm = (CORPUS / "wat" / "all_kinds.wasm").read_bytes()
    with pytest.raises(DummiesRefused) as refused:
        extism_host_functions(wasm)
    message = str(refused.value)
    assert message.startswith("python-extism cannot load this plugin with dummies: ")
    assert TARGETS["python-extism"].reasons["kind"] in message and "env.mem_shared" in message
    with pytest.raises(DummiesRefused, match="cannot define a shared memory on a Linker"):
        wasmtime_load(wasm)
    # a host that provides an import itself is not refused for it
    decided = plan("python-wasmtime", wasm, {"env.mem_shared"})
    assert "env.mem_shared" not in {d.key for d in decided.dummies}
    assert [e.key for e in decided.provided] == ["env.mem_shared"]


def test_the_readme_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Dummies at load time", 1)[1].split("\n### ", 1)[0]
    [example] = re.findall(r"```python\n(.*?)```", section, re.S)
    done = subprocess.run([sys.executable, "-c", example], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "meta: {" in done.stdout and "refused: ['simd.acc'" in done.stdout
    assert "dummies, exports: ['_initialize', 'memory', 'meta', 'run']" in done.stdout


def test_hostile_names_reach_the_runtimes_byte_for_byte() -> None:
    """Names from untrusted binaries are data: each dummy answers under its exact name in both runtimes (a name
    holding NUL is refused in Extism, whose C API cuts it short), and trap messages show them escaped."""
    names = [name for name in ADVERSARIAL if "\0" not in name[0] + name[1]]
    wasm = function_module(names)
    seen: list[tuple[Any, ...]] = []
    dummies, instance, store = wasmtime_load(wasm, on_call="hook", hook=lambda *call: seen.append(call))
    assert sorted(dummies) == sorted(f"{ns}.{n}" for ns, n in names)
    for index, _ in enumerate(names):
        call = instance.exports(store)[f"c{index}"]
        assert isinstance(call, wasmtime.Func)
        assert call(store) == 0
    assert [(ns, n, params) for _, ns, n, params in seen] == [(ns, n, (7,)) for ns, n in names]
    trapping = wasmtime_load(wasm, on_call={f"env.{names[1][1]}": "trap"})
    call = trapping[1].exports(trapping[2])["c1"]
    assert isinstance(call, wasmtime.Func)
    with pytest.raises(wasmtime.Trap, match=re.escape(r"dummy env.line\nbreak\r\n# not a comment was called")):
        call(trapping[2])
    functions = extism_host_functions(wasm, on_call="hook", hook=lambda *call: seen.append(call))
    with extism.Plugin(wasm, wasi=True, functions=functions) as plugin:
        for index, _ in enumerate(names):
            plugin.call(f"c{index}", b"")
    assert [(ns, n) for _, ns, n, _ in seen[len(names) :]] == names
    nul = function_module([("env", "a\0b"), ("env", "fine")])
    with pytest.raises(DummiesRefused, match="NUL-terminated") as refused:
        extism_host_functions(nul)
    assert refused.value.keys == ["env.a\0b"] and "env.a\\x00b" in str(refused.value)
    assert wasmtime_load(nul)[0] == ["env.a\0b", "env.fine"]


def test_wasmtime_ws_plugin_hook_sees_the_dummy_called() -> None:
    wasm = WS_PLUGIN.read_bytes()
    seen: list[tuple[Any, ...]] = []
    _, instance, store = wasmtime_load(
        wasm, real={"env.log_record": lambda handle: 0}, phase="meta", on_call="hook", hook=lambda *c: seen.append(c)
    )
    exports = instance.exports(store)
    initialize, run = exports["_initialize"], exports["run"]
    assert isinstance(initialize, wasmtime.Func) and isinstance(run, wasmtime.Func)
    initialize(store)
    assert run(store) == 1  # ws_connect's dummy returned 0: the plugin gives up
    assert ("meta", "env", "ws_connect") in [call[:3] for call in seen]
    assert ("meta", "env", "log_record") not in [call[:3] for call in seen]  # the host's own
