"""The manifest's JSON Schema: valid, complete (every key the loader accepts, each described), in agreement with the
loader on what a manifest may say, and satisfied by the presets, the corpus's hosts, `init`'s output and the
examples of docs/manifest.md."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator  # type: ignore[import-untyped]

from wasmlint.decode.module import decode_path
from wasmlint.gen.scaffold import manifest_for
from wasmlint.manifest.catalog import summary
from wasmlint.manifest.config import TOOL_KEYS
from wasmlint.manifest.load import load_manifest
from wasmlint.manifest.loader import EXPORT_KEYS, HOST_KEYS, IMPORT_KEYS, LINT_KEYS, PHASE_KEYS, TOP_KEYS
from wasmlint.manifest.values import PRESET_ALIASES, PRESETS, ManifestError
from wasmlint.model import EXTERN_KINDS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "wasmlint" / "schemas" / "manifest.schema.json"
DOCS = ROOT / "docs" / "manifest.md"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft7Validator(SCHEMA)
DEFS = SCHEMA["definitions"]
CORPUS_MODULES = sorted((ROOT / "corpus").glob("*/*.wasm"))


def errors(data: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def loads(tmp_path: Path, text: str) -> bool:
    path = tmp_path / "hosts" / "wasmlint.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        load_manifest(path)
    except ManifestError:
        return False
    return True


def test_schema_is_a_valid_draft_07_schema_shipped_in_the_package() -> None:
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(SCHEMA)
    shipped = resources.files("wasmlint.schemas").joinpath("manifest.schema.json")
    assert json.loads(shipped.read_text(encoding="utf-8")) == SCHEMA


# --- no drift: the schema's keys are the loader's keys -------------------------------------------------------------


def _properties(where: str) -> set[str]:
    tables = {
        "top": SCHEMA,
        "host": SCHEMA["properties"]["host"],
        "import": DEFS["importTable"],
        "export": DEFS["export"]["anyOf"][1],
        "phase": DEFS["phase"],
        "lint": SCHEMA["properties"]["lint"],
    }
    table = tables[where]
    assert table["additionalProperties"] is False, f"{where}: unknown keys must be refused, as the loader does"
    return set(table["properties"])


@pytest.mark.parametrize(
    ("where", "keys"),
    [
        ("top", TOP_KEYS),
        ("host", HOST_KEYS),
        ("import", IMPORT_KEYS),
        ("export", EXPORT_KEYS),
        ("phase", PHASE_KEYS),
        ("lint", LINT_KEYS),
    ],
)
def test_schema_has_exactly_the_keys_the_loader_accepts(where: str, keys: set[str]) -> None:
    assert _properties(where) == keys


def test_enumerations_match_the_loader() -> None:
    assert DEFS["importTable"]["properties"]["kind"]["enum"] == list(EXTERN_KINDS)
    assert set(DEFS["export"]["anyOf"][1]["properties"]["kind"]["enum"]) == set(EXTERN_KINDS)
    presets = SCHEMA["properties"]["host"]["properties"]["presets"]["items"]["enum"]
    versioned = set()
    for name in PRESETS:
        info = summary(name)[0].info
        versioned |= {f"{name}@{version}" for version in (info.versions if info else ())}
    assert set(presets) == set(PRESETS) | set(PRESET_ALIASES) | versioned
    assert DEFS["phase"]["properties"]["missing"]["enum"] == ["error", "dummy"]


def _described(node: Any, path: str = "#") -> Iterator[str]:
    """Paths of properties (at any depth) that have no description (a $ref's target is checked on its own)."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            if not (isinstance(sub, dict) and ((sub.get("description") or "").strip() or "$ref" in sub)):
                yield f"{path}/properties/{name}"
        for key, value in node.items():
            if key != "if":  # conditions restate keys described elsewhere
                yield from _described(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _described(value, f"{path}/{i}")


def test_every_key_has_a_description() -> None:
    assert list(_described(SCHEMA)) == []
    assert all(DEFS[name].get("description") for name in DEFS)


def test_docs_document_every_key() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for key in TOP_KEYS | HOST_KEYS | IMPORT_KEYS | EXPORT_KEYS | PHASE_KEYS | LINT_KEYS | TOOL_KEYS:
        assert f"`{key}`" in text, key
    for kind in EXTERN_KINDS:
        assert f'`"{kind}"`' in text, kind


# --- what validates ----------------------------------------------------------------------------------------------

PRESET_FILES = [  # the original presets are manifests; the ecosystems' have a [preset] table (printed below)
    path
    for path in sorted((ROOT / "wasmlint" / "presets").glob("*.toml"))
    if "preset" not in tomllib.loads(path.read_text(encoding="utf-8"))
]
HOST_FILES = sorted((ROOT / "corpus" / "hosts").glob("*.toml"))


@pytest.mark.parametrize("path", PRESET_FILES + HOST_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_presets_and_corpus_hosts_validate(path: Path) -> None:
    assert errors(tomllib.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    "path",
    CORPUS_MODULES,
    ids=lambda p: p.name,
)
def test_manifests_written_by_init_validate(path: Path) -> None:
    assert errors(tomllib.loads(manifest_for([(path.as_posix(), decode_path(path))]))) == []


def test_one_manifest_for_many_plugins_validates() -> None:
    plugins = [(p.as_posix(), decode_path(p)) for p in CORPUS_MODULES if p.name != "gc_types.wasm"]
    assert errors(tomllib.loads(manifest_for(plugins, host='a "quoted" host'))) == []


def _doc_blocks() -> list[str]:
    blocks = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    return [b for b in blocks if "[tool." not in b and "[[rule]]" not in b]


@pytest.mark.parametrize("block", _doc_blocks(), ids=lambda b: b.splitlines()[0][:40])
def test_examples_in_the_docs_validate_and_load(block: str, tmp_path: Path) -> None:
    assert errors(tomllib.loads(block)) == []
    (tmp_path / "hosts").mkdir()
    (tmp_path / "hosts" / "production.toml").write_text("", encoding="utf-8")
    assert loads(tmp_path, block), block


def test_the_docs_have_examples_of_every_table() -> None:
    blocks = "\n".join(_doc_blocks())
    for header in ("[host]", "[imports.env]", "[exports]", "[phases.", "[lint]", "[lint.per-file-ignores]"):
        assert header in blocks


# --- the schema and the loader agree ------------------------------------------------------------------------------

VALID = [
    '[imports.env]\nf = "(i64) -> i64"\n',
    '[imports.env]\nf = "( i32 , i64, ) -> ( )"\ng = "((ref null func), anyref) -> (ref i31)"\n',
    '[imports."extism:host/user"]\n"invoke_*" = "*"\n"a?" = { signature = " * " }\n',
    '[imports.env]\nm = { kind = "memory", min = 1, max = 2, shared = true, index = "i64", page_size = 1 }\n',
    '[imports.env]\nt = { kind = "table", element = "externref", min = 0 }\n',
    '[imports.env]\ng = { kind = "global", type = "(ref null extern)", mutable = true }\n',
    '[imports.env]\ne = { kind = "tag", signature = "(i32) -> ()" }\n',
    '[imports.env]\nf = { signature = "() -> ()", deprecated = "use g", forbidden = false }\n',
    '[exports]\na = "() -> i32"\nb = { required = false }\nc = { kind = "global", type = "i32" }\n',
    '[host]\nname = "x"\npresets = ["wasi", "extism:host/env"]\ndescription = "d"\n',
    '[imports.env]\nf = "() -> ()"\n[phases.meta]\nprovides = ["env.*"]\nmissing = "dummy"\ndescription = "d"\n',
    '[lint]\nselect = ["ALL"]\nignore = ["WL1", "WL109"]\nper-file-ignores = { "a/*.wasm" = ["WL401"] }\n',
    "",
]

INVALID = [
    '[hosts]\nname = "x"\n',
    '[host]\nname = "x"\nversion = 1\n',
    "[host]\nname = 3\n",
    '[host]\npresets = ["wasi_preview2"]\n',
    '[host]\npresets = "wasi"\n',
    "[host]\nextends = 3\n",
    "[imports]\nenv = 3\n",
    '[imports.env]\nf = { sig = "() -> ()" }\n',
    '[imports.env]\nf = { kind = "function", signature = "() -> ()" }\n',
    '[imports.env]\nf = { kind = "func" }\n',
    '[imports.env]\ne = { kind = "tag" }\n',
    '[imports.env]\ng = { kind = "global" }\n',
    '[imports.env]\ng = { kind = "global", type = "int" }\n',
    '[imports.env]\nf = "*"\n',
    '[imports.env]\nf = "((ref 3)) -> ()"\n',
    '[imports.env]\nf = "(i64 -> i64"\n',
    '[imports.env]\nf = "(i32 i64) -> ()"\n',
    '[imports.env]\nf = "() -> i32 i64"\n',
    "[imports.env]\nf = 3\n",
    '[imports.env]\nm = { kind = "memory", min = -1 }\n',
    '[imports.env]\nm = { kind = "memory", min = 1.5 }\n',
    '[imports.env]\nm = { kind = "memory", min = true }\n',
    '[imports.env]\nm = { kind = "memory", index = "i16" }\n',
    '[imports.env]\nf = { signature = "() -> ()", deprecated = 3 }\n',
    '[exports]\na = "*"\n',
    "[exports]\na = { min = 1 }\n",
    '[exports]\na = { required = "yes" }\n',
    '[exports]\na = { kind = "function" }\n',
    "[phases.run]\nprovides = []\n",
    '[phases.meta]\nmissing = "stub"\n',
    '[phases.meta]\nprovides = "env.f"\n',
    '[phases.meta]\nprovided = ["env.f"]\n',
    '[lint]\nselect = "WL1"\n',
    '[lint]\nper-file-ignores = { "x" = "WL1" }\n',
]


@pytest.mark.parametrize("text", VALID)
def test_valid_for_both(text: str, tmp_path: Path) -> None:
    assert errors(tomllib.loads(text)) == []
    assert loads(tmp_path, text)


@pytest.mark.parametrize("text", INVALID)
def test_invalid_for_both(text: str, tmp_path: Path) -> None:
    assert errors(tomllib.loads(text)), "the schema accepts it"
    assert not loads(tmp_path, text), "the loader accepts it"


SCHEMA_ONLY = [
    # The loader accepts these and gets them wrong or lets them do nothing; the schema refuses them.
    ('[imports.env]\nm = { kind = "memory", min = 1, max = 2, shared = "false" }\n', "bool('false') is True"),
    ('[imports.env]\ng = { kind = "global", type = "i32", mutable = "no" }\n', "bool('no') is True"),
    ('[imports.env]\nt = { kind = "table", element = "i32" }\n', "a table of i32 elements"),
    ('[imports.env]\nm = { kind = "memory", page_size = 4096 }\n', "page sizes are 1 or 65536"),
    ('[lint]\nselect = ["wl1"]\n', "lower-case codes select nothing"),
    ('[lint]\nselected = ["WL1"]\n', "unknown [lint] key"),
]


@pytest.mark.parametrize(("text", "why"), SCHEMA_ONLY, ids=[why for _, why in SCHEMA_ONLY])
def test_schema_refuses_what_the_loader_should(text: str, why: str, tmp_path: Path) -> None:
    assert errors(tomllib.loads(text)), why
    assert not loads(tmp_path, text), why
