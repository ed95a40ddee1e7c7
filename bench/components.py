"""Components: wasmlint's listing against `wasm-tools component wit`, and its cost against embedded code size.

    python bench/components.py            # about a minute
    python bench/components.py --runs 3   # fewer repetitions

1. A batch of components listed in one `wasmlint inspect --format json` process, against one `wasm-tools component
   wit` process per component (the native tool, which validates every byte of core code first). The batch: the
   corpus's built components, the ComponentizeJS and componentize-py guests of the test extras, and components made
   from random WIT (`wit-smith` on fixed seeds, `component embed --dummy`, `component new`). Target: wasmlint takes
   at most a tenth of the time.
2. The same component with its embedded core module grown by a custom section of 0 to 64 MiB (valid: core custom
   sections are ignored), decoded in process: the listing's cost should not grow with the core module's size.

A script run by hand, like bench/run.py; it is not a test. Numbers are medians of wall-clock times on this machine.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import witref  # noqa: E402

from wasmlint.decode.component import decode_component_path  # noqa: E402
from wasmlint.render.components import component_to_json  # noqa: E402

SEED = 20261201


def uleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def read_uleb(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def grow_core_module(component: bytes, extra: int) -> bytes:
    """``component`` with a custom section of ``extra`` bytes appended to its first embedded core module."""
    pos = 8
    out = bytearray(component[:8])
    grown = False
    while pos < len(component):
        section_id = component[pos]
        size, body = read_uleb(component, pos + 1)
        payload = component[body : body + size]
        if section_id == 1 and not grown:
            name = b"bench-padding"
            custom = uleb(len(name)) + name + bytes(extra)
            payload = payload + b"\x00" + uleb(len(custom)) + custom
            grown = True
        out += bytes([section_id]) + uleb(len(payload)) + payload
        pos = body + size
    return bytes(out)


def batch(directory: Path, count: int) -> list[Path]:
    found = sorted((ROOT / "corpus" / "components" / "built").glob("*.wasm"))
    for package, name in (("javascript_guest", "js-sandbox.wasm"), ("python_guest", "python-sandbox.wasm")):
        found.append(Path(str(resources.files(package).joinpath("resources", name))))
    rng = random.Random(SEED)
    n = 0
    while len(found) < count:
        seed = bytes(rng.getrandbits(8) for _ in range(rng.choice([1000, 4000])))
        found += witref.smith_components(directory / f"smith{n}", seed, limit=2)
        n += 1
    return found[:count]


def listed(path: Path) -> list[object]:
    """The listing without offsets (growing the core module moves what follows it)."""
    entry = component_to_json("", decode_component_path(path))
    return [{k: v for k, v in item.items() if k != "offset"} for item in entry["imports"] + entry["exports"]]


def median_time(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (median)")
    parser.add_argument("--count", type=int, default=60, help="components in the batch")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = batch(Path(tmp), args.count)
        total = sum(p.stat().st_size for p in files)
        print(f"batch: {len(files)} components, {total / 2**20:.1f} MiB", file=sys.stderr)
        ours = median_time(
            [sys.executable, "-m", "wasmlint", "inspect", "--format", "json", *map(str, files)], args.runs
        )
        theirs_runs = []
        for _ in range(args.runs):
            start = time.perf_counter()
            for path in files:
                subprocess.run(["wasm-tools", "component", "wit", str(path)], check=True, capture_output=True)
            theirs_runs.append(time.perf_counter() - start)
        theirs = statistics.median(theirs_runs)
        ratio = ours / theirs
        print(f"\n1. batch of {len(files)} components ({total / 2**20:.1f} MiB)")
        print(f"   wasmlint inspect, one process:              {ours * 1000:8.0f} ms")
        print(f"   wasm-tools component wit, one per component: {theirs * 1000:8.0f} ms")
        print(f"   ratio: {ratio:.3f} (target <= 0.1): {'PASS' if ratio <= 0.1 else 'FAIL'}")
        results["batch"] = {"files": len(files), "bytes": total, "wasmlint_s": ours, "wasm_tools_s": theirs}

        original = ROOT / "corpus" / "components" / "built" / "wasi_command.component.wasm"
        base = original.read_bytes()
        print("\n2. one component, its core module grown (in-process decode, median)")
        rows = []
        for mib in (0, 1, 4, 16, 64):
            path = Path(tmp) / f"grown{mib}.wasm"
            path.write_bytes(grow_core_module(base, mib * 2**20))
            valid = subprocess.run(["wasm-tools", "validate", str(path)], capture_output=True).returncode == 0
            assert valid, f"wasm-tools validate rejects {path.name}"
            assert listed(path) == listed(original), f"{path.name} lists otherwise"
            decode_component_path(path)  # warm
            times = []
            for _ in range(max(args.runs, 5) * 4):
                start = time.perf_counter()
                decode_component_path(path)
                times.append(time.perf_counter() - start)
            rows.append((mib, path.stat().st_size, statistics.median(times)))
            print(f"   +{mib:3d} MiB ({path.stat().st_size / 2**20:6.1f} MiB file): {rows[-1][2] * 1000:7.3f} ms")
        spread = max(r[2] for r in rows) / min(r[2] for r in rows)
        print(f"   slowest / fastest: {spread:.2f} (flat if under 1.5): {'PASS' if spread < 1.5 else 'FAIL'}")
        results["flat"] = [{"extra_mib": m, "bytes": b, "seconds": s} for m, b, s in rows]
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "components.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
