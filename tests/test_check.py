"""`wasmlint check` on real plugins: the motivating failure, its fixes, and each rule on purpose-built modules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wasmlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
WS_PLUGIN = ROOT / "corpus" / "go" / "ws_plugin.wasm"
SKETCH = (ROOT / "corpus" / "hosts" / "plusev-terminal.toml").read_text()
MOTIVATING = ["ws_connect", "ws_send", "ws_receive", "ws_close", "publish_stream_data"]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def findings(*args: str | Path) -> tuple[int, list[dict[str, object]]]:
    code, out, err = run("check", "--format", "json", *args)
    assert code == 2 or not err, err
    return code, json.loads(out)


def write(tmp_path: Path, text: str, name: str = "wasmlint.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_metadata_phase_fails_exactly_like_the_real_host(tmp_path: Path) -> None:
    manifest = write(tmp_path, SKETCH)
    code, found = findings("--manifest", manifest, "--phase", "meta", WS_PLUGIN)
    assert code == 1
    assert {f["code"] for f in found} == {"WL301"}
    assert sorted(str(f["subject"]) for f in found) == sorted(f"env.{name}" for name in MOTIVATING)
    assert all(f["phase"] == "meta" for f in found)


def test_full_run_of_the_sketch_passes(tmp_path: Path) -> None:
    manifest = write(tmp_path, SKETCH)
    code, found = findings("--manifest", manifest, "--phase", "run", WS_PLUGIN)
    assert (code, found) == (0, [])


def test_dummies_in_the_phase_fix_it_and_are_reported_as_information(tmp_path: Path) -> None:
    manifest = write(
        tmp_path, SKETCH.replace('provides = ["env.log_record"', 'missing = "dummy"\nprovides = ["env.log_record"')
    )
    code, found = findings("--manifest", manifest, WS_PLUGIN)
    assert code == 0
    assert {(f["code"], f["severity"]) for f in found} == {("WL302", "info")}
    assert sorted(str(f["subject"]) for f in found) == sorted(f"env.{name}" for name in MOTIVATING)


def test_host_functions_under_extism_user_namespace_give_the_namespace_diagnostic(tmp_path: Path) -> None:
    moved = SKETCH.replace("[imports.env]", '[imports."extism:host/user"]').replace('"env.', '"extism:host/user.')
    code, found = findings("--manifest", write(tmp_path, moved), "--phase", "run", WS_PLUGIN)
    assert code == 1
    wrong_namespace = [f for f in found if f["code"] == "WL102"]
    assert len(wrong_namespace) == 7
    assert all("extism:host/user" in str(f["message"]) for f in wrong_namespace)


def test_text_output_names_every_missing_import_at_once(tmp_path: Path) -> None:
    code, out, _ = run("check", "--manifest", write(tmp_path, SKETCH), WS_PLUGIN)
    assert code == 1
    for name in MOTIVATING:
        assert f"env.{name}" in out


@pytest.mark.parametrize(
    ("manifest", "line", "words"),
    [
        ('[host]\nname = "x"\n[imports.env]\nf = "(i64 -> i64"\n', 4, "env.f"),
        ('[host]\nname = "x"\ncolour = "red"\n', 3, "unknown key 'colour'"),
        ('[imports.env]\nf = "(i64) -> i64"\n[phases.meta]\nprovides = ["env.g"]\n', 4, "env.g"),
        ('[host]\npresets = ["wasi_preview2"]\n', 2, "unknown preset"),
        ("[host\n", 1, "invalid TOML"),
        ('[imports.env]\nf = "((ref 3)) -> ()"\n', 2, "type index"),
    ],
)
def test_manifest_errors_give_file_line_and_a_sentence(tmp_path: Path, manifest: str, line: int, words: str) -> None:
    path = write(tmp_path, manifest)
    code, out, err = run("check", "--manifest", path, WS_PLUGIN)
    assert code == 2
    assert f"{path}:{line}: " in err
    assert words in err
    assert "Traceback" not in err + out


def test_manifest_found_upwards_from_the_file(tmp_path: Path) -> None:
    write(tmp_path, SKETCH)
    nested = tmp_path / "plugins" / "ws"
    nested.mkdir(parents=True)
    plugin = nested / "ws_plugin.wasm"
    plugin.write_bytes(WS_PLUGIN.read_bytes())
    code, found = findings("--phase", "meta", plugin)
    assert code == 1 and len(found) == 5


def plugin_beside_pyproject(tmp_path: Path, pyproject: str) -> Path:
    """A copy of the Go plugin in a folder whose pyproject.toml reads ``pyproject``."""
    write(tmp_path, pyproject, "pyproject.toml")
    plugin = tmp_path / "p.wasm"
    plugin.write_bytes(WS_PLUGIN.read_bytes())
    return plugin


def test_pyproject_tool_table_names_the_manifest_and_ignores(tmp_path: Path) -> None:
    write(tmp_path, SKETCH, "host.toml")
    plugin = plugin_beside_pyproject(tmp_path, '[tool.wasmlint]\nmanifest = "host.toml"\nignore = ["WL301"]\n')
    assert findings(plugin) == (0, [])


def test_an_invalid_pyproject_is_an_error_at_its_line(tmp_path: Path) -> None:
    plugin = plugin_beside_pyproject(tmp_path, '[project]\nname = "host"\n\n[tool.wasmlint\nmanifest = "host.toml"\n')
    code, out, err = run("check", plugin)
    assert code == 2 and out == ""
    assert err.startswith(f"wasmlint: error: {tmp_path / 'pyproject.toml'}:4: invalid TOML: ")


def test_a_pyproject_whose_tool_key_is_not_a_table_has_no_configuration(tmp_path: Path) -> None:
    plugin = plugin_beside_pyproject(tmp_path, "tool = 3\n")
    code, out, err = run("check", plugin)
    assert code == 2 and out == ""
    assert "no manifest found" in err


def test_malformed_and_unreadable_files_exit_2_and_others_still_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"\x00asm\x01\x00\x00\x00\x01\x05\x00")
    loop = tmp_path / "loop.wasm"  # unreadable even by root (a folder would be searched for .wasm files)
    loop.symlink_to(loop)
    code, found = findings("--manifest", write(tmp_path, SKETCH), bad, tmp_path / "missing.wasm", loop, WS_PLUGIN)
    assert code == 2
    assert [f["code"] for f in found if f["path"] != str(WS_PLUGIN)] == ["WL001", "WL001", "WL001"]
    assert [f["message"] for f in found if f["path"] == str(loop)] == ["cannot read: Too many levels of symbolic links"]
    assert any(f["code"] == "WL301" for f in found)


def test_a_directory_given_as_manifest_is_a_clear_error(tmp_path: Path) -> None:
    code, out, err = run("check", "--manifest", tmp_path, WS_PLUGIN)
    assert code == 2
    assert out == ""
    assert err == f"wasmlint: error: {tmp_path}: cannot read the manifest: Is a directory\n"


def test_component_is_reported_clearly(tmp_path: Path) -> None:
    component = tmp_path / "c.wasm"
    component.write_bytes(b"\x00asm\x0d\x00\x01\x00")
    code, found = findings("--manifest", write(tmp_path, SKETCH), component)
    assert code == 1
    assert [f["code"] for f in found] == ["WL002"]


def test_rules_command_explains_each_code() -> None:
    code, out, _ = run("rules", "WL301")
    assert code == 0
    for heading in ("What it does", "Why is this bad?", "Example", "Fix"):
        assert heading in out
    assert run("rules", "WL999")[0] == 2
