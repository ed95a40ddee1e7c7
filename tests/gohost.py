"""Real Go hosts for the tests, built once per session against the vendored Extism Go SDK and wazero.

The real SDK and every module it needs are read from the workplace's vendored tree, `../shared/go` beside this
checkout (its README says which modules, at which versions, under which licences; `WASMLINT_GO_VENDOR` names another
copy), so a Go host builds with no network (`GOPROXY=off`, `-mod=vendor`). The tree is not committed here: it is
third-party code, read where it is. Building it compiles wazero and
protobuf, which is the expensive part (about 45 s on two idle cores; Go's build cache makes later runs take
seconds), so everything the tests run in Go is one module built once: the tables `wasmlint gen` writes (each a
package), the README's example host, and `tests/go/harness`, one program that reads its cases from a JSON file and
runs each in a real host. `tables.go`, the harness's registry of the generated packages, is written here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from wasmlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
VENDORED = Path(os.environ.get("WASMLINT_GO_VENDOR") or ROOT.parent / "shared" / "go")
HARNESS = ROOT / "tests" / "go" / "harness"
EXAMPLES = ROOT / "examples" / "go"
PLUSEV = CORPUS / "hosts" / "plusev-terminal.toml"
WS_PLUGIN = CORPUS / "go" / "ws_plugin.wasm"
MODULE_PATH = "example.com/plusev"  # the README example's module
GO_TARGETS = ("go-extism", "go-wazero")

ADVERSARIAL = [
    ("env", "x\"); __import__('os').system('echo pwned'); (\""),
    ("env", "line\nbreak\r\n# not a comment"),
    ("env", '"""'),
    ("env", "'''"),
    ("env", "*/ /* // {{ jinja }} {% if x %} `go`"),
    ("env", "back\\slash\\"),
    ("env", "\\u0022 \\x27 \\N{QUOTATION MARK}"),
    ("env", "class"),
    ("env", "None"),
    ("env", "func"),
    ("env", "日本語"),
    ("env", "emoji😀 \u202e rtl \u2028"),
    ("env", "tab\there\x7f\x1b[31m"),
    ("env", ""),
    ("env", "a-b"),
    ("env", "a_b"),
    ("env", "a b"),
    ("env", "9lives"),
    ("env", "x" * 150 + " with spaces " + "y" * 60),
    ("\\\"'ns", "f"),
    ("", "empty namespace"),
    ("__import__('os')", "__import__('os').system('id')"),
]

GO_HOSTILE = [*(pair for pair in ADVERSARIAL if pair[0]), ("env", "a\x00b")]
"""The names a Go host can supply: wazero refuses an empty module name; NUL is fine."""

TYPED_ZEROS = """(module
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
"""Calls a dummy with one parameter of each type, then one with three results; 0 only if every result is zero."""

EVERY_KIND = """(module
  (import "env" "multi" (func $multi (param i32 i64 f32 f64) (result i32 f64 externref funcref)))
  (import "env" "refs" (func $refs (param funcref externref)))
  (import "env" "mem" (memory 1 2))
  (import "env" "ftable" (table 2 funcref))
  (import "env" "etable" (table 1 16 externref))
  (import "env" "g_i32" (global $g_i32 i32))
  (import "env" "g_i64" (global $g_i64 (mut i64)))
  (import "env" "g_f32" (global $g_f32 f32))
  (import "env" "g_f64" (global (mut f64)))
  (import "env" "g_func" (global funcref))
  (import "env" "g_extern" (global (mut externref)))
  (import "data" "counter" (global $counter (mut i32)))
  (func (export "call_multi") (result i32)
    (call $multi (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4))
    (if (i32.eqz (ref.is_null)) (then (return (i32.const 1))))
    (if (i32.eqz (ref.is_null)) (then (return (i32.const 2))))
    (if (f64.ne (f64.const 0)) (then (return (i32.const 3))))
    (if (i32.ne (i32.const 0)) (then (return (i32.const 4))))
    (call $refs (ref.null func) (ref.null extern))
    (i32.const 0))
  (func (export "state") (result i64)
    (i64.add (i64.extend_i32_u (global.get $g_i32))
      (i64.add (global.get $g_i64)
        (i64.add (i64.extend_i32_u (memory.size)) (i64.extend_i32_u (i32.add (table.size 0) (table.size 1)))))))
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 41)))
    (global.set $g_i64 (i64.const 7))
    (global.get $counter))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"""
"""Every kind go-wazero supplies: functions over every value type it spells, a memory, tables, globals."""


STREAM_PHASE = """
[phases.stream]
provides = ["env.log_record", "env.http_request", "env.ws_connect"]
missing = "dummy"
"""
"""A phase of the plusev manifest in which ws_plugin's `run` gets past ws_connect and reaches the other dummies."""


def wat_string(text: str) -> str:
    return '"' + "".join(f"\\{byte:02x}" for byte in text.encode()) + '"'


def function_module(names: Sequence[tuple[str, str]]) -> bytes:
    """Imports (i32) -> i32 functions with these names; export cN calls import N with 7 and returns its result."""
    import wasmtime

    imports = "".join(f"(import {wat_string(ns)} {wat_string(n)} (func (param i32) (result i32)))" for ns, n in names)
    calls = "".join(f'(func (export "c{i}") (result i32) (call {i} (i32.const 7)))' for i in range(len(names)))
    return bytes(wasmtime.wat2wasm(f'(module {imports} (memory (export "memory") 1) {calls})'))


def gen(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["gen", *map(str, args)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def go_env() -> dict[str, str]:
    """Offline, vendored, no cgo; Go's own build cache (GOCACHE, else its default) is kept between runs."""
    return {
        **os.environ,
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GOFLAGS": "-mod=vendor",
        "GOWORK": "off",
        "GOTELEMETRY": "off",
        "CGO_ENABLED": "0",
    }


def init_module(directory: Path, module_path: str = MODULE_PATH) -> None:
    """DIR becomes a Go module that builds offline against the vendored tree, as its README's use.sh does."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = [line for line in (VENDORED / "go.mod").read_text().splitlines() if not line.startswith("//")]
    text = "\n".join(f"module {module_path}" if line.startswith("module ") else line for line in lines)
    (directory / "go.mod").write_text(text + "\n")
    (directory / "vendor").symlink_to(VENDORED / "vendor", target_is_directory=True)


def package_name(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_")


@dataclass
class GoHosts:
    """The built module: the harness binary, and which generated package holds which table."""

    module: Path
    go: str
    gofmt: Path
    env: dict[str, str]
    binary: Path
    corpus: dict[str, dict[str, str]] = field(default_factory=dict)
    """target -> corpus module path (repository-relative) -> registered table name."""
    inputs: dict[str, Path] = field(default_factory=dict)
    """The hand-built modules the tables were generated from, by name."""

    def run(self, cases: list[dict[str, Any]], workdir: Path) -> dict[str, dict[str, Any]]:
        """Runs the cases in one harness process; results by case id."""
        path = workdir / "cases.json"
        path.write_text(json.dumps(cases))
        done = subprocess.run(
            [self.binary, path], capture_output=True, text=True, env=self.env, timeout=600, cwd=workdir
        )
        assert done.returncode == 0, done.stderr[-4000:]
        return {result["id"]: result for result in json.loads(done.stdout)}


@dataclass
class Table:
    name: str
    target: str
    args: list[str | Path]
    directory: str = ""
    """The package's folder in the module: t/NAME unless given."""

    @property
    def folder(self) -> str:
        return self.directory or f"t/{self.name}"


def tables(workdir: Path) -> tuple[list[Table], dict[str, Path]]:
    """Every table the tests run: one per corpus module per Go target (when it can be expressed), and a few more."""
    import wasmtime

    inputs = {name: workdir / f"{name}.wasm" for name in ("hostile", "typed_zeros", "every_kind")}
    inputs["every_kind"].write_bytes(bytes(wasmtime.wat2wasm(EVERY_KIND)))
    inputs["hostile"].write_bytes(function_module(GO_HOSTILE))
    inputs["typed_zeros"].write_bytes(bytes(wasmtime.wat2wasm(TYPED_ZEROS)))
    inputs["stream"] = workdir / "stream.toml"
    inputs["stream"].write_text(PLUSEV.read_text() + STREAM_PHASE)
    stream_choices = ["--on-call=stream=hook", "--on-call=env.ws_close=trap"]
    found = [
        Table("stream", "go-extism", ["-m", inputs["stream"], *stream_choices, WS_PLUGIN]),
        Table("hostile", "go-extism", [inputs["hostile"]]),
        Table("names", "go-extism", [CORPUS / "wat" / "names.wasm", CORPUS / "zig" / "host_log.wasm"]),
        Table("typed_zeros", "go-extism", ["--on-call", "m.f32=hook", inputs["typed_zeros"]]),
        Table("w_plusev", "go-wazero", ["-m", PLUSEV, "--on-call=meta=trap", WS_PLUGIN]),
        Table("w_hostile", "go-wazero", [inputs["hostile"]]),
        Table("w_typed_zeros", "go-wazero", ["--on-call", "m.f32=hook", inputs["typed_zeros"]]),
        Table("w_every_kind", "go-wazero", [inputs["every_kind"]]),
    ]
    return found, inputs


def build(workdir: Path) -> GoHosts:
    """Generates every table, writes the module and builds the harness: one `go build`, one `go vet`."""
    go = shutil.which("go")
    assert go is not None
    env = go_env()
    module = workdir / "mod"
    init_module(module)
    previous = Path.cwd()
    os.chdir(ROOT)  # generated headers hold repository-relative paths
    try:
        found, inputs = tables(workdir)
        hosts = GoHosts(module, go, Path(), env, module / "bin" / "harness", inputs=inputs)
        shutil.copytree(EXAMPLES / "host", module / "host")
        for folder in ["hostfuncs", *(f"t/{t.name}" for t in found)]:
            (module / folder).mkdir(parents=True)
        example = module / "hostfuncs" / "hostfuncs.go"
        code, _, err = gen("--target", "go-extism", "-m", PLUSEV, "-o", example, WS_PLUGIN)
        assert code == 0, err
        registered = [Table("hostfuncs", "go-extism", [], "hostfuncs"), *found]
        for target in GO_TARGETS:
            hosts.corpus[target] = {}
            for wasm in sorted(p for p in CORPUS.glob("**/*.wasm") if p.relative_to(CORPUS).parts[0] != "components"):
                name = f"{target.split('-')[1]}_{package_name(wasm.stem)}"
                (module / "t" / name).mkdir(parents=True)
                code, _, err = gen("--target", target, "-o", module / "t" / name / "table.go", wasm)
                if code != 0:
                    (module / "t" / name).rmdir()
                else:
                    hosts.corpus[target][wasm.relative_to(ROOT).as_posix()] = name
                    registered.append(Table(name, target, [wasm]))
        for target in GO_TARGETS:  # package main, beside a host that declares the names tables used to take
            clash = module / f"clash_{target.split('-')[1]}" / "table.go"
            clash.parent.mkdir()
            code, _, err = gen("--target", target, "--package", "main", "-m", PLUSEV, "-o", clash, WS_PLUGIN)
            assert code == 0, err
        for table in found:
            out = module / "t" / table.name / "table.go"
            code, _, err = gen("--target", table.target, "--package", table.name, "-o", out, *table.args)
            assert code == 0, err
    finally:
        os.chdir(previous)
    shutil.copytree(HARNESS, module / "harness")
    for target in GO_TARGETS:
        runtime = target.split("-")[1]
        for name in ("names.go", f"{runtime}.go"):
            shutil.copy(HARNESS.parent / "clash" / name, module / f"clash_{runtime}" / name)
    (module / "harness" / "tables.go").write_text(registry(registered))
    goroot = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, env=env, check=True).stdout.strip()
    hosts.gofmt = Path(goroot) / "bin" / "gofmt"
    for command in (["build", "-o", "bin/", "./harness", "./clash_extism", "./clash_wazero"], ["vet", "./..."]):
        done = subprocess.run([go, *command], cwd=module, capture_output=True, text=True, env=env, timeout=1800)
        assert done.returncode == 0, f"go {' '.join(command)}:\n{done.stdout}{done.stderr}"
    return hosts


def registry(registered: list[Table]) -> str:
    """tables.go: each generated package's WasmlintTable under its table name, by target."""
    imports = "".join(f'\t{t.name} "{MODULE_PATH}/{t.folder}"\n' for t in registered)
    maps = ""
    for target, runtime in (("go-extism", "extism"), ("go-wazero", "wazero")):
        entries = "".join(
            f'\t"{t.name}": func(o options, h hookFunc) {runtime}Table '
            + f"{{ return {t.name}.WasmlintTable{{OnCall: o, Hook: h}} }},\n"
            for t in registered
            if t.target == target
        )
        maps += f"\nvar {runtime}Tables = map[string]func(o options, h hookFunc) {runtime}Table{{\n{entries}}}\n"
    return (
        "// Written by tests/gohost.py: the generated tables the harness runs, by name.\n\n"
        f"package main\n\nimport (\n{imports})\n{maps}"
    )
