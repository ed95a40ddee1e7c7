"""`wasmlint check` of components against the host's WIT world, and its agreement with wasmtime-py 50.

The oracle is wasmtime itself, reading the world with its own decoder: the world package (``wasm-tools component
wit --wasm``) is compiled as a component and its world's imports are walked through wasmtime-py's type API; a
component ``Linker`` gets every interface, function and resource the world provides (untyped Python functions,
``ResourceType.host`` resources), and the guest is instantiated on it. wasmtime-py's host functions are untyped,
so the linker cannot see a function whose types differ: the oracle adds wasmtime's own type equality
(``ValType.__eq__``) between each imported function and the world's, which is the check a typed host
(``func_wrap``) gets at link time. Over the variants of a host world (an interface, function or resource dropped, a
type changed, versions moved inside and outside semver compatibility), the guest instantiates exactly when check
reports no import finding.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wasmlint.decode.component import decode_component_path
from wasmlint.lint.world import check_component, semver_track
from wasmlint.manifest.values import Manifest, Phase
from wasmlint.manifest.world import load_world

ROOT = Path(__file__).resolve().parent.parent
IMPORT_CODES = {"WL601", "WL602", "WL603", "WL604"}

GUEST = """package my:host@{version};
interface api {{
  resource handle {{ constructor(n: u32); get: func() -> u32; }}
  record point {{ x: s32, y: s32 }}
  log: func(msg: string);
  add: func(a: u32, b: u32) -> u32;
  where: func(p: point) -> option<point>;
}}
interface extra {{ ping: func() -> bool; }}
world plugin {{ import api; import extra; import now: func() -> u64; export run: func() -> s32; }}
"""

HOST = """package my:host@{version};
interface api {{
  {resource}
  record point {{ x: s32, y: {y} }}
  log: func(msg: {msg});
  {add}
  where: func(p: point) -> option<point>;
  more: func();
}}
interface extra {{ ping: func() -> bool; }}
world plugins {{ import api; {extra} {now} export run: func() -> s32; }}
"""

FULL = {
    "resource": "resource handle { constructor(n: u32); get: func() -> u32; }",
    "y": "s32",
    "msg": "string",
    "add": "add: func(a: u32, b: u32) -> u32;",
    "extra": "import extra;",
    "now": "import now: func() -> u64;",
}
VARIANTS: dict[str, tuple[dict[str, str], set[str]]] = {
    "same": ({}, set()),
    "interface-dropped": ({"extra": ""}, {"WL601"}),
    "function-dropped": ({"add": ""}, {"WL603"}),
    "world-function-dropped": ({"now": ""}, {"WL601"}),
    "resource-dropped": ({"resource": ""}, {"WL603"}),
    "record-field-type-changed": ({"y": "s64"}, {"WL604"}),
    "param-type-changed": ({"msg": "list<u8>"}, {"WL604"}),
    "add-typed-otherwise": ({"add": "add: func(a: u32, b: u64) -> u32;"}, {"WL604"}),
}
VERSIONS = [  # (guest, world): semver-compatible or not, as wasmtime's linker decides
    ("0.2.3", "0.2.3"),
    ("0.2.3", "0.2.0"),
    ("0.2.0", "0.2.9"),
    ("0.2.3", "0.3.0"),
    ("1.2.0", "1.5.1"),
    ("1.2.0", "2.0.0"),
    ("0.0.4", "0.0.4"),
    ("0.0.4", "0.0.5"),
    ("1.0.0-rc.1", "1.0.0"),
    ("1.0.0-rc.1", "1.0.0-rc.1"),
]


def wasm_tools(*args: str | Path) -> None:
    subprocess.run(["wasm-tools", *map(str, args)], check=True, capture_output=True)


def build_guest(directory: Path, version: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "guest.wit").write_text(GUEST.format(version=version))
    wasm_tools("component", "embed", "--dummy", directory / "guest.wit", "-o", directory / "core.wasm")
    wasm_tools("component", "new", directory / "core.wasm", "-o", directory / "guest.wasm")
    return directory / "guest.wasm"


def build_world(directory: Path, version: str, changes: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "host.wit").write_text(HOST.format(version=version, **{**FULL, **changes}))
    wasm_tools("component", "wit", directory / "host.wit", "--wasm", "-o", directory / "host.wasm")
    return directory / "host.wasm"


def manifest_for(directory: Path, wit: Path, phases: str = "") -> Path:
    path = directory / "wasmlint.toml"
    path.write_text(f'[host]\nname = "demo"\nworld = "plugins"\nwit = "{wit.name}"\n{phases}')
    return path


def findings(guest: Path, wit: Path, phases: tuple[Phase, ...] = (), world: str = "plugins") -> list[Any]:
    manifest = Manifest(path=str(wit.parent / "wasmlint.toml"), host="demo", world=world, wit=str(wit))
    name, world = load_world(manifest)
    return check_component(str(guest), decode_component_path(guest), name, world, manifest, phases)


# The oracle: wasmtime-py 50 reads the world and links the guest


def _same_type(a: Any, b: Any) -> bool:
    """wasmtime's type equality, walked through the compound types so that a handle compares by its kind (the
    linker checks resource identity itself, with the resources the oracle defines)."""
    import wasmtime.component as c

    if type(a) is not type(b):
        return False
    if isinstance(a, (c.OwnType, c.BorrowType)):
        return True
    if isinstance(a, c.ListType):
        return _same_type(a.element, b.element)
    if isinstance(a, c.OptionType):
        return _same_type(a.payload, b.payload)
    if isinstance(a, c.ResultType):
        return all(
            (x is None) == (y is None) and (x is None or _same_type(x, y)) for x, y in ((a.ok, b.ok), (a.err, b.err))
        )
    if isinstance(a, c.TupleType):
        return len(a.elements) == len(b.elements) and all(map(_same_type, a.elements, b.elements))
    if isinstance(a, c.RecordType):
        return [n for n, _ in a.fields] == [n for n, _ in b.fields] and all(
            _same_type(x, y) for (_, x), (_, y) in zip(a.fields, b.fields)
        )
    if isinstance(a, c.VariantType):
        return [n for n, _ in a.cases] == [n for n, _ in b.cases] and all(
            (x is None) == (y is None) and (x is None or _same_type(x, y)) for (_, x), (_, y) in zip(a.cases, b.cases)
        )
    return bool(a == b)


def wasmtime_accepts(guest: Path, wit: Path, world: str = "plugins") -> tuple[bool, str]:
    import wasmtime
    import wasmtime.component as c

    engine = wasmtime.Engine()
    package = c.Component.from_file(engine, str(wit))
    [world_type] = package.type.exports(engine)[world].ty.exports(engine).values()
    provided = world_type.ty.imports(engine)
    store = wasmtime.Store(engine)
    linker = c.Linker(engine)
    component = c.Component.from_file(engine, str(guest))
    resources = itertools.count(1)
    defined: list[tuple[Any, Any]] = []
    with linker.root() as root:
        for name, extern in provided.items():
            item = extern.ty
            if isinstance(item, c.FuncType):
                root.add_func(name, lambda *args: None)
            elif isinstance(item, c.ResourceType):  # a resource the world imports itself
                same = [host for world, host in defined if world == item]
                host = same[0] if same else c.ResourceType.host(next(resources))
                defined.append((item, host))
                root.add_resource(name, host, lambda _store, _rep: None)
            elif isinstance(item, c.ComponentInstanceType):
                with root.add_instance(name) as instance:
                    for export, inner in item.exports(engine).items():
                        if isinstance(inner.ty, c.FuncType):
                            instance.add_func(export, lambda *args: None)
                        elif isinstance(inner.ty, c.ResourceType):  # one host resource per resource of the world
                            same = [host for world, host in defined if world == inner.ty]
                            host = same[0] if same else c.ResourceType.host(next(resources))
                            defined.append((inner.ty, host))
                            instance.add_resource(export, host, lambda _store, _rep: None)
    try:
        linker.instantiate(store, component)
    except wasmtime.WasmtimeError as exc:
        return False, str(exc).splitlines()[0]
    # Typed hosts are also checked for the types of their functions: wasmtime's own type equality.
    for name, extern in component.type.imports(engine).items():
        match = provided.get(name) or next(
            (v for k, v in provided.items() if semver_track(k) and semver_track(k) == semver_track(name)), None
        )
        assert match is not None  # instantiation succeeded
        ours, theirs = extern.ty, match.ty
        pairs = [(ours, theirs)] if isinstance(ours, c.FuncType) else []
        if isinstance(ours, c.ComponentInstanceType):
            their_exports = theirs.exports(engine)
            pairs = [
                (inner.ty, their_exports[n].ty)
                for n, inner in ours.exports(engine).items()
                if isinstance(inner.ty, c.FuncType)
            ]
        for a, b in pairs:
            if [p for p, _ in a.params] != [p for p, _ in b.params]:
                return False, f"{name}: parameter names differ"
            if not all(_same_type(x, y) for (_, x), (_, y) in zip(a.params, b.params)):
                return False, f"{name}: parameter types differ"
            if (a.result is None) != (b.result is None) or (
                a.result is not None and not _same_type(a.result, b.result)
            ):
                return False, f"{name}: result types differ"
    return True, ""


CASES = [(g, w, v) for g, w in VERSIONS for v in VARIANTS if (g, w) == ("0.2.3", "0.2.0") or v == "same"]
CASES += [("0.2.3", "0.2.3", v) for v in VARIANTS if v != "same"]


@pytest.mark.parametrize(("guest_version", "world_version", "variant"), CASES, ids=["-".join(c) for c in CASES])
def test_check_agrees_with_the_wasmtime_linker(
    guest_version: str, world_version: str, variant: str, tmp_path: Path
) -> None:
    guest = build_guest(tmp_path / "guest", guest_version)
    wit = build_world(tmp_path / "host", world_version, VARIANTS[variant][0])
    found = findings(guest, wit)
    codes = {f.code for f in found if f.code in IMPORT_CODES}
    accepted, why = wasmtime_accepts(guest, wit)
    assert accepted == (not codes), f"wasmtime: {accepted} {why}; wasmlint: {[f.message for f in found]}"
    compatible = semver_track(f"x@{guest_version}") is not None and semver_track(f"x@{guest_version}") == semver_track(
        f"x@{world_version}"
    )
    if guest_version == world_version or compatible:
        assert codes == VARIANTS[variant][1]
    else:
        assert codes == {"WL602"}
        assert all(f"only at {world_version}" in f.message for f in found if f.code == "WL602")
    satisfied = [f for f in found if f.code == "WL607"]
    assert bool(satisfied) == (compatible and guest_version != world_version)


def test_every_problem_at_once_with_both_sides(tmp_path: Path) -> None:
    guest = build_guest(tmp_path / "guest", "0.2.3")
    wit = build_world(tmp_path / "host", "0.2.0", {"extra": "", "add": "", "y": "s64", "msg": "u32", "now": ""})
    messages = sorted((f.code, f.message) for f in findings(guest, wit))
    assert ("WL601", "import my:host/extra@0.2.3 (interface) is not in world my:host/plugins@0.2.0") in messages
    assert ("WL601", "import now (func) is not in world my:host/plugins@0.2.0") in messages
    assert ("WL603", "import my:host/api@0.2.3: function add is not in the world's my:host/api@0.2.0") in messages
    assert (
        "WL604",
        "import my:host/api@0.2.3 log: func(msg: string) here, func(msg: u32) in the world",
    ) in messages
    assert (
        "WL604",
        "import my:host/api@0.2.3 type point: record point { x: s32, y: s32 } here, "
        "record point { x: s32, y: s64 } in the world",
    ) in messages
    assert (
        "WL607",
        "import my:host/api@0.2.3 is satisfied by my:host/api@0.2.0 in world my:host/plugins@0.2.0 "
        "(a semver-compatible version)",
    ) in messages


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "wasmlint", *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_check_command_in_every_format_with_phases_and_exports(tmp_path: Path) -> None:
    guest = build_guest(tmp_path, "0.2.3")
    wit = build_world(tmp_path, "0.2.3", {"extra": ""})
    text = (
        (tmp_path / "host.wit")
        .read_text()
        .replace("export run: func() -> s32;", "export run: func() -> s32; export meta: func() -> string;")
    )
    (tmp_path / "host.wit").write_text(text)
    wasm_tools("component", "wit", tmp_path / "host.wit", "--wasm", "-o", wit)
    manifest_for(
        tmp_path, wit, '[phases.meta]\nprovides = ["my:host/api"]\n\n[phases.boot]\nprovides = []\nmissing = "dummy"\n'
    )
    proc = run_cli(tmp_path, "check", guest.name)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert any("WL605 world my:host/plugins@0.2.3 exports meta (func)" in line for line in lines)
    assert any("WL601 import my:host/extra@0.2.3 (interface)" in line for line in lines)
    assert any("WL301 phase meta: import now (func) is neither provided nor stubbed" in line for line in lines)
    assert not any("WL301 phase meta: import my:host/api" in line for line in lines)
    assert any("WL302 phase boot: import my:host/api@0.2.3 is served by a dummy" in line for line in lines)
    for output_format in ("json", "sarif", "github"):
        proc = run_cli(tmp_path, "check", "--format", output_format, guest.name)
        assert proc.returncode == 1 and "WL605" in proc.stdout and "WL601" in proc.stdout
    found = json.loads(run_cli(tmp_path, "check", "--format", "json", guest.name).stdout)
    assert {f["code"] for f in found} >= {"WL601", "WL605", "WL301", "WL302"}
    sarif = json.loads(run_cli(tmp_path, "check", "--format", "sarif", guest.name).stdout)
    assert {"WL601", "WL605"} <= {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}


def test_a_wit_text_world_is_converted_with_wasm_tools_or_refused_with_the_command(tmp_path: Path) -> None:
    guest = build_guest(tmp_path, "0.2.3")
    build_world(tmp_path, "0.2.3", {})
    manifest_for(tmp_path, tmp_path / "host.wit")
    proc = run_cli(tmp_path, "check", guest.name)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent.parent / "nothing")}
    refused = subprocess.run(
        [sys.executable, "-m", "wasmlint", "check", guest.name], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert refused.returncode == 2
    assert (
        "convert it once with `wasm-tools component wit" in refused.stderr and "--wasm -o host.wasm`" in refused.stderr
    )


def test_a_component_without_a_world_is_still_wl002(tmp_path: Path) -> None:
    guest = build_guest(tmp_path, "0.2.3")
    (tmp_path / "wasmlint.toml").write_text('[host]\nname = "h"\n')
    proc = run_cli(tmp_path, "check", guest.name)
    assert proc.returncode == 1 and "WL002" in proc.stdout


def test_a_world_the_package_lacks_is_named_with_those_it_has(tmp_path: Path) -> None:
    guest = build_guest(tmp_path, "0.2.3")
    wit = build_world(tmp_path, "0.2.3", {})
    (tmp_path / "wasmlint.toml").write_text(f'[host]\nworld = "nope"\nwit = "{wit.name}"\n')
    proc = run_cli(tmp_path, "check", guest.name)
    assert proc.returncode == 2
    assert "wasmlint.toml:2: no world 'nope' in" in proc.stderr and "it defines: my:host/plugins@0.2.3" in proc.stderr


def test_a_real_component_against_wasi_worlds(tmp_path: Path) -> None:
    """The corpus's Go component (it imports WASI 0.2.12) against its own world moved to WASI 0.2.0: every import
    is satisfied on the semver track (WL607), as wasmtime links it; with wasi:random dropped, both refuse it."""
    component = ROOT / "corpus" / "components" / "built" / "go_hello.component.wasm"
    text = subprocess.run(
        ["wasm-tools", "component", "wit", str(component)], capture_output=True, text=True, check=True
    ).stdout
    for name, world_text in (("same", text), ("no-random", text.replace("  import wasi:random/random@0.2.12;\n", ""))):
        directory = tmp_path / name
        directory.mkdir()
        (directory / "host.wit").write_text(
            world_text.replace("@0.2.12", "@0.2.0").replace("world root", "world plugins")
        )
        wasm_tools("component", "wit", directory / "host.wit", "--wasm", "-o", directory / "host.wasm")
        found = findings(component, directory / "host.wasm")
        codes = {f.code for f in found}
        accepted, why = wasmtime_accepts(component, directory / "host.wasm")
        assert accepted == (not codes & IMPORT_CODES), why
        if name == "same":
            assert codes == {"WL607"} and len(found) == 18
        else:
            assert [f.message for f in found if f.code in IMPORT_CODES] == [
                "import wasi:random/random@0.2.12 (interface) is not in world root:component/plugins"
            ]


def test_init_writes_a_world_that_check_passes_and_wasmtime_links(tmp_path: Path) -> None:
    guest = build_guest(tmp_path / "guest", "0.2.3")
    built = sorted((ROOT / "corpus" / "components" / "built").glob("*.wasm"))
    sandboxes = []
    from importlib import resources

    for package, name in (("javascript_guest", "js-sandbox.wasm"), ("python_guest", "python-sandbox.wasm")):
        sandboxes.append(Path(str(resources.files(package).joinpath("resources", name))))
    components = [guest, *built, *sandboxes]
    proc = run_cli(tmp_path, "init", "-o", "out/wasmlint.toml", *map(str, components))
    assert proc.returncode == 2 and "out" in proc.stderr  # no such folder
    (tmp_path / "out").mkdir()
    proc = run_cli(tmp_path, "init", "-o", "out/wasmlint.toml", *map(str, components))
    assert proc.returncode == 0, proc.stderr
    manifest = (tmp_path / "out" / "wasmlint.toml").read_text()
    assert 'world = "wasmlint:host/plugins"\nwit = "host.wasm"' in manifest
    wit = (tmp_path / "out" / "host.wit").read_text()
    assert "  import my:host/api@0.2.3;\n" in wit and "  import now: func() -> u64;\n" in wit
    check = run_cli(tmp_path, "check", "-m", "out/wasmlint.toml", *map(str, components))
    assert (check.returncode, check.stdout) == (0, ""), check.stdout + check.stderr
    for component in (guest, *built):  # the sandboxes take seconds to compile: the small ones say it
        accepted, why = wasmtime_accepts(component, tmp_path / "out" / "host.wasm")
        assert accepted, why
    again = run_cli(tmp_path, "init", "-o", "out/wasmlint.toml", str(guest))
    assert again.returncode == 2 and "exists" in again.stderr


@pytest.mark.parametrize("n", range(10))
def test_random_components_against_their_own_world_and_with_a_dropped_import(n: int, tmp_path: Path) -> None:
    """Random WIT (wit-smith, seeded): each component checked against its own world (as `component wit --wasm`
    writes it) passes, and wasmtime links it; with the world's last import dropped, both refuse it."""
    import random

    import witref

    rng = random.Random(f"world-{n}")
    made = []
    for attempt in range(6):  # wit-smith makes many empty worlds: take seeds until some import something
        seed = bytes(rng.getrandbits(8) for _ in range(rng.choice([1000, 4000, 8000])))
        made += witref.smith_components(tmp_path / f"smith{attempt}", seed)
    import wasmtime
    import wasmtime.component as wc

    checked = dropped = 0
    for index, component in enumerate(made):
        try:
            wc.Component.from_file(wasmtime.Engine(), str(component))
        except wasmtime.WasmtimeError as exc:  # wasmtime-py 50 leaves some features off (cm-implements)
            assert "feature is not active" in str(exc)
            continue
        checked += 1
        directory = tmp_path / f"c{index}"
        directory.mkdir()
        text = subprocess.run(
            ["wasm-tools", "component", "wit", str(component)], capture_output=True, text=True, check=True
        ).stdout
        (directory / "own.wit").write_text(text)
        wasm_tools("component", "wit", directory / "own.wit", "--wasm", "-o", directory / "own.wasm")
        found = findings(component, directory / "own.wasm", world="root")
        assert [f.message for f in found] == []
        accepted, why = wasmtime_accepts(component, directory / "own.wasm", world="root")
        assert accepted, why
        lines = text.splitlines()
        world_end = lines.index("}")
        imports = [
            i
            for i, line in enumerate(lines[:world_end])
            if line.startswith("  import ")
            and line.endswith(";")
            and not any(line[len("  import ") : -1] in other for other in lines[:world_end] if other != line)
        ]
        if not imports:
            continue
        dropped += 1
        del lines[imports[-1]]
        (directory / "less.wit").write_text("\n".join(lines) + "\n")
        if subprocess.run(
            [
                "wasm-tools",
                "component",
                "wit",
                str(directory / "less.wit"),
                "--wasm",
                "-o",
                str(directory / "less.wasm"),
            ],
            capture_output=True,
        ).returncode:
            raise AssertionError(f"{directory / 'less.wit'} does not convert")
        codes = {f.code for f in findings(component, directory / "less.wasm", world="root")}
        accepted, why = wasmtime_accepts(component, directory / "less.wasm", world="root")
        assert accepted == (not codes & IMPORT_CODES), why
    if not checked:
        pytest.skip("wit-smith made no component that wasmtime-py 50 compiles from this seed")
