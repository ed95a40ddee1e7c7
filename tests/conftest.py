from __future__ import annotations

from pathlib import Path

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
