"""`wasmlint gen --target python-wasmtime-component`: dummies on a wasmtime-py 50 component Linker.

Proven here in wasmtime-py itself: the generated module defines every import of a component on a ``Linker``
(with WASI 0.2 from ``add_wasip2``) and the component instantiates; each dummy's zero value passes wasmtime-py's
own conversion to its result type (``ValType.convert_to_c``, what wasmtime runs on a host function's return);
borrowed handles given to a dummy are dropped; ``--on-call trap`` and ``hook`` do what they say; a phase
refuses a ``real`` that lacks what it provides; imports wasmtime-py cannot carry are refused by name, with the
reason; ``--check`` reports a stale file.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "corpus" / "components" / "built"

RICH = """package my:host@1.2.0;
interface types {
  record point { x: s32, y: f64, label: string, tag: char }
  variant shape { circle(f32), square(point), nothing }
  enum color { red, green }
  flags perms { read, write }
  resource blob {
    constructor(init: list<u8>); size: func() -> u64;
    merge: func(other: borrow<blob>) -> blob; make: static func() -> blob;
  }
}
interface api {
  use types.{point, shape, color, perms, blob};
  get-point: func() -> point;
  get-shape: func() -> shape;
  get-color: func() -> color;
  get-perms: func() -> perms;
  maybe: func() -> option<u32>;
  maybe-maybe: func() -> option<option<string>>;
  fallible: func(x: u8) -> result<u32, string>;
  both-strings: func() -> result<string, string>;
  unit: func() -> result;
  err-only: func() -> result<_, string>;
  pair: func() -> tuple<bool, s64, list<point>>;
  bytes: func(b: list<u8>) -> list<u8>;
  inspect: func(b: borrow<blob>, many: list<borrow<blob>>) -> u32;
  consume: func(b: blob);
  fresh: func() -> blob;
  nothing: func();
}
world plugin {
  import api;
  import wasi:cli/environment@0.2.3;
  import tick: func(n: u64) -> f32;
  export run: func() -> s32;
}
"""

WASI_ENV = """package wasi:cli@0.2.3;
interface environment { get-environment: func() -> list<tuple<string, string>>; }
"""

REFUSED = """package my:odd@0.1.0;
interface odd {
  ok: func() -> u32;
  streams: func(s: stream<u8>);
  futures: func() -> future<string>;
  errors: func(e: error-context);
  later: async func(x: u32) -> u32;
}
world plugin { import odd; }
"""


def wasm_tools(*args: str | Path, cwd: Path | None = None) -> None:
    subprocess.run(["wasm-tools", *map(str, args)], check=True, capture_output=True, cwd=cwd)


def build(directory: Path, wit: str, extra: dict[str, str] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "world.wit").write_text(wit)
    for name, text in (extra or {}).items():
        (directory / "deps").mkdir(exist_ok=True)
        (directory / "deps" / name).write_text(text)
    wasm_tools("component", "embed", "--dummy", "--all-features", directory, "-o", directory / "core.wasm")
    wasm_tools("component", "new", directory / "core.wasm", "-o", directory / "component.wasm")
    return directory / "component.wasm"


def run_gen(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "wasmlint", "gen", "--target", "python-wasmtime-component", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated(tmp_path: Path, component: Path, *args: str) -> ModuleType:
    out = tmp_path / "dummies.py"
    proc = run_gen(tmp_path, component, "-o", out, *args)
    assert proc.returncode == 0, proc.stderr
    return load(out)


def converts(store: Any, ty: Any, value: Any) -> None:
    """What wasmtime-py does with a host function's result: lower it to a component value of ``ty``."""
    from wasmtime import _ffi as ffi

    raw = ffi.wasmtime_component_val_t()
    ty.convert_to_c(store, value, ctypes.pointer(raw))
    ffi.wasmtime_component_val_delete(ctypes.byref(raw))


def test_rich_component_instantiates_and_every_zero_converts(tmp_path: Path) -> None:
    import wasmtime
    import wasmtime.component as wc

    component_path = build(tmp_path / "rich", RICH, {"wasi-cli.wit": WASI_ENV})
    module = generated(tmp_path, component_path)
    assert module.SUPPLIED == ["wasi:cli/environment@0.2.3"]
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wc.Linker(engine)
    dummies = module.define_dummies(linker)
    component = wc.Component.from_file(engine, str(component_path))
    linker.instantiate(store, component)
    functions = {f.key: f for interface in module.INTERFACES for f in interface.functions}
    assert set(dummies) == set(functions)
    assert "my:host/api@1.2.0#get-point" in functions and "tick" in functions
    imports = component.type.imports(engine)
    checked = 0
    for name, extern in imports.items():
        item = extern.ty
        pairs = [(name, item)] if isinstance(item, wc.FuncType) else []
        if isinstance(item, wc.ComponentInstanceType):
            pairs = [(f"{name}#{n}", e.ty) for n, e in item.exports(engine).items() if isinstance(e.ty, wc.FuncType)]
        for key, func_type in pairs:
            if name in module.SUPPLIED:
                continue
            value = functions[key].zero()
            if func_type.result is None:
                assert value is None
            else:
                converts(store, func_type.result, value)
            checked += 1
    assert checked == len(functions) == 21
    zero = {key: f.zero() for key, f in functions.items()}
    assert zero["my:host/api@1.2.0#get-color"] == "red" and zero["my:host/api@1.2.0#get-perms"] == set()
    assert zero["my:host/api@1.2.0#maybe"] is None and zero["my:host/api@1.2.0#maybe-maybe"] == wc.Variant("none")
    assert zero["my:host/api@1.2.0#fallible"] == 0 and zero["my:host/api@1.2.0#both-strings"] == wc.Variant("ok", "")
    assert zero["my:host/api@1.2.0#bytes"] == b"" and zero["tick"] == 0.0
    assert isinstance(zero["my:host/api@1.2.0#fresh"], wc.ResourceHost)


def test_dummies_drop_the_handles_they_receive(tmp_path: Path) -> None:
    import wasmtime
    import wasmtime.component as wc

    module = generated(tmp_path, build(tmp_path / "rich", RICH, {"wasi-cli.wit": WASI_ENV}))
    functions = {f.key: f for interface in module.INTERFACES for f in interface.functions}
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    dummy = module._dummy(functions["my:host/api@1.2.0#inspect"], None, "zero", None)
    blob = module.RESOURCE_IDS["my:host/types@1.2.0#blob"]
    handles = [wc.ResourceHost.own(7, blob).to_any(store) for _ in range(3)]
    assert dummy(store, handles[0], handles[1:]) == 0
    for handle in handles:  # dropped: a second drop fails
        with pytest.raises(wasmtime.WasmtimeError):
            handle.drop(store)


def test_on_call_trap_and_hook(tmp_path: Path) -> None:
    import wasmtime

    component = build(tmp_path / "rich", RICH, {"wasi-cli.wit": WASI_ENV})
    module = generated(tmp_path, component, "--on-call", "trap", "--on-call", "tick=hook")
    functions = {f.key: f for interface in module.INTERFACES for f in interface.functions}
    with pytest.raises(wasmtime.Trap, match=re.escape("dummy my:host/api@1.2.0#nothing was called outside any phase")):
        module._dummy(functions["my:host/api@1.2.0#nothing"], None, "trap", None)(None)
    calls: list[Any] = []
    linker_choices = module._choices(None)
    assert module._choice(linker_choices, None, "tick") == "hook"
    hooked = module._dummy(functions["tick"], None, "hook", lambda *args: calls.append(args))
    assert hooked(None, 5) == 0.0 and calls == [(None, "tick", (5,))]


def test_phases_take_real_functions(tmp_path: Path) -> None:
    import wasmtime
    import wasmtime.component as wc

    component = build(tmp_path / "rich", RICH, {"wasi-cli.wit": WASI_ENV})
    wasm_tools("component", "wit", component, "--wasm", "-o", tmp_path / "host.wasm")
    (tmp_path / "wasmlint.toml").write_text(
        '[host]\nworld = "root"\nwit = "host.wasm"\n\n[phases.meta]\nprovides = ["tick"]\nmissing = "dummy"\n'
    )
    module = generated(tmp_path, component, "--manifest", "wasmlint.toml")
    assert [p.name for p in module.PHASES] == ["run", "meta"] and module.PHASES[1].provides == ["tick"]
    engine = wasmtime.Engine()
    with pytest.raises(ValueError, match="phase meta provides tick"):
        module.define_imports(wc.Linker(engine), {}, phase="meta")
    linker = wc.Linker(engine)
    dummies = module.define_imports(linker, {"tick": lambda store, n: 1.5}, phase="meta")
    assert "tick" not in dummies and len(dummies) == 20
    linker.instantiate(wasmtime.Store(engine), wc.Component.from_file(engine, str(component)))


def test_what_wasmtime_py_cannot_carry_is_refused_by_name(tmp_path: Path) -> None:
    component = build(tmp_path / "odd", REFUSED)
    proc = run_gen(tmp_path, component)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if "cannot generate" in line]
    assert [line.split(": ")[3] for line in lines] == [
        "my:odd/odd@0.1.0#streams",
        "my:odd/odd@0.1.0#futures",
        "my:odd/odd@0.1.0#errors",
        "my:odd/odd@0.1.0#later",
    ]
    assert "takes a stream" in lines[0] and "returns a future" in lines[1] and "takes a error-context" in lines[2]
    assert "async function" in lines[3]


@pytest.mark.parametrize("path", sorted(BUILT.glob("*.wasm")), ids=lambda p: p.name)
def test_corpus_components_instantiate_with_the_generated_module(path: Path, tmp_path: Path) -> None:
    import wasmtime
    import wasmtime.component as wc

    module = generated(tmp_path, path)
    engine = wasmtime.Engine()
    linker = wc.Linker(engine)
    module.define_dummies(linker)
    linker.instantiate(wasmtime.Store(engine), wc.Component.from_file(engine, str(path)))
    imports = len(wc.Component.from_file(engine, str(path)).type.imports(engine))
    assert module.INTERFACES == [] and len(module.SUPPLIED) == imports  # WASI only: all from add_wasip2


def test_check_reports_a_stale_file(tmp_path: Path) -> None:
    component = build(tmp_path / "rich", RICH, {"wasi-cli.wit": WASI_ENV})
    out = tmp_path / "dummies.py"
    assert run_gen(tmp_path, component, "-o", out).returncode == 0
    assert run_gen(tmp_path, component, "-o", out, "--check").returncode == 0
    out.write_text(out.read_text().replace("lambda: 0.0", "lambda: 1.0"))
    stale = run_gen(tmp_path, component, "-o", out, "--check")
    assert stale.returncode == 1 and "+                lambda: 0.0," in stale.stdout


PACKAGED = [("javascript_guest", "js-sandbox.wasm"), ("python_guest", "python-sandbox.wasm")]


@pytest.mark.parametrize(("package", "name"), PACKAGED, ids=[n for _, n in PACKAGED])
def test_packaged_components_instantiate_with_the_generated_module(package: str, name: str, tmp_path: Path) -> None:
    """The ComponentizeJS and componentize-py guests (WASI 0.2.0 with sockets and http, and one custom interface):
    wasmtime supplies WASI, the generated module the rest. Compiling each takes 15-25 s."""
    from importlib import resources

    import wasmtime
    import wasmtime.component as wc

    path = Path(str(resources.files(package).joinpath("resources", name)))
    module = generated(tmp_path, path)
    engine = wasmtime.Engine()
    linker = wc.Linker(engine)
    assert module.define_dummies(linker) == ["hyperlight:sandbox/tools#dispatch"]
    linker.instantiate(wasmtime.Store(engine), wc.Component.from_file(engine, str(path)))


def test_from_a_world_alone(tmp_path: Path) -> None:
    """With only a manifest, the world's imports are generated; a guest of that world instantiates on them."""
    import wasmtime
    import wasmtime.component as wc

    component = build(tmp_path / "rich", RICH, {"wasi-cli.wit": WASI_ENV})
    (tmp_path / "wit").mkdir()
    (tmp_path / "wit" / "world.wit").write_text(RICH)
    (tmp_path / "wit" / "deps").mkdir()
    (tmp_path / "wit" / "deps" / "wasi-cli.wit").write_text(WASI_ENV)
    (tmp_path / "wasmlint.toml").write_text('[host]\nworld = "plugin"\nwit = "wit"\n')
    out = tmp_path / "from_world.py"
    proc = run_gen(tmp_path, "--manifest", "wasmlint.toml", "-o", out)
    assert proc.returncode == 0, proc.stderr
    module = load(out)
    engine = wasmtime.Engine()
    linker = wc.Linker(engine)
    assert len(module.define_dummies(linker)) == 21
    linker.instantiate(wasmtime.Store(engine), wc.Component.from_file(engine, str(component)))
