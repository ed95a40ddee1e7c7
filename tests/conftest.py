from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture
def wat2wasm():  # type: ignore[no-untyped-def]
    wasmtime = pytest.importorskip("wasmtime")

    def convert(text: str) -> bytes:
        return bytes(wasmtime.wat2wasm(text))

    return convert


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from its temporary directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True, scope="session")
def private_manifest_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the manifest cache of every test run (and of the wasmlint processes tests start) out of ~/.cache."""
    directory = tmp_path_factory.mktemp("wasmlint-cache")
    previous = os.environ.get("WASMLINT_CACHE_DIR")
    os.environ["WASMLINT_CACHE_DIR"] = str(directory)
    yield directory
    if previous is None:
        del os.environ["WASMLINT_CACHE_DIR"]
    else:
        os.environ["WASMLINT_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def go_hosts(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The Go test hosts (tests/gohost.py), built once per session against the vendored Extism Go SDK and wazero."""
    if shutil.which("go") is None:
        pytest.skip("go is not installed")
    import gohost

    if not (gohost.VENDORED / "vendor" / "modules.txt").is_file():
        message = f"no vendored Extism Go SDK at {gohost.VENDORED} (set WASMLINT_GO_VENDOR to a copy of shared/go)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI has shared/ beside its clone: a missing tree is a broken setup, not a skip
        pytest.skip(message)

    return gohost.build(tmp_path_factory.mktemp("go"))
