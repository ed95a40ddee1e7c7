#!/usr/bin/env python3
"""Fetch the third-party batch: real core modules from pinned npm packages, listed in ``bench/batch.tsv``.

    python bench/batch.py            # download what is missing, extract, verify every sha256
    python bench/batch.py --record   # (maintainers) rewrite the list's sha256, size and licence from the packages

The batch is what issue 13's throughput targets are measured on: many real modules from many toolchains, as a
plugin registry or a repository of plugins holds them. Committing ~40 MB of other people's binaries would weigh
on every clone, so the repository keeps the list (package, version, path inside the package, sha256, size,
licence, toolchain) and this script makes the batch again, byte for byte, with the ordinary client
(``npm pack NAME@VERSION``). Tarballs are cached in ``bench/out/packages/``, the modules are written to
``bench/out/thirdparty/NNN-<package>-<file>.wasm`` (NNN is the row's number, so the batch's order is the list's).

A module whose sha256 differs from the list is an error (exit 1): the batch would not be the one measured.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
LIST = BENCH / "batch.tsv"
OUT = BENCH / "out"
PACKAGES = OUT / "packages"
BATCH_DIR = OUT / "thirdparty"
COLUMNS = ("package", "version", "path", "sha256", "bytes", "licence", "toolchain")


@dataclass(frozen=True)
class Entry:
    """One module of the batch: where it comes from and what its bytes must hash to."""

    package: str
    version: str
    path: str  # inside the tarball's package/ directory
    sha256: str
    size: int
    licence: str
    toolchain: str

    @property
    def tarball(self) -> Path:
        """npm pack's own file name for the package: a scope's @ dropped and its / made a -."""
        return PACKAGES / f"{self.package.lstrip('@').replace('/', '-')}-{self.version}.tgz"

    def dest(self, index: int) -> Path:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", self.package.lstrip("@"))
        return BATCH_DIR / f"{index:03d}-{slug}-{Path(self.path).name}"


def read_list(path: Path = LIST) -> list[Entry]:
    """The rows of batch.tsv (a header line, then tab-separated rows; # starts a comment line)."""
    rows: list[Entry] = []
    lines = [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    header = tuple(lines[0].split("\t"))
    if header != COLUMNS:
        raise SystemExit(f"{path}:1: expected the columns {COLUMNS}, found {header}")
    for n, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            raise SystemExit(f"{path}:{n}: expected {len(COLUMNS)} tab-separated cells, found {len(cells)}")
        package, version, inner, sha, size, licence, toolchain = cells
        rows.append(Entry(package, version, inner, sha, int(size or 0), licence, toolchain))
    return rows


def write_list(entries: list[Entry], path: Path = LIST) -> None:
    head = "\t".join(COLUMNS)
    body = "\n".join(
        "\t".join((e.package, e.version, e.path, e.sha256, str(e.size), e.licence, e.toolchain)) for e in entries
    )
    path.write_text(head + "\n" + body + "\n")


def pack(package: str, version: str) -> Path:
    """``npm pack`` one pinned package into the cache (once); returns the tarball.

    npm names the file itself (and drops a version's ``+build`` metadata), so it packs into a private folder and
    the one file it wrote is renamed to the cache's own name.
    """
    PACKAGES.mkdir(parents=True, exist_ok=True)
    target = Entry(package, version, "", "", 0, "", "").tarball
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(dir=PACKAGES) as tmp:
        proc = subprocess.run(
            ["npm", "pack", f"{package}@{version}", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            timeout=600,
        )
        written = list(Path(tmp).glob("*.tgz"))
        if proc.returncode != 0 or len(written) != 1:
            raise RuntimeError(f"npm pack {package}@{version} failed: {proc.stderr.strip()[-400:]}")
        written[0].replace(target)
    return target


def member(tarball: Path, inner: str) -> bytes:
    """The bytes of ``package/<inner>`` in a tarball, read without extracting anything else."""
    with tarfile.open(tarball, "r:gz") as tar:
        info = tar.getmember(f"package/{inner}")
        handle = tar.extractfile(info)
        if handle is None:
            raise RuntimeError(f"{tarball.name}: package/{inner} is not a regular file")
        return handle.read()


def declared_licence(tarball: Path) -> str:
    """The ``license`` field of the package's own package.json."""
    manifest = json.load(io.BytesIO(member(tarball, "package.json")))
    licence = manifest.get("license") or manifest.get("licenses") or "UNDECLARED"
    return licence if isinstance(licence, str) else json.dumps(licence)


def fetch_all(entries: list[Entry], jobs: int = 4) -> dict[tuple[str, str], Path]:
    wanted = sorted({(e.package, e.version) for e in entries})
    out: dict[tuple[str, str], Path] = {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = {pool.submit(pack, p, v): (p, v) for p, v in wanted}
        for fut in concurrent.futures.as_completed(futures):
            out[futures[fut]] = fut.result()
    return out


def files() -> list[Path]:
    """The batch's files in the list's order (call after a successful ``main()``)."""
    return [e.dest(i) for i, e in enumerate(read_list(), start=1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="rewrite sha256, bytes and licence from the packages")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    args = parser.parse_args(argv)
    entries = read_list()
    tarballs = fetch_all(entries)
    BATCH_DIR.mkdir(parents=True, exist_ok=True)
    keep = set()
    bad = 0
    recorded: list[Entry] = []
    for i, e in enumerate(entries, start=1):
        data = member(tarballs[(e.package, e.version)], e.path)
        sha = hashlib.sha256(data).hexdigest()
        if args.record:
            e = Entry(e.package, e.version, e.path, sha, len(data), declared_licence(e.tarball), e.toolchain)
            recorded.append(e)
        elif sha != e.sha256 or len(data) != e.size:
            print(
                f"{LIST.name}:{i + 1}: {e.package}@{e.version} {e.path}: sha256 {sha} ({len(data)} bytes), "
                f"the list says {e.sha256} ({e.size} bytes)",
                file=sys.stderr,
            )
            bad += 1
            continue
        dest = e.dest(i)
        keep.add(dest)
        if not dest.exists() or dest.read_bytes() != data:
            dest.write_bytes(data)
    for stale in BATCH_DIR.glob("*.wasm"):
        if stale not in keep:
            stale.unlink()
    if args.record:
        write_list(recorded)
    if not args.quiet:
        total = sum(p.stat().st_size for p in keep)
        print(
            f"{len(keep)} modules from {len(tarballs)} packages, {total:,} bytes, "
            f"in {BATCH_DIR.relative_to(BENCH.parent)}"
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
