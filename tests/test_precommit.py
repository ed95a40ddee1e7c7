"""The pre-commit hook, for real: pre-commit installs this checkout into its own environment and runs the hook.

A snapshot of the package as it is in the working tree (committed files and new ones alike) is committed to a
temporary git repository, which a temporary plugin repository then uses as its hook repository. pre-commit
pip-installs it once per test module (about 15 seconds, from the package index; try-repo once more, in a store
of its own). ``PRE_COMMIT_HOME`` is a temporary directory: nothing outside the test's directories is touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
pytest.importorskip("pre_commit")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
PACKAGE_DIRS = ("wasmlint", "templates")

if shutil.which("git") is None:  # pragma: no cover
    pytest.skip("git is needed", allow_module_level=True)

MANIFEST = """\
[host]
name = "ws-host"
presets = ["wasi_snapshot_preview1", "extism"]

[imports.env]
log_record = "(i64) -> i64"
http_request = "(i64) -> i64"
ws_connect = "(i64) -> i64"
ws_send = "(i64) -> i64"
ws_receive = "(i64) -> i64"
ws_close = "(i64) -> i64"
publish_stream_data = "(i64) -> i64"
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=wasmlint tests", "-c", "user.email=tests@wasmlint.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def package_files() -> list[str]:
    """What pip needs to build the package, as it is in the working tree (tracked or not, never ignored)."""
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "--", *PACKAGE_DIRS).splitlines()
    return [*PACKAGE_FILES, *(name for name in listed if (ROOT / name).is_file())]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding a snapshot of this checkout's package, and the commit to use."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in package_files():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, target)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot of the wasmlint working tree")
    return repo, git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never", "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def plugins(tmp_path_factory: pytest.TempPathFactory, hook_repo: tuple[Path, str]) -> Path:
    """A plugin project: a manifest, a plugin that fits it, one that does not, and files that are not plugins."""
    repo = tmp_path_factory.mktemp("plugin-project")
    (repo / "wasmlint.toml").write_text(MANIFEST, encoding="utf-8")
    (repo / "plugins").mkdir()
    shutil.copyfile(CORPUS / "go" / "ws_plugin.wasm", repo / "plugins" / "good.wasm")
    shutil.copyfile(CORPUS / "go" / "user_plugin.wasm", repo / "plugins" / "bad.wasm")
    (repo / "plugins" / "README.md").write_text("# plugins\n", encoding="utf-8")
    path, rev = hook_repo
    config = {"repos": [{"repo": str(path), "rev": rev, "hooks": [{"id": "wasmlint"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "plugins")
    return repo


def pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def installed(plugins: Path, env: dict[str, str]) -> Path:
    """Install the hook's environment once (pip-installs the snapshot); every later run reuses it."""
    result = pre_commit(plugins, env, "install-hooks")
    assert result.returncode == 0, result.stdout + result.stderr
    return plugins


def test_hooks_file_is_valid_and_declares_the_wasmlint_hook() -> None:
    manifest = ROOT / ".pre-commit-hooks.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(manifest)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = {hook["id"]: hook for hook in yaml.safe_load(manifest.read_text(encoding="utf-8"))}
    assert {k: hooks["wasmlint"][k] for k in ("entry", "language", "files", "types")} == {
        "entry": "wasmlint check",
        "language": "python",
        "files": r"\.wasm$",
        "types": ["binary"],
    }


def test_hook_passes_on_a_plugin_that_fits_the_host(installed: Path, env: dict[str, str]) -> None:
    result = pre_commit(installed, env, "run", "--files", "plugins/good.wasm")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wasmlint" in result.stdout and "Passed" in result.stdout


def test_hook_fails_on_a_plugin_that_does_not_and_shows_the_findings(installed: Path, env: dict[str, str]) -> None:
    result = pre_commit(installed, env, "run", "--files", "plugins/bad.wasm", "plugins/good.wasm")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout and "- exit code: 1" in result.stdout
    findings = [line for line in result.stdout.splitlines() if " WL" in line]
    assert len(findings) == 7
    assert all(
        line.startswith("plugins/bad.wasm:0x") and " WL101 import extism:host/user." in line for line in findings
    )
    assert "plugins/bad.wasm:0x31b: WL101 import extism:host/user.kv_get (i64) -> i64 is not provided" in result.stdout
    assert "Found 7 errors in 1 file." in result.stdout


def test_all_files_passes_only_wasm_files_to_the_hook(installed: Path, env: dict[str, str]) -> None:
    result = pre_commit(installed, env, "run", "--all-files", "--verbose")
    assert result.returncode == 1
    assert "good.wasm" not in result.stdout  # nothing to say about it
    assert "WL001" not in result.stdout  # wasmlint.toml, README.md and the config were not given to wasmlint
    assert result.stdout.count(" WL101 ") == 7


def test_hook_skips_when_no_plugin_changed(installed: Path, env: dict[str, str]) -> None:
    result = pre_commit(installed, env, "run", "--files", "plugins/README.md", "wasmlint.toml")
    assert result.returncode == 0
    assert "(no files to check)Skipped" in result.stdout


@pytest.fixture
def fixed_manifest(installed: Path) -> Iterator[Path]:
    manifest = installed / "wasmlint.toml"
    original = manifest.read_text(encoding="utf-8")
    manifest.write_text(original.replace("[imports.env]", '[imports."extism:host/user"]\n"*" = "*"\n\n[imports.env]'))
    yield installed
    manifest.write_text(original, encoding="utf-8")


def test_the_hook_reads_the_manifest_of_the_project(fixed_manifest: Path, env: dict[str, str]) -> None:
    result = pre_commit(fixed_manifest, env, "run", "--files", "plugins/bad.wasm")
    assert result.returncode == 0, result.stdout + result.stderr


def test_try_repo(plugins: Path, hook_repo: tuple[Path, str], env: dict[str, str]) -> None:
    """try-repo installs into a store of its own (not PRE_COMMIT_HOME): one more install, about 10 seconds."""
    path, rev = hook_repo
    result = pre_commit(plugins, env, "try-repo", str(path), "wasmlint", "--ref", rev, "--files", "plugins/bad.wasm")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Using config:" in result.stdout
    assert result.stdout.count(" WL101 import extism:host/user.") == 7


GEN_ARGS = ["--target", "python-wasmtime", "-o", "host/table.py", "plugins/good.wasm"]


@pytest.fixture
def gen_hook(installed: Path) -> Iterator[Path]:
    """The plugin project with a table written by `wasmlint gen` and the `wasmlint-gen` hook keeping it current."""
    config_path = installed / ".pre-commit-config.yaml"
    original = config_path.read_text(encoding="utf-8")
    config = yaml.safe_load(original)
    config["repos"][0]["hooks"].append({"id": "wasmlint-gen", "args": GEN_ARGS})
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    (installed / "host").mkdir()
    subprocess.run([sys.executable, "-m", "wasmlint", "gen", *GEN_ARGS], cwd=installed, check=True, capture_output=True)
    git(installed, "add", "-A")
    yield installed
    config_path.write_text(original, encoding="utf-8")
    shutil.rmtree(installed / "host")
    git(installed, "add", "-A")


def test_gen_hook_passes_when_the_table_is_current_and_fails_with_a_diff_when_stale(
    gen_hook: Path, env: dict[str, str]
) -> None:
    result = pre_commit(gen_hook, env, "run", "wasmlint-gen", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    table = gen_hook / "host" / "table.py"
    edited = table.read_text(encoding="utf-8").replace('"ws_connect"', '"ws_konnect"', 1)
    assert "ws_konnect" in edited
    table.write_text(edited, encoding="utf-8")
    result = pre_commit(gen_hook, env, "run", "wasmlint-gen", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "--- " in result.stdout and "+++ " in result.stdout  # the unified diff
    assert table.read_text(encoding="utf-8") == edited  # --check wrote nothing
