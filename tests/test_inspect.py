"""`wasmlint inspect` output: the JSON contract (checked against the shipped schema) and the text table."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from wasmlint import __version__
from wasmlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "corpus").rglob("*.wasm"))
SCHEMA = json.loads(resources.files("wasmlint.schemas").joinpath("inspect.schema.json").read_text())


def inspect(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["inspect", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_corpus_listing_matches_the_schema() -> None:
    code, out, _ = inspect("--format", "json", *CORPUS)
    assert code == 0
    listing = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(listing)
    assert [entry["path"] for entry in listing] == [str(p) for p in CORPUS]
    assert [entry["kind"] for entry in listing] == [
        "component" if p.name.endswith(".component.wasm") else "module" for p in CORPUS
    ]


def test_errors_are_listed_in_place_and_exit_2(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.wasm"
    truncated.write_bytes(CORPUS[0].read_bytes()[:100])
    loop = tmp_path / "loop.wasm"  # unreadable even by root (a folder would be searched for .wasm files)
    loop.symlink_to(loop)
    code, out, _ = inspect("--format", "json", truncated, tmp_path / "absent.wasm", loop, CORPUS[0])
    assert code == 2
    listing = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(listing)
    assert listing[0]["error"]["message"] == "length out of bounds"  # the cut falls inside a section
    assert listing[0]["error"]["offset"] <= 100
    assert listing[1]["error"]["offset"] is None
    assert listing[2] == {"path": str(loop), "error": {"offset": None, "message": "Too many levels of symbolic links"}}
    assert listing[3]["kind"] == "module"


def test_go_plugin_listing_names_its_producer_and_motivating_imports() -> None:
    code, out, _ = inspect("--format", "json", ROOT / "corpus" / "go" / "ws_plugin.wasm")
    assert code == 0
    [entry] = json.loads(out)
    assert {"module": "env", "name": "ws_connect", "kind": "func", "type": {"params": ["i64"], "results": ["i64"]}} in (
        entry["imports"]
    )
    assert {"name": "meta", "kind": "func", "type": {"params": [], "results": ["i32"]}} in entry["exports"]
    assert entry["producers"]["language"][0]["name"] == "Go"


def test_text_table_lists_index_kind_name_and_signature() -> None:
    code, out, _ = inspect(ROOT / "corpus" / "wat" / "names.wasm")
    assert code == 0
    assert "name: mymod" in out
    assert "producers: language wat 1.0" in out
    assert "env.report" in out and "(i32) -> ()" in out


def test_hostile_names_print_on_one_line(wat2wasm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    module = tmp_path / "hostile.wasm"
    module.write_bytes(wat2wasm('(module (import "env\\n" "a\\1b[31m\\"" (func)))'))
    code, out, _ = inspect(module)
    assert code == 0
    assert "\x1b" not in out
    assert len(out.splitlines()) == 2


def test_module_name_and_producers_have_control_characters_escaped(tmp_path: Path) -> None:
    def name(text: bytes) -> bytes:
        return bytes([len(text)]) + text

    def custom(section_name: bytes, payload: bytes) -> bytes:
        body = name(section_name) + payload
        return b"\x00" + bytes([len(body)]) + body

    module_name = name(b"red\x1b[31m\nline")
    producers = b"\x01" + name(b"language") + b"\x01" + name(b"Go\x07") + name(b"1\r2")
    module = tmp_path / "hostile.wasm"
    module.write_bytes(
        b"\x00asm\x01\x00\x00\x00"
        + custom(b"name", b"\x00" + bytes([len(module_name)]) + module_name)
        + custom(b"producers", producers)
    )
    code, out, _ = inspect(module)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "  name: red\\u001b[31m\\nline" in out.splitlines()
    assert "  producers: language Go\\u0007 1\\r2" in out.splitlines()


@pytest.mark.parametrize("flag", ["--version", "--help", "-h"])
def test_version_and_help_answer(flag: str) -> None:
    result = CliRunner().invoke(main, [flag])
    assert result.exit_code == 0
    assert result.stdout.strip()
    if flag == "--version":
        assert result.stdout == f"wasmlint, version {__version__}\n"
    else:
        assert "-h, --help  Show this message and exit." in result.stdout
        assert "--version   Show the version and exit." in result.stdout


@pytest.mark.parametrize("command", ["inspect", "check", "gen", "init", "rules"])
def test_every_command_has_help_and_usage_errors_point_to_it(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: main {command} [OPTIONS]")
    assert "-h, --help" in result.stdout and "Show this message and exit." in result.stdout
    result = CliRunner().invoke(main, [command, "--no-such-option"])
    assert result.exit_code == 2
    assert f"Try 'main {command} --help' for help." in result.stderr
