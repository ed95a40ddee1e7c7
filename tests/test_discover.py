"""Folders and globs as arguments: the .wasm files below, as ruff finds Python files, with git as the referee.

``git check-ignore`` decides independently which files a repository ignores; the search must skip exactly those
(and the exclusions), keep every file named explicitly, and report paths relative to where it found them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from wasmlint.batch.discover import DEFAULT_EXCLUDE, expand, gitignore_rule
from wasmlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
MODULE = (ROOT / "corpus" / "thirdparty" / "tree-sitter-json-0.24.8" / "tree-sitter-json.wasm").read_bytes()
GIT = shutil.which("git")

TREE = [
    "a.wasm",
    "b.txt",
    "keep.wasm",
    "root.wasm",
    "plugins/one.wasm",
    "plugins/two.wasm",
    "plugins/deep/three.wasm",
    "plugins/deep/skip.wasm",
    "plugins/deep/notes.md",
    "build/out.wasm",
    "build/keep/x.wasm",
    "sub/root.wasm",
    "sub/local.wasm",
    "sub/inner/local.wasm",
    "sub/inner/other.wasm",
    "odd name [1].wasm",
    "node_modules/dep/dep.wasm",
    ".venv/lib/x.wasm",
    "vendor/v.wasm",
    "#hash.wasm",
    "!bang.wasm",
]
GITIGNORE = """\
# comments and blank lines are not patterns

/root.wasm
build/
**/deep/skip.wasm
\\#hash.wasm
*.tmp
vendor
"""
SUB_GITIGNORE = "local.wasm\n!inner/local.wasm\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in TREE:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(MODULE if name.endswith(".wasm") else b"text")
    (tmp_path / ".gitignore").write_text(GITIGNORE)
    (tmp_path / "sub" / ".gitignore").write_text(SUB_GITIGNORE)
    if GIT:
        subprocess.run([GIT, "init", "-q", str(tmp_path)], check=True)
        (tmp_path / ".git" / "info").mkdir(parents=True, exist_ok=True)
        (tmp_path / ".git" / "info" / "exclude").write_text("plugins/two.wasm\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def git_ignored(repo: Path, paths: list[str]) -> set[str]:
    assert GIT
    done = subprocess.run(
        [GIT, "check-ignore", "--no-index", "--stdin", "-z"],
        cwd=repo,
        input="\0".join(paths).encode(),
        capture_output=True,
    )
    return {p for p in done.stdout.decode().split("\0") if p}


@pytest.mark.skipif(GIT is None, reason="git is the reference")
def test_a_folder_gives_what_git_does_not_ignore_and_the_exclusions_do_not_skip(repo: Path) -> None:
    found = list(expand(["."]))
    wasm = sorted(name for name in TREE if name.endswith(".wasm"))
    ignored = git_ignored(repo, wasm)
    assert {"root.wasm", "build/out.wasm", "plugins/deep/skip.wasm", "sub/local.wasm", "plugins/two.wasm"} <= ignored
    assert "sub/inner/local.wasm" not in ignored and "sub/root.wasm" not in ignored
    excluded = {name for name in wasm if name.split("/")[0] in DEFAULT_EXCLUDE}
    assert sorted(found) == sorted(set(wasm) - ignored - excluded)
    assert found == sorted(found, key=lambda p: (p.split("/")[:-1], p))  # each folder's files, then its folders
    assert "!bang.wasm" in found and "odd name [1].wasm" in found


@pytest.mark.skipif(GIT is None, reason="git is the reference")
def test_paths_are_relative_to_where_they_were_found(repo: Path) -> None:
    assert list(expand(["plugins"])) == ["plugins/one.wasm", "plugins/deep/three.wasm"]
    assert list(expand(["./plugins/"])) == ["./plugins/one.wasm", "./plugins/deep/three.wasm"]
    absolute = str(repo / "plugins")
    assert list(expand([absolute])) == [f"{absolute}/one.wasm", f"{absolute}/deep/three.wasm"]


@pytest.mark.skipif(GIT is None, reason="git is the reference")
def test_a_file_named_is_always_used_and_a_file_found_once(repo: Path) -> None:
    named = ["build/out.wasm", "node_modules/dep/dep.wasm", "b.txt", "missing.wasm", "b.txt"]
    assert list(expand([*named, "plugins", "plugins/one.wasm", "plugins/**/*.wasm", "plugins"])) == [
        *named,
        "plugins/one.wasm",
        "plugins/deep/three.wasm",
        "plugins/one.wasm",  # named after it was found: named, so used again
    ]


@pytest.mark.skipif(GIT is None, reason="git is the reference")
def test_globs_are_expanded_under_the_same_rules(repo: Path) -> None:
    assert list(expand(["plugins/**/*.wasm"])) == ["plugins/deep/three.wasm", "plugins/one.wasm"]
    assert list(expand(["**/dep.wasm"])) == []  # node_modules is excluded below the pattern's fixed part
    assert list(expand(["nothing/*.wasm"])) == ["nothing/*.wasm"]  # matches nothing: reported by the command


@pytest.mark.skipif(GIT is None, reason="git is the reference")
def test_exclusions_from_the_command_line_and_pyproject(repo: Path) -> None:
    assert "node_modules/dep/dep.wasm" in expand(["."], exclude=[".git"])  # replaces the defaults
    assert not any(p.startswith("plugins/") for p in expand(["."], extend_exclude=["plugins"]))
    assert "plugins/one.wasm" not in expand(["."], extend_exclude=["plugins/one.wasm"])
    (repo / "pyproject.toml").write_text('[tool.wasmlint]\nextend-exclude = ["deep"]\nrespect-gitignore = false\n')
    found = list(expand(["."]))
    assert "plugins/deep/three.wasm" not in found and "root.wasm" in found  # gitignore no longer applies
    (repo / "pyproject.toml").write_text('[tool.wasmlint]\nexclude = "deep"\n')
    code, out, err = cli("inspect", ".")
    assert code == 2 and out == "" and "exclude must be a list" in err


@pytest.mark.skipif(GIT is None, reason="git is the reference")
def test_exclusions_from_a_wasmlint_toml_lint_table(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project with no pyproject.toml keeps its exclusions beside its manifest; the nearest configuration decides,
    a ``wasmlint.toml`` before a ``pyproject.toml`` in the same folder, as ``check`` finds its manifest."""
    (repo / "pyproject.toml").write_text('[tool.wasmlint]\nextend-exclude = ["plugins"]\n')
    assert not any(p.startswith("plugins/") for p in expand(["."]))
    manifest = '[host]\nname = "h"\npresets = ["wasi_snapshot_preview1"]\n\n[lint]\n'
    (repo / "wasmlint.toml").write_text(manifest + 'extend-exclude = ["deep"]\nrespect-gitignore = false\n')
    found = list(expand(["."]))
    assert "plugins/one.wasm" in found and "root.wasm" in found  # pyproject's table no longer decides; nor git
    assert "plugins/deep/three.wasm" not in found and "node_modules/dep/dep.wasm" not in found
    (repo / "wasmlint.toml").write_text(manifest.replace("\n[lint]\n", ""))  # no [lint]: still the nearest
    assert "plugins/one.wasm" in expand(["."]) and "root.wasm" not in expand(["."])
    (repo / "sub" / "wasmlint.toml").write_text(manifest + 'exclude = ["inner"]\n')
    monkeypatch.chdir(repo / "sub")
    assert list(expand(["."])) == ["root.wasm"]  # its own exclude replaces the defaults; local.wasm is git-ignored
    (repo / "sub" / "wasmlint.toml").write_text(manifest + 'exclude = "inner"\n')
    code, out, err = cli("inspect", ".")
    assert code == 2 and out == "" and "wasmlint.toml: [lint] exclude must be a list of glob patterns" in err
    code, out, err = cli("check", "root.wasm")  # the manifest itself names the line
    assert code == 2 and "wasmlint.toml:6" in err and "`exclude` must be a list of glob patterns" in err


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.skipif(GIT is None, reason="git is the reference")
def test_commands_take_folders(repo: Path) -> None:
    files = list(expand(["plugins", "sub"]))
    for command in (
        ["inspect", "--format", "json"],
        ["check", "--preset", "wasi_snapshot_preview1", "--format", "json"],
    ):
        by_folder = cli(*command, "plugins", "sub")
        by_files = cli(*command, *files)
        assert by_folder == by_files
    entries = json.loads(cli("inspect", "--format", "json", "plugins", "sub")[1])
    assert [e["path"] for e in entries] == files
    code, _, err = cli("init", "-o", "host.toml", "plugins")
    assert code == 0 and "`wasmlint check plugins`" in err
    assert "plugins/one.wasm" in (repo / "host.toml").read_text()
    code, out, err = cli("inspect", "b.txt")  # named: listed, as an error
    assert code == 2 and "b.txt" in err
    (repo / "empty").mkdir()
    code, out, err = cli("check", "--preset", "wasi_snapshot_preview1", "empty")
    assert code == 0 and out == "" and "no .wasm file found in empty" in err


@pytest.mark.parametrize(
    ("pattern", "path", "matched"),
    [
        ("*.wasm", "a/b/c.wasm", True),
        ("/c.wasm", "a/c.wasm", False),
        ("a/*.wasm", "a/b/c.wasm", False),
        ("a/**/c.wasm", "a/b/d/c.wasm", True),
        ("a/**/c.wasm", "a/c.wasm", True),
        ("**/b", "x/y/b", True),
        ("a/**", "a/b/c", True),
        ("c?.wasm", "c1.wasm", True),
        ("c[0-9].wasm", "x/c7.wasm", True),
        ("c[!0-9].wasm", "c7.wasm", False),
        ("\\!x", "!x", True),
        ("trailing\\ ", "trailing ", True),
    ],
)
def test_gitignore_patterns(pattern: str, path: str, matched: bool) -> None:
    rule = gitignore_rule(pattern)
    assert rule is not None
    assert bool(rule.regex.fullmatch(path)) is matched
    assert gitignore_rule("# comment") is None and gitignore_rule("   ") is None


@pytest.mark.skipif(GIT is None, reason="git is the reference")
def test_init_over_a_folder_of_many_plugins_says_how_many_and_names_a_few(repo: Path) -> None:
    many = repo / "many"
    many.mkdir()
    for n in range(12):
        (many / f"p{n:02}.wasm").write_bytes(MODULE)
    code, out, _ = cli("init", "-o", "-", "many")
    assert code == 0
    assert "# From: 12 plugins: many/p00.wasm, many/p01.wasm, many/p02.wasm and 9 more" in out
    needed = [line for line in out.splitlines() if line.startswith("# needed by")]
    assert needed and all(line.startswith("# needed by 12 plugins: many/p00.wasm, ") for line in needed)
    assert max(len(line) for line in out.splitlines() if line.startswith("#")) < 120
