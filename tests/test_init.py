"""`wasmlint init`: the manifest it writes makes `check` pass on the plugins it was written from, and is valid TOML
whatever the import names are; it never overwrites a file unasked, and its output depends only on its input."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wasmlint.cli import main
from wasmlint.decode.module import decode_path
from wasmlint.gen.scaffold import expressible
from wasmlint.manifest.load import load_manifest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CORPUS_MODULES = sorted((ROOT / "corpus").glob("*/*.wasm"))
UNSPELLABLE = {"gc_types.wasm"}
"""Modules with imports whose types name the module's own type indices, which no manifest can spell."""


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def wat_name(text: str) -> str:
    """A WAT string holding exactly these UTF-8 bytes, whatever they are."""
    return '"' + "".join(f"\\{b:02x}" for b in text.encode("utf-8")) + '"'


@pytest.mark.parametrize(
    "path",
    CORPUS_MODULES,
    ids=lambda p: p.name,
)
def test_check_passes_with_the_manifest_init_writes(path: Path, tmp_path: Path) -> None:
    output = tmp_path / "wasmlint.toml"
    code, out, err = run("init", "-o", output, path)
    assert code == 0, err
    assert out == "" and f"wrote {output}" in err
    code, out, err = run("check", "--manifest", output, path)
    if path.name in UNSPELLABLE:
        skipped = [imp for imp in decode_path(path).imports if not expressible(imp)]
        assert code == 1 and skipped
        reported = {(line.split(" ")[1], line.split(" ")[3]) for line in out.splitlines()[:-1]}
        assert reported == {("WL101", f"{imp.module}.{imp.name}") for imp in skipped}
        text = output.read_text(encoding="utf-8")
        assert "# Not written: these imports use module-specific type indices" in text
        assert all(f"#   {imp.module}.{imp.name} " in text for imp in skipped)
    else:
        assert (code, out, err) == (0, "", "")


def test_check_passes_with_one_manifest_for_all_spellable_corpus_modules(tmp_path: Path) -> None:
    modules = [p for p in CORPUS_MODULES if p.name not in UNSPELLABLE]
    output = tmp_path / "host.toml"
    assert run("init", "-o", output, *modules)[0] == 0
    text = output.read_text(encoding="utf-8")
    assert 'presets = ["wasi_snapshot_preview1", "extism"]' in text
    # emscripten_like's fd_seek is not WASI's: init writes it over the preset and notes whom that breaks; its
    # env.memory (256 256) differs from multi_memory's (1), which it nevertheless satisfies.
    conflicts = sorted(line.split()[2] for line in text.splitlines() if line.startswith("# CONFLICT"))
    assert sorted(Path(c).name for c in conflicts) == ["reactor.wasm", "wasi_command.wasm"]
    code, out, _ = run("check", "--format", "json", "--manifest", output, *modules)
    found = json.loads(out)
    assert code == 1
    assert {(Path(f["path"]).name, f["code"], f["subject"]) for f in found} == {
        ("reactor.wasm", "WL105", "wasi_snapshot_preview1.fd_seek"),
        ("wasi_command.wasm", "WL105", "wasi_snapshot_preview1.fd_seek"),
    }


def test_the_written_manifest_is_found_by_check_from_that_directory(tmp_path: Path, cwd: Path) -> None:
    plugin = tmp_path / "plugin.wasm"
    plugin.write_bytes((ROOT / "corpus" / "go" / "ws_plugin.wasm").read_bytes())
    assert run("init", "plugin.wasm")[0] == 0
    assert (tmp_path / "wasmlint.toml").is_file()
    assert run("check", "plugin.wasm") == (0, "", "")


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    output = tmp_path / "wasmlint.toml"
    output.write_text("# mine\n", encoding="utf-8")
    plugin = ROOT / "corpus" / "zig" / "host_log.wasm"
    code, _, err = run("init", "-o", output, plugin)
    assert code == 2
    assert "exists; pass --force" in err
    assert output.read_text(encoding="utf-8") == "# mine\n"
    assert run("init", "-o", output, "--force", plugin)[0] == 0
    assert "host_fill" in output.read_text(encoding="utf-8")


def test_standard_output_and_host_name(tmp_path: Path) -> None:
    code, out, err = run("init", "-o", "-", "--host", 'my "quoted" host', ROOT / "corpus" / "zig" / "host_log.wasm")
    assert code == 0 and err == ""
    assert tomllib.loads(out)["host"]["name"] == 'my "quoted" host'


def test_unreadable_input_and_malformed_components_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"\x00asm\x01\x00\x00\x00\x01\x05\x00")
    component = tmp_path / "c.wasm"
    component.write_bytes(b"\x00asm\x0d\x00\x01\x00\x0a\x05\x01")
    for path in (bad, component, tmp_path / "missing.wasm"):
        code, _, err = run("init", "-o", tmp_path / "out.toml", path)
        assert code == 2 and str(path) in err and "Traceback" not in err
        assert not (tmp_path / "out.toml").exists()
    # components and modules are not mixed (a component's manifest names a world: tests/test_world.py)
    component.write_bytes(b"\x00asm\x0d\x00\x01\x00")
    code, _, err = run("init", "-o", tmp_path / "out.toml", component, ROOT / "corpus" / "zig" / "host_log.wasm")
    assert code == 2 and "either core modules or components" in err


def test_output_is_deterministic(tmp_path: Path) -> None:
    modules = [p for p in CORPUS_MODULES if p.name not in UNSPELLABLE]
    first = run("init", "-o", "-", *modules)[1]
    assert first == run("init", "-o", "-", *modules)[1]
    # Entries are sorted; only the comments (sources, who needs each entry) follow the argument order, and, where
    # plugins disagree on an import (env.memory: emscripten_like's and multi_memory's), which one is written.
    modules = [p for p in modules if p.name != "multi_memory.wasm"]
    body = run("init", "-o", "-", *modules)[1].split("\n", 2)[2]
    shuffled = run("init", "-o", "-", *reversed(modules))[1]
    strip = [line for line in body.splitlines() if not line.startswith("#")]
    assert strip == [line for line in shuffled.split("\n", 2)[2].splitlines() if not line.startswith("#")]


def test_entries_are_sorted_whatever_the_import_order(tmp_path: Path, wat2wasm: Callable[[str], bytes]) -> None:
    imports = [("env", "zeta"), ("a", "b"), ("env", "alpha"), ("extism:host/user", "kv")]
    texts = []
    for order in (imports, list(reversed(imports))):
        path = tmp_path / "p.wasm"
        path.write_bytes(wat2wasm("(module " + "".join(f'(import "{m}" "{n}" (func))' for m, n in order) + ")"))
        texts.append(run("init", "-o", "-", path)[1])
    assert texts[0] == texts[1]
    assert [line for line in texts[0].splitlines() if line.startswith("[")] == [
        "[host]",
        "[imports.a]",
        "[imports.env]",
        '[imports."extism:host/user"]',
    ]


HOSTILE_NAMES = [
    'say "hi"',
    "line\nbreak",
    "carriage\rreturn",
    "tab\there",
    "back\\slash",
    "naïve-日本語-🦀",
    "del\x7fchar",
    "nul\x00byte",
    "esc\x1b[31m",
    "",
    "extism:host/user",
    "dotted.name",
    "'single'",
    '"""',
    "\u2028\u202e",
    "# not a comment",
    "= value",
    "[imports.env]",
]


def test_hostile_names_produce_valid_toml_that_round_trips(tmp_path: Path, wat2wasm: Callable[[str], bytes]) -> None:
    imports = "".join(
        f"(import {wat_name(namespace)} {wat_name(name)} (func (param i32)))"
        for namespace in ("env", *HOSTILE_NAMES[:4])
        for name in HOSTILE_NAMES
    )
    plugin = tmp_path / "hostile.wasm"
    plugin.write_bytes(wat2wasm(f"(module {imports} (func (export {wat_name(HOSTILE_NAMES[0])})))"))
    output = tmp_path / "wasmlint.toml"
    assert run("init", "-o", output, plugin)[0] == 0
    data = tomllib.loads(output.read_text(encoding="utf-8"))
    assert data["imports"] == {ns: dict.fromkeys(HOSTILE_NAMES, "(i32) -> ()") for ns in ("env", *HOSTILE_NAMES[:4])}
    assert list(data["exports"]) == [HOSTILE_NAMES[0]]
    manifest = load_manifest(output)
    assert {(p.namespace, p.name) for p in manifest.provided} == {
        (imp.module, imp.name) for imp in decode_path(plugin).imports
    }
    assert run("check", "--manifest", output, plugin) == (0, "", "")


SIGNATURES = ["() -> ()", "(i32) -> ()", "(i64, f64) -> f32", "() -> (i32, i64)", "(externref) -> funcref"]
# Glob characters are left out: see test_names_with_glob_characters_are_spelled_literally.
NAMES = st.text(st.characters(exclude_characters="*?[", exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    imports=st.dictionaries(
        st.tuples(st.sampled_from(["env", "extism:host/user", "wasi_snapshot_preview1"]) | NAMES, NAMES),
        st.sampled_from(SIGNATURES),
        min_size=1,
        max_size=6,
    )
)
def test_any_names_round_trip(
    tmp_path: Path, wat2wasm: Callable[[str], bytes], imports: dict[tuple[str, str], str]
) -> None:
    def wat_func(signature: str) -> str:
        params, _, results = signature.partition(" -> ")
        params_list = [p for p in params.strip("()").split(", ") if p]
        results_list = [r for r in results.strip("()").split(", ") if r]
        return "".join(f" (param {p})" for p in params_list) + "".join(f" (result {r})" for r in results_list)

    body = "".join(f"(import {wat_name(m)} {wat_name(n)} (func{wat_func(s)}))" for (m, n), s in imports.items())
    plugin = tmp_path / "p.wasm"
    plugin.write_bytes(wat2wasm(f"(module {body})"))
    code, out, err = run("init", "-o", "-", plugin)
    assert code == 0, err
    data = tomllib.loads(out)
    written = {(ns, name) for ns, names in data.get("imports", {}).items() for name in names}
    from_presets = {key for key in imports if key not in written}
    assert all(key[0] == "wasi_snapshot_preview1" for key in from_presets)
    manifest = tmp_path / "m.toml"
    manifest.write_text(out, encoding="utf-8")
    assert run("check", "--manifest", manifest, plugin) == (0, "", "")


def test_names_with_glob_characters_are_spelled_literally(tmp_path: Path, wat2wasm: Callable[[str], bytes]) -> None:
    plugin = tmp_path / "glob.wasm"
    plugin.write_bytes(wat2wasm('(module (import "env" "a[*]" (func)) (import "env" "b?" (func (param i32))))'))
    output = tmp_path / "wasmlint.toml"
    assert run("init", "-o", output, plugin)[0] == 0
    assert run("check", "--manifest", output, plugin) == (0, "", "")
