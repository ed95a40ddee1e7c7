"""`wasmlint gen`: generated tables instantiate every corpus module they can express, in the real runtimes.

wasmtime-py and the Extism Python SDK run the generated Python (the Go targets run in real Go hosts in
test_gen_go.py). Whatever could abort the process (wasmtime-py and Extism abort on some types) runs in a subprocess.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner
from gohost import ADVERSARIAL, function_module, wat_string

from wasmlint.cli import main
from wasmlint.escape import escape_text

wasmtime = pytest.importorskip("wasmtime")
extism = pytest.importorskip("extism")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EXAMPLES = ROOT / "examples"
PLUSEV = CORPUS / "hosts" / "plusev-terminal.toml"
WS_PLUGIN = CORPUS / "go" / "ws_plugin.wasm"
MODULES = sorted(
    p for p in CORPUS.glob("**/*.wasm") if p.relative_to(CORPUS).parts[0] not in ("components", "ecosystems")
)
"""The corpus's plugin modules: not the ecosystems' (they need their hosts' presets: tests/test_presets.py generates
for them) nor the components and the WASI adapter they are built with (tests/test_gen_component.py)."""
TARGETS = ("python-wasmtime", "python-extism", "go-extism")

GC = {
    f"gc.{n}"
    for n in [
        "abstract",
        "bottoms",
        "callback",
        "make_point",
        "non_null",
        "objects",
        "origin",
        "slot",
        "sum_ints",
        "visit",
    ]
}
SIMD = {"simd.dot4", "simd.splat_mul", "simd.swizzle3", "simd.acc", "simd.bias"}
# Third-party modules whose refusals are too many to list by hand (a Dart WasmGC module: 1,163 `(ref extern)` globals
# named by the JS strings they stand for): what each target must refuse is derived from wasm-tools' listing instead.
BY_REFERENCE = {"powersync-community-sync-config-rewriter-0.1.4"}
EXTISM_REFUSED = {
    "all_kinds": {f"env.{n}" for n in ["err", "etable", "ftable", "take_refs", "triple"]}
    | {f"env.g_{n}" for n in ["externref_mut", "f32", "f64_mut", "funcref", "i32", "i64_mut"]}
    | {f"env.mem{n}" for n in ["64", "_max", "_nomax", "_shared"]},
    "emscripten_like": {"env.__indirect_function_table", "env.memory", "wasi_snapshot_preview1.fd_seek"},
    "gc_types": GC,
    "multi_memory": {"big.heap64", "env.memory", "io.input", "io.output"},
    "simd": SIMD,
    "crc32.wasm32-wasi": {"env.memory"},
    "tree-sitter-json": {"env.__indirect_function_table", "env.__memory_base", "env.__table_base", "env.memory"},
    "module_imported_memory": {"env.memory"},  # corpus/ecosystems/cosmwasm: a contract importing its memory
}
REFUSED: dict[str, dict[str, set[str]]] = {
    "python-wasmtime": {
        "all_kinds": {"env.mem_shared"},
        "emscripten_like": {"wasi_snapshot_preview1.fd_seek"},
        "gc_types": GC,
        "simd": SIMD,
        "crc32.wasm32-wasi": {"env.memory"},  # a shared memory
    },
    "go-extism": EXTISM_REFUSED,
}
for _refused in REFUSED.values():
    _refused["compiled"] = set()  # corpus/thirdparty/powersync-*/compiled.wasm: see BY_REFERENCE


def refused_for(target: str) -> dict[str, set[str]]:
    """What ``target`` refuses, by module stem. python-extism refuses what the Extism SDKs cannot express and, for the
    modules whose start function calls host functions, the imports it reaches: ``test_hosts.EXTISM_START`` (checked
    there against wasm-objdump; imported here, not at the top, because test_hosts imports this module). The Go
    targets run on wazero, whose host functions a start function may call."""
    if target != "python-extism":
        return REFUSED[target]
    from test_hosts import EXTISM_START

    return {
        stem: EXTISM_REFUSED.get(stem, set()) | EXTISM_START.get(stem, set())
        for stem in {*EXTISM_REFUSED, *EXTISM_START}
    }


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # headers hold repository-relative paths


def gen(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["gen", *map(str, args)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def refused_keys(stderr: str, target: str) -> set[str]:
    return set(re.findall(rf"cannot generate {target}: (\S+) ", stderr))


def reference_refusals(module: Path, target: str) -> set[str]:
    """The imports a target cannot express, from wasm-tools' listing of the module (not from wasmlint's).

    wasmtime-py spells only numbers, funcref and externref; the Extism SDKs supply only functions over numbers.
    """
    import reference as R

    numbers = {"i32", "i64", "f32", "f64"}
    allowed = numbers if target != "python-wasmtime" else numbers | {"funcref", "externref"}
    refused = set()
    for imp in R.wasm_tools_listing(module)["imports"]:
        t = imp["type"]
        values = {"global": [t.get("value")], "table": [t.get("element")]}.get(imp["kind"], [])
        if imp["kind"] in ("func", "tag"):
            values = t["params"] + t["results"]
        if any(v not in allowed for v in values) or (target != "python-wasmtime" and imp["kind"] != "func"):
            refused.add(f"{imp['module']}.{imp['name']}")
    return refused


def assert_refused_by_reference(module: Path, target: str, code: int, err: str) -> None:
    """gen refused exactly the imports wasm-tools' listing says the target cannot express, each named once."""
    keys = reference_refusals(module, target)
    assert code == 1 and keys, err
    assert err.count(f"cannot generate {target}: ") == len(keys), err[:2000]
    missing = [k for k in keys if f"cannot generate {target}: {escape_text(k)} (" not in err]
    assert not missing, missing[:20]


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"generated_{path.stem}_{abs(hash(path))}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the corpus, in the real runtimes ------------------------------------------------------------------------------


def generate_corpus(tmp_path: Path, target: str) -> dict[Path, Path]:
    """Generate a table per corpus module; check that exactly the expected modules are refused, naming imports."""
    tables = {}
    for module in MODULES:
        out = tmp_path / f"{module.stem}.py"
        code, _, err = gen("--target", target, "-o", out, module)
        expected = refused_for(target).get(module.stem)
        if module.parent.name in BY_REFERENCE:
            assert_refused_by_reference(module, target, code, err)
            assert not out.exists()
        elif expected:
            assert code == 1, err
            assert refused_keys(err, target) == expected, err
            assert not out.exists()
        else:
            assert code == 0, err
            tables[module] = out
    return tables


WASMTIME_SCRIPT = """
import importlib.util, json, sys, wasmtime
results = {}
for wasm, table in json.loads(sys.argv[1]).items():
    spec = importlib.util.spec_from_file_location("table", table)
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    store.set_wasi(wasmtime.WasiConfig())
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    dummies = generated.define_dummies(linker, store)
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, wasm))
    exports = instance.exports(store)
    if "_initialize" in exports:
        exports["_initialize"](store)
    results[wasm] = {"dummies": dummies, "exports": sorted(exports)}
print(json.dumps(results))
"""


def test_python_wasmtime_instantiates_every_corpus_module_it_can_express(tmp_path: Path) -> None:
    tables = generate_corpus(tmp_path, "python-wasmtime")
    assert {m.stem for m in tables} == {m.stem for m in MODULES} - set(refused_for("python-wasmtime"))
    arg = json.dumps({str(wasm): str(table) for wasm, table in tables.items()})
    done = subprocess.run([sys.executable, "-c", WASMTIME_SCRIPT, arg], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert set(results) == {str(wasm) for wasm in tables}
    # ws_plugin needs the Extism kernel as dummies too: wasmtime does not supply it.
    assert "extism:host/env.alloc" in results[str(WS_PLUGIN)]["dummies"]
    assert not any(key.startswith("wasi_snapshot_preview1.") for r in results.values() for key in r["dummies"])
    memories = results[str(CORPUS / "wat" / "multi_memory.wasm")]["dummies"]
    assert memories == ["big.heap64", "env.memory", "io.input", "io.output"]


def test_python_extism_loads_every_corpus_module_it_can_express(tmp_path: Path) -> None:
    tables = generate_corpus(tmp_path, "python-extism")
    assert {m.stem for m in tables} == {m.stem for m in MODULES} - set(refused_for("python-extism"))
    for wasm, table in tables.items():
        generated = load(table)
        assert not any(f.namespace in ("wasi_snapshot_preview1", "extism:host/env") for f in generated.FUNCTIONS)
        # Creating the plugin instantiates the module: this is where a missing import fails.
        with extism.Plugin(wasm.read_bytes(), wasi=True, functions=generated.dummy_functions()) as plugin:
            assert plugin.id


def test_go_extism_refuses_what_extism_cannot_express(tmp_path: Path) -> None:
    for module in MODULES:
        code, _, err = gen("--target", "go-extism", "-o", tmp_path / f"{module.stem}.go", module)
        if module.parent.name in BY_REFERENCE:
            assert_refused_by_reference(module, "go-extism", code, err)
            continue
        expected = refused_for("go-extism").get(module.stem)
        assert code == (1 if expected else 0), err
        assert refused_keys(err, "go-extism") == (expected or set())


# --- the motivating failure ----------------------------------------------------------------------------------------

I64 = extism.ValType.I64


def real_plusev_functions(calls: list[str]) -> dict[str, Any]:
    @extism.host_fn(name="log_record", namespace="env", signature=([I64], [I64]))
    def log_record(plugin: Any, params: list[Any], results: list[Any]) -> None:
        calls.append(plugin.input_string(params[0]))
        results[0].value = 0

    @extism.host_fn(name="http_request", namespace="env", signature=([I64], [I64]))
    def http_request(plugin: Any, params: list[Any], results: list[Any]) -> None:
        results[0].value = 0

    return {"env.log_record": log_record, "env.http_request": http_request}


def test_ws_plugin_fails_without_the_table_and_answers_meta_with_it(tmp_path: Path) -> None:
    calls: list[str] = []
    real = real_plusev_functions(calls)
    wasm = WS_PLUGIN.read_bytes()
    with pytest.raises(extism.Error, match=r"unknown import: `env::ws_\w+` has not been defined"):
        extism.Plugin(wasm, wasi=True, functions=list(real.values()))
    out = tmp_path / "plusev.py"
    code, _, err = gen("--target", "python-extism", "--manifest", PLUSEV, "-o", out, WS_PLUGIN)
    assert code == 0, err
    assert "phase meta: 5 of 7 imports left to dummies: env.publish_stream_data, env.ws_close, env.ws_connect, " in err
    table = load(out)
    with extism.Plugin(wasm, wasi=True, functions=table.host_functions(real, phase="meta")) as plugin:
        assert json.loads(plugin.call("meta", b""))["name"] == "ws_plugin"
    assert calls == ["meta called"]
    # run reaches the dummies: ws_connect returns 0, so the plugin's own check returns 1 (no trap), after a hook saw it.
    seen: list[tuple[Any, ...]] = []
    table.configure(on_call={"env.ws_connect": "hook"}, hook=lambda *call: seen.append(call))
    with (
        extism.Plugin(wasm, wasi=True, functions=table.host_functions(real, phase="meta")) as plugin,
        pytest.raises(extism.Error, match=r"^Error code: 1$"),
    ):
        plugin.call("run", b"wss://example.invalid")
    assert calls[-1] == "run: connecting"
    assert [call[:3] for call in seen] == [("meta", "env", "ws_connect")]
    with pytest.raises(ValueError, match="provides"):
        table.host_functions({}, phase="meta")
    with pytest.raises(ValueError, match="registered as"):
        swapped = {"env.log_record": real["env.http_request"], "env.http_request": real["env.http_request"]}
        table.host_functions(swapped, "meta")
    with pytest.raises(ValueError, match="cannot trap"):
        table.configure(on_call="trap")
    table.configure(on_call="hook")
    with pytest.raises(ValueError, match="configure"):
        table.dummy_functions()


EXTISM_EVIDENCE = r"""
import extism, sys, wasmtime
I32, F32 = extism.ValType.I32, extism.ValType.F32
case = sys.argv[1]
if case == "float":
    @extism.host_fn(name="f", namespace="env", signature=([], [F32]))
    def f(plugin, params, results):
        results[0].value = 0.0
    body = '(import "env" "f" (func (result f32))) (func (export "go") (result i32) (drop (call 0)) (i32.const 0))'
    functions = [f]
elif case == "raise":
    @extism.host_fn(name="f", namespace="env", signature=([], [I32]))
    def f(plugin, params, results):
        raise RuntimeError("raised in a host function")
    body = '(import "env" "f" (func (result i32))) (func (export "go") (result i32) (drop (call 0)) (i32.const 42))'
    functions = [f]
else:
    from extism_sys import ffi
    @ffi.callback("void(ExtismCurrentPlugin*, const ExtismVal*, ExtismSize, ExtismVal*, ExtismSize, void*)")
    def callback(*args):
        pass
    functions = [extism.Function("env", "f", [], [extism.ValType.V128], callback)]
    body = '(import "env" "f" (func (result v128))) (func (export "go") (result i32) (drop (call 0)) (i32.const 0))'
wasm = bytes(wasmtime.wat2wasm('(module ' + body + ' (memory (export "memory") 1))'))
with extism.Plugin(wasm, functions=functions) as plugin:
    try:
        print("returned", plugin.call("go", b""))
    except extism.Error as exc:
        print("error", exc)
"""


def test_extism_python_sdk_behaviour_behind_the_design() -> None:
    """Why python-extism's dummies are raw extism.Functions, cannot trap, and refuse v128."""

    def run(case: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", EXTISM_EVIDENCE, case], capture_output=True, text=True, timeout=60)

    floats = run("float")  # the SDK's own callback cannot set an f32 result
    assert "Unsupported return type" in floats.stderr
    raised = run("raise")  # swallowed: the export carries on and returns 42, reported as an error code
    assert raised.stdout.strip() == "error Error code: 42"
    assert "RuntimeError: raised in a host function" in raised.stderr
    v128 = run("v128")  # the process aborts
    assert v128.returncode not in (0, 1)
    assert "returned" not in v128.stdout


def test_python_extism_dummies_return_typed_zeros_and_hooks_see_parameters(tmp_path: Path, wat2wasm: Any) -> None:
    wasm = wat2wasm(
        """(module
          (import "m" "f32" (func $f32 (param i32 i64 f32 f64) (result f32)))
          (import "m" "f64" (func $f64 (result f64 i64 i32)))
          (memory (export "memory") 1)
          (func (export "go") (result i32)
            (if (f32.ne (call $f32 (i32.const -1) (i64.const 1099511627776) (f32.const 1.5) (f64.const -2.25))
                        (f32.const 0)) (then (return (i32.const 1))))
            (call $f64)
            (if (i32.ne (i32.const 0)) (then (return (i32.const 2))))
            (if (i64.ne (i64.const 0)) (then (return (i32.const 3))))
            (if (f64.ne (f64.const 0)) (then (return (i32.const 4))))
            (i32.const 0)))"""
    )
    path = tmp_path / "floats.wasm"
    path.write_bytes(wasm)
    out = tmp_path / "floats.py"
    assert gen("--target", "python-extism", "--on-call", "m.f32=hook", "-o", out, path)[0] == 0
    table = load(out)
    seen: list[tuple[Any, ...]] = []
    table.configure(hook=lambda *call: seen.append(call))
    with extism.Plugin(wasm, functions=table.dummy_functions()) as plugin:
        assert plugin.call("go", b"") == b""
    assert seen == [(None, "m", "f32", (-1, 1099511627776, 1.5, -2.25))]


def test_python_extism_refuses_trap_and_names_with_nul(tmp_path: Path) -> None:
    code, _, err = gen("--target", "python-extism", "--on-call", "trap", "-o", tmp_path / "x.py", WS_PLUGIN)
    assert code == 1
    assert "--on-call trap: the Extism Python SDK cannot trap" in err
    code, _, err = gen("--target", "python-extism", "--manifest", PLUSEV, "--on-call", "meta=trap", WS_PLUGIN)
    assert code == 1 and "swallowed" in err
    nul = tmp_path / "nul.wasm"
    nul.write_bytes(function_module([("env", "a\x00b"), ("env", "fine")]))
    code, _, err = gen("--target", "python-extism", "-o", tmp_path / "nul.py", nul)
    assert code == 1
    assert refused_keys(err, "python-extism") == {"env.a\\x00b"}
    assert "NUL-terminated" in err
    assert gen("--target", "go-extism", "-o", tmp_path / "nul.go", nul)[0] == 0


def test_python_extism_refuses_what_a_start_function_calls_and_wasmtime_runs_it(tmp_path: Path) -> None:
    """extism-sys 1.41 ends the process when a start function calls a host function defined in Python
    (test_hosts.test_extism_cannot_call_python_from_a_start_function shows it), so python-extism refuses exactly the
    imports each corpus module's start function reaches (test_hosts.EXTISM_START), beside what else it refuses, the
    host's own ones too when a manifest provides them, naming the module; go-extism (on wazero) refuses none of them,
    and wasmtime-py instantiates each module it can express, running its start function, with the python-wasmtime
    table."""
    from test_hosts import EXTISM_START

    modules = sorted(p for p in CORPUS.rglob("*.wasm") if p.stem in EXTISM_START)
    assert sorted(p.stem for p in modules) == sorted(EXTISM_START)
    tables = {}
    for module in modules:
        out = tmp_path / f"{module.stem}_extism.py"
        code, _, err = gen("--target", "python-extism", "-o", out, module)
        assert code == 1 and not out.exists(), err
        assert refused_keys(err, "python-extism") == EXTISM_REFUSED.get(module.stem, set()) | EXTISM_START[module.stem]
        why = f"in {module.relative_to(ROOT).as_posix()}, the module's start function may call it"
        assert err.count(why) == len(EXTISM_START[module.stem]), err
        code, _, err = gen("--target", "go-extism", "-o", tmp_path / f"{module.stem}.go", module)
        assert code == (1 if module.stem in EXTISM_REFUSED else 0), err
        assert refused_keys(err, "go-extism") == EXTISM_REFUSED.get(module.stem, set()), err
        if module.stem in REFUSED["python-wasmtime"]:
            continue
        tables[str(module)] = str(tmp_path / f"{module.stem}_wasmtime.py")
        assert gen("--target", "python-wasmtime", "-o", tables[str(module)], module)[0] == 0
    assert len(tables) == len(EXTISM_START) - 1  # all_kinds: wasmtime-py cannot define its shared memory
    done = subprocess.run(
        [sys.executable, "-c", WASMTIME_SCRIPT, json.dumps(tables)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert all(EXTISM_START[Path(wasm).stem] <= set(results[wasm]["dummies"]) for wasm in tables)
    # With a manifest the host's own functions are Python too: refused alike, but only once a module is given.
    near = tmp_path / "near.toml"
    near.write_text('[host]\nname = "near-host"\npresets = ["near"]\n')
    assert gen("--target", "python-extism", "--manifest", near, "-o", tmp_path / "near.py")[0] == 0
    avl = CORPUS / "ecosystems" / "near" / "avlTreeContract.wasm"
    code, _, err = gen("--target", "python-extism", "--manifest", near, avl)
    assert code == 1 and refused_keys(err, "python-extism") == EXTISM_START["avlTreeContract"], err
    assert "(from preset:near): in corpus/ecosystems/near/avlTreeContract.wasm, the module's start function" in err


WASMTIME_EVIDENCE = """
import sys, wasmtime
module = wasmtime.Module.from_file(wasmtime.Engine(), sys.argv[1])
print([str(i.type.params) for i in module.imports if isinstance(i.type, wasmtime.FuncType)])
"""


def test_wasmtime_py_behaviour_behind_the_design(tmp_path: Path) -> None:
    """Why python-wasmtime refuses v128, GC types, shared memories and 64-bit tables."""
    assert not hasattr(wasmtime.ValType, "v128")
    for name in ("simd", "gc_types"):  # asking for such a signature's parameters aborts the process
        wasm = CORPUS / "wat" / f"{name}.wasm"
        done = subprocess.run([sys.executable, "-c", WASMTIME_EVIDENCE, wasm], capture_output=True, timeout=60)
        assert done.returncode not in (0, 1), done.stdout
    config = wasmtime.Config()
    config.wasm_threads = True
    config.shared_memory = True
    engine = wasmtime.Engine(config)
    shared = wasmtime.SharedMemory(engine, wasmtime.MemoryType(wasmtime.Limits(1, 4), shared=True))
    with pytest.raises(TypeError):
        wasmtime.Linker(engine).define(wasmtime.Store(engine), "env", "memory", shared)
    with pytest.raises(wasmtime.WasmtimeError, match="shared memories must be created through"):
        wasmtime.Memory(wasmtime.Store(engine), wasmtime.MemoryType(wasmtime.Limits(1, 4), shared=True))
    with pytest.raises(TypeError):
        wasmtime.TableType(wasmtime.ValType.funcref(), wasmtime.Limits(1, None), is_64=True)  # type: ignore[call-arg]


# --- wasmtime: every kind, dummies' choices ------------------------------------------------------------------------

EVERY_KIND = """(module
  (import "env" "multi" (func $multi (param i32 i64 f32 f64) (result i32 f64 externref funcref)))
  (import "env" "refs" (func $refs (param funcref externref)))
  (import "env" "mem" (memory 1))
  (import "env" "mem_max" (memory 1 2))
  (import "env" "mem64" (memory i64 1))
  (import "env" "ftable" (table 2 funcref))
  (import "env" "etable" (table 1 16 externref))
  (import "env" "g_i32" (global $g_i32 i32))
  (import "env" "g_i64" (global $g_i64 (mut i64)))
  (import "env" "g_f32" (global f32))
  (import "env" "g_f64" (global (mut f64)))
  (import "env" "g_func" (global funcref))
  (import "env" "g_extern" (global (mut externref)))
  (import "env" "err" (tag (param i32)))
  (func (export "call_multi") (result i32)
    (call $multi (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4))
    (if (i32.eqz (ref.is_null)) (then (return (i32.const 1))))
    (if (i32.eqz (ref.is_null)) (then (return (i32.const 2))))
    (if (f64.ne (f64.const 0)) (then (return (i32.const 3))))
    (if (i32.ne (i32.const 0)) (then (return (i32.const 4))))
    (call $refs (ref.null func) (ref.null extern))
    (i32.const 0))
  (func (export "state") (result i64)
    (i64.add (i64.extend_i32_u (global.get $g_i32)) (i64.add (global.get $g_i64) (memory.size 2)))))"""


def test_python_wasmtime_defines_every_kind_it_can_express(tmp_path: Path, wat2wasm: Any) -> None:
    path = tmp_path / "kinds.wasm"
    path.write_bytes(wat2wasm(EVERY_KIND))
    out = tmp_path / "kinds.py"
    assert gen("--target", "python-wasmtime", "-o", out, path)[0] == 0
    table = load(out)
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    assert len(table.define_dummies(linker, store)) == 14
    exports = linker.instantiate(store, wasmtime.Module(engine, path.read_bytes())).exports(store)
    assert exports["call_multi"](store) == 0
    assert exports["state"](store) == 1  # zero globals, and mem64 has its declared 1 page


PHASED_MANIFEST = """\
[host]
name = "phased"
[imports.env]
f = "(i32, i64) -> (i32, f64)"
g = "() -> i64"
[phases.boot]
provides = ["env.g"]
"""


def test_python_wasmtime_dummies_zero_trap_or_hook_per_phase_and_import(tmp_path: Path, wat2wasm: Any) -> None:
    wasm = wat2wasm(
        """(module (import "env" "f" (func $f (param i32 i64) (result i32 f64)))
        (import "env" "g" (func $g (result i64)))
        (func (export "f") (result i32 f64) (call $f (i32.const 5) (i64.const 6)))
        (func (export "g") (result i64) (call $g)))"""
    )
    manifest = tmp_path / "host.toml"
    manifest.write_text(PHASED_MANIFEST)
    module = tmp_path / "phased.wasm"
    module.write_bytes(wasm)
    out = tmp_path / "phased.py"
    code, _, err = gen(
        "--target", "python-wasmtime", "-m", manifest, "--on-call", "boot=trap", "--on-call", "env.g=hook", "-o", out
    )
    assert code == 0, err
    assert "phase boot: 1 of 2 imports left to dummies: env.f" in err
    table = load(out)
    seen: list[tuple[Any, ...]] = []

    def instance(**kwargs: Any) -> Any:
        engine = wasmtime.Engine()
        store = wasmtime.Store(engine)
        linker = wasmtime.Linker(engine)
        real = kwargs.pop("real", None)
        if real is None:
            table.define_dummies(linker, store, **kwargs)
        else:
            table.define_imports(linker, store, real, **kwargs)
        exports = linker.instantiate(store, wasmtime.Module(engine, wasm)).exports(store)
        return lambda name: exports[name](store)

    call = instance(hook=lambda *c: seen.append(c))  # no phase: f zero, g hook (per import)
    assert (call("f"), call("g")) == ([0, 0.0], 0)
    assert seen == [(None, "env", "g", ())]
    with pytest.raises(ValueError, match="hook"):
        instance()
    call = instance(real={"env.g": lambda: 42}, phase="boot")  # boot: trap (per phase), g real
    assert call("g") == 42
    with pytest.raises(wasmtime.Trap, match=r"dummy env\.f was called in phase boot"):
        call("f")
    call = instance(real={"env.g": lambda: 42}, phase="boot", on_call={"boot": "zero"})  # run-time choice
    assert call("f") == [0, 0.0]
    hooked = {"on_call": {"env.f": "hook"}, "hook": lambda *c: seen.append(c)}
    call = instance(real={"env.g": lambda: 42}, phase="boot", **hooked)
    assert call("f") == [0, 0.0] and seen[-1] == ("boot", "env", "f", (5, 6))
    with pytest.raises(ValueError, match=r"env\.g"):
        instance(real={}, phase="boot")
    with pytest.raises(ValueError, match=r"env\.nope"):
        instance(real={"env.nope": lambda: 0}, phase="run")
    with pytest.raises(ValueError, match="not '\\*', a phase or an import key"):
        instance(on_call={"nope": "zero"})
    code, _, err = gen("--target", "python-wasmtime", "-m", manifest, "--on-call", "nope=trap")
    assert code == 2 and "neither * nor a phase (boot, run)" in err


# --- untrusted names -----------------------------------------------------------------------------------------------


def _constants(tree: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _shape(text: str) -> str:
    """The syntax tree with every string replaced by the same one."""

    class Blank(ast.NodeTransformer):
        def visit_Constant(self, node: ast.Constant) -> ast.Constant:
            return ast.Constant("S") if isinstance(node.value, str) else node

    return ast.dump(Blank().visit(ast.parse(text)))


@pytest.mark.parametrize("target", ["python-wasmtime", "python-extism"])
def test_untrusted_names_become_inert_literals(tmp_path: Path, target: str) -> None:
    hostile = tmp_path / "hostile.wasm"
    hostile.write_bytes(function_module(ADVERSARIAL))
    benign_names = [("env", f"f{i}") for i in range(len(ADVERSARIAL))]
    benign = tmp_path / "benign.wasm"
    benign.write_bytes(function_module(benign_names))
    texts = {}
    for name in ("hostile", "benign"):
        code, out, err = gen("--target", target, tmp_path / f"{name}.wasm")
        assert code == 0, err
        texts[name] = out
    assert _shape(texts["hostile"]) == _shape(texts["benign"])  # the names change no structure at all
    hostile_tree, benign_tree = ast.parse(texts["hostile"]), ast.parse(texts["benign"])
    constants = set(_constants(hostile_tree))
    names = {text for pair in ADVERSARIAL for text in pair} | {f"{ns}.{n}" for ns, n in ADVERSARIAL}
    assert {n for _, n in ADVERSARIAL} | {ns for ns, _ in ADVERSARIAL} <= constants
    assert constants - names - {"i32"} <= set(_constants(benign_tree))  # the rest is the template's own text
    assert texts["hostile"].isascii()
    table = tmp_path / "hostile_table.py"
    table.write_text(texts["hostile"])
    generated = load(table)
    order = sorted(range(len(ADVERSARIAL)), key=lambda i: ADVERSARIAL[i])
    assert [(f.namespace, f.name) for f in generated.FUNCTIONS] == [ADVERSARIAL[i] for i in order]
    if target == "python-wasmtime":
        engine = wasmtime.Engine()
        store = wasmtime.Store(engine)
        linker = wasmtime.Linker(engine)
        generated.define_dummies(linker, store)
        exports = linker.instantiate(store, wasmtime.Module(engine, hostile.read_bytes())).exports(store)
        assert [exports[f"c{i}"](store) for i in range(len(ADVERSARIAL))] == [0] * len(ADVERSARIAL)
    else:
        seen: list[tuple[Any, ...]] = []
        generated.configure(on_call="hook", hook=lambda *call: seen.append(call))
        with extism.Plugin(hostile.read_bytes(), functions=generated.dummy_functions()) as plugin:
            for i in range(len(ADVERSARIAL)):
                plugin.call(f"c{i}", b"")
        assert [call[1:] for call in seen] == [(*pair, (7,)) for pair in ADVERSARIAL]


def test_adversarial_memories_tables_and_globals_in_wasmtime(tmp_path: Path, wat2wasm: Any) -> None:
    names = [wat_string(n) for _, n in ADVERSARIAL[:4]]
    wasm = wat2wasm(
        f"""(module (import {names[0]} {names[1]} (memory 1)) (import {names[1]} {names[2]} (table 1 funcref))
        (import {names[2]} {names[3]} (global i32)) (import "\\00" "\\00" (func)))"""
    )
    path = tmp_path / "externs.wasm"
    path.write_bytes(wasm)
    code, out, err = gen("--target", "python-wasmtime", path)
    assert code == 0, err
    table = tmp_path / "externs.py"
    table.write_text(out)
    generated = load(table)
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    assert len(generated.define_dummies(linker, store)) == 4
    linker.instantiate(store, wasmtime.Module(engine, wasm))


def test_keys_that_collide_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "collide.wasm"
    path.write_bytes(function_module([("a.b", "c"), ("a", "b.c")]))
    code, _, err = gen("--target", "python-wasmtime", path)
    assert code == 1 and "share the key a.b.c" in err


# --- Python output is ruff-clean -----------------------------------------------------------------------------------


def test_python_output_passes_ruff_format_and_check(tmp_path: Path) -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    hostile = tmp_path / "hostile.wasm"
    hostile.write_bytes(function_module(ADVERSARIAL))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for target in ("python-wasmtime", "python-extism"):
        for module in [hostile, WS_PLUGIN, *(m for m in MODULES if m.stem not in refused_for(target))]:
            out = out_dir / f"{target.replace('-', '_')}_{module.stem}.py"
            assert gen("--target", target, "-o", out, module)[0] == 0
        out = out_dir / f"{target.replace('-', '_')}_plusev.py"
        assert gen("--target", target, "-m", PLUSEV, "--on-call", "env.ws_send=hook", "-o", out, WS_PLUGIN)[0] == 0
    expressible = sum(m.stem not in refused_for(t) for t in ("python-wasmtime", "python-extism") for m in MODULES)
    assert len(list(out_dir.iterdir())) == 2 * 2 + expressible  # hostile and plusev per target; ws_plugin is a MODULE
    project = ["--config", str(ROOT / "pyproject.toml")]
    for settings in (project, ["--isolated"]):  # this project's settings (line length 120), and ruff's defaults (88)
        for command in (["format", "--check"], ["check"]):
            done = subprocess.run([ruff, *command, *settings, str(out_dir)], capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr


# --- manifest, modules, both ---------------------------------------------------------------------------------------


def test_manifest_alone_generates_what_it_declares_minus_what_the_runtime_supplies() -> None:
    code, out, _ = gen("--target", "python-wasmtime", "--manifest", PLUSEV)
    assert code == 0
    constants = _constants(ast.parse(out))
    assert constants.count("extism:host/env") == 32  # the extism preset: wasmtime does not supply it
    assert "wasi_snapshot_preview1" not in constants
    code, out, _ = gen("--target", "python-extism", "--manifest", PLUSEV)
    assert code == 0
    namespaces = [f.args[0].value for f in ast.walk(ast.parse(out)) if isinstance(f, ast.Call) and _called(f, "Import")]
    assert namespaces == ["env"] * 7


def _called(node: ast.Call, name: str) -> bool:
    return isinstance(node.func, ast.Name) and node.func.id == name


def test_both_fail_with_the_diagnostics_of_check(tmp_path: Path) -> None:
    manifest = tmp_path / "host.toml"
    manifest.write_text(PLUSEV.read_text().replace('ws_send             = "(i64) -> i64"\n', ""))
    code, out, _ = gen("--target", "python-extism", "--manifest", manifest, "-o", tmp_path / "t.py", WS_PLUGIN)
    checked = CliRunner().invoke(main, ["check", "--manifest", str(manifest), "--phase", "run", str(WS_PLUGIN)])
    assert (code, checked.exit_code) == (1, 1)
    assert out == checked.stdout and "WL101 import env.ws_send" in out
    assert not (tmp_path / "t.py").exists()


def test_usage_errors() -> None:
    assert gen("--manifest", PLUSEV)[0] == 2
    assert gen("--target", "python-extism")[0] == 2
    assert gen("--target", "go-extism", "--package", "func", WS_PLUGIN)[0] == 2
    assert gen("--target", "python-extism", "--check", WS_PLUGIN)[0] == 2
    assert gen("--target", "python-extism", CORPUS / "README.md")[0] == 2


# --- determinism, --check, examples, pre-commit ---------------------------------------------------------------------


def test_output_is_deterministic_and_names_its_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    host_log, reactor = CORPUS / "zig" / "host_log.wasm", CORPUS / "c" / "reactor.wasm"
    first = gen("--target", "python-wasmtime", host_log, reactor)[1]
    monkeypatch.chdir(ROOT / "corpus" / "zig")
    again = gen("--target", "python-wasmtime", "host_log.wasm", "../c/reactor.wasm")[1]
    assert first == again
    assert first.startswith("# Code generated by wasmlint ")
    assert "corpus/c/reactor.wasm, corpus/zig/host_log.wasm" in first.splitlines()[1]
    assert str(ROOT) not in first


def test_check_reports_stale_files_only(tmp_path: Path) -> None:
    out = tmp_path / "table.py"
    args = ["--target", "python-extism", "--manifest", PLUSEV, "-o", out, WS_PLUGIN]
    assert gen("--check", *args)[0] == 1  # missing
    assert not out.exists()
    assert gen(*args)[0] == 0
    assert gen("--check", *args)[0] == 0
    text = out.read_text()
    out.write_text(text.replace("by wasmlint ", "by wasmlint 99.0+other", 1))
    assert gen("--check", *args)[0] == 0  # another version alone is not stale
    out.write_text(text.replace('"ws_send"', '"ws_sent"'))
    code, diff, err = gen("--check", *args)
    assert code == 1 and "stale" in err
    assert '-        "ws_sent",\n+        "ws_send",\n' in diff
    assert '"ws_sent"' in out.read_text()  # --check writes nothing


@pytest.mark.parametrize(
    ("generated", "command"),
    [
        ("plusev_extism.py", ["--target", "python-extism", "--manifest", PLUSEV, WS_PLUGIN]),
        ("host_log_wasmtime.py", ["--target", "python-wasmtime", CORPUS / "zig" / "host_log.wasm"]),
        ("go/hostfuncs/hostfuncs.go", ["--target", "go-extism", "--manifest", PLUSEV, WS_PLUGIN]),
    ],
)
def test_examples_are_current(generated: str, command: list[str | Path]) -> None:
    code, diff, err = gen("--check", *command, "-o", f"examples/{generated}")
    assert code == 0, diff + err


def test_readme_shows_the_examples_and_they_run() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## wasmlint gen") :]
    for name, language in [("extism_host.py", "python"), ("wasmtime_host.py", "python"), ("go/host/host.go", "go")]:
        assert f"```{language}\n{(EXAMPLES / name).read_text()}```" in section, name
    extism_out = subprocess.run(
        [sys.executable, "extism_host.py"], cwd=EXAMPLES, capture_output=True, text=True, timeout=60
    )
    assert extism_out.returncode == 0, extism_out.stderr
    assert extism_out.stdout.splitlines() == [
        "plugin says: meta called",
        'meta: {"name":"ws_plugin","version":"1.0.0","streams":["ticker"]}',
    ]
    wasmtime_out = subprocess.run(
        [sys.executable, "wasmtime_host.py"], cwd=EXAMPLES, capture_output=True, text=True, timeout=60
    )
    assert wasmtime_out.returncode == 0, wasmtime_out.stderr
    assert wasmtime_out.stdout.splitlines() == [
        "dummies: env.host_fill, env.host_metric, env.host_now",
        "plugin says: hello from zig",
        "greet() = 14",
        "checksum(8) = 0",
    ]


def test_pre_commit_hook_runs_gen_check_with_its_args() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    hooks = {hook["id"]: hook for hook in clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    hook = hooks["wasmlint-gen"]
    assert hook["entry"] == "wasmlint gen --check"
    assert (hook["pass_filenames"], hook["require_serial"], hook["language"]) == (False, True, "python")
    readme = (ROOT / "README.md").read_text()
    assert "- id: wasmlint-gen\n      args: [--target, python-extism, --manifest," in readme


# --- user templates and the data model -----------------------------------------------------------------------------

USER_TEMPLATE = """\
{% import "_python.j2" as py with context %}
{{ header_lines | comment("#") }}
{% include "part.j2" %}
{% for fn in functions %}


def {{ fn.ident }}(*args: object) -> None:
    name = {{ fn.name | py_str }}
{% endfor %}


{{ py.phases_table() | replace("list[Phase]", "list[object]") | replace("Phase(", "tuple(") }}
"""


def test_user_template_with_builtin_macros_and_identifiers(tmp_path: Path) -> None:
    (tmp_path / "stubs.py.j2").write_text(USER_TEMPLATE)
    (tmp_path / "part.j2").write_text("# from the user's directory\n")
    hostile = tmp_path / "hostile.wasm"
    hostile.write_bytes(function_module(ADVERSARIAL))
    code, out, err = gen("--template", tmp_path / "stubs.py.j2", hostile)
    assert code == 0, err
    tree = ast.parse(out)
    defined = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert len(defined) == len(set(defined)) == len(ADVERSARIAL)
    assert all(re.fullmatch(r"[a-z_][a-z0-9_]*", name) for name in defined)
    expected = {"env_class", "env_none", "env_func", "env_a_b", "env_a_b_2", "env_a_b_3", "env_9lives"}
    assert expected <= set(defined)
    assert "# from the user's directory" in out
    template = tmp_path / "stubs.py.j2"
    code, _, err = gen("--target", "python-extism", "--template", template, "--on-call", "trap", hostile)
    assert code == 1 and "cannot trap" in err  # --target's limits apply to a user's template


def test_data_model(tmp_path: Path) -> None:
    template = tmp_path / "model.json.j2"
    template.write_text(
        "{{ {'schema': schema, 'version': wasmlint_version, 'target': target, 'inputs': inputs, 'host': host,"
        " 'command': command, 'namespaces': namespaces, 'functions': functions, 'memories': memories,"
        " 'tables': tables, 'globals': globals, 'tags': tags, 'phases': phases, 'on_call': on_call,"
        " 'options': options} | json }}\n"
    )
    code, out, err = gen(
        "--target", "python-extism", "--template", template, "-m", PLUSEV, "--on-call", "meta=hook", WS_PLUGIN
    )
    assert code == 0, err
    model = json.loads(out)
    assert model["schema"] == 1
    assert model["inputs"] == {"manifest": "corpus/hosts/plusev-terminal.toml", "modules": ["corpus/go/ws_plugin.wasm"]}
    assert model["host"] == "plusev-terminal"
    assert model["target"]["supplied_namespaces"] == ["wasi_snapshot_preview1", "extism:host/env"]
    connect = next(fn for fn in model["functions"] if fn["name"] == "ws_connect")
    assert connect == {
        "namespace": "env",
        "name": "ws_connect",
        "key": "env.ws_connect",
        "kind": "func",
        "type": "(i64) -> i64",
        "ident": "env_ws_connect",
        "camel": "EnvWsConnect",
        "sources": ["corpus/hosts/plusev-terminal.toml"],
        "provided_in": ["run"],
        "on_call": {"run": "zero", "meta": "hook"},
        "params": ["i64"],
        "results": ["i64"],
    }
    assert [p["name"] for p in model["phases"]] == ["run", "meta"]
    assert model["phases"][1]["provides"] == ["env.http_request", "env.log_record"]
    assert model["on_call"] == [{"selector": "meta", "mode": "hook"}]
    assert [(ns["name"], len(ns["functions"]), ns["memories"]) for ns in model["namespaces"]] == [("env", 7, [])]
    assert model["command"][:4] == ["wasmlint", "gen", "--target", "python-extism"]
