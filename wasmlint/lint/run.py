"""One `wasmlint check` run over many files: configuration, decoding, rules, filtering, exit status.

Files are independent: the findings of a file do not depend on which other files share the run, so pre-commit's
batching cannot change results (the opt-in WL401, which is about the whole set, is the one exception).
"""

from __future__ import annotations

import fnmatch
import os
from functools import partial
from typing import TYPE_CHECKING

from ..decode.module import decode_path
from ..decode.reader import DecodeError
from ..manifest.config import Config, ConfigFinder
from ..manifest.load import preset_manifest
from ..manifest.values import RUN_PHASE, Manifest, ManifestError, Phase
from ..model import Module
from ..record import Record, field
from .checks import unused_entries
from .diagnostics import Finding
from .feature_rules import file_bytes
from .per_module import check_decoded, read_failure
from .rules import RULES_BY_CODE, enabled_codes

if TYPE_CHECKING:
    from ..decode.wit import Component


class CheckResult(Record, frozen=False):
    findings: list[Finding] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    """Problems that are not about a module: a manifest that cannot be used, a file with no manifest."""
    malformed: bool = False

    @property
    def exit_status(self) -> int:
        if self.failures or self.malformed:
            return 2
        return 1 if any(f.severity == "error" for f in self.findings) else 0


def run_check(
    files: tuple[str, ...] | list[str],
    *,
    manifest: str | None = None,
    presets: tuple[str, ...] = (),
    phases: tuple[str, ...] = (),
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    host_versions: tuple[str, ...] = (),
    finder: ConfigFinder | None = None,
) -> CheckResult:
    """Check ``files``; ``host_versions`` are the host releases to check against (each one, in one run), and
    ``finder`` lets consecutive runs over one file each (``lint/stream.py``) share configuration lookups."""
    result = CheckResult()
    finder = finder or ConfigFinder(manifest or None)
    fixed: Config | None = None
    if presets and not manifest:
        try:
            built = preset_manifest(list(presets))
        except ManifestError as exc:
            result.failures.append(str(exc))
            return result
        fixed = Config(built, built.lint, os.getcwd())
    decoded: dict[str, list[Module]] = {}
    unused_wanted: dict[str, Manifest] = {}
    views: dict[object, Manifest] = {}
    for path in files:
        try:
            config = fixed or finder.for_file(path)
        except ManifestError as exc:
            if str(exc) not in result.failures:
                result.failures.append(str(exc))
            continue
        if config is None:
            result.failures.append(
                f"{path}: no manifest found: pass --manifest (or --preset), create wasmlint.toml "
                "(`wasmlint init` writes one), or set `manifest` under [tool.wasmlint] in pyproject.toml"
            )
            continue
        selected = _phases(config.manifest, phases, result)
        if selected is None:
            continue
        codes = enabled_codes(select or list(config.lint.select) or None, ignore or list(config.lint.ignore))
        codes -= _per_file_ignored(path, config)
        try:
            module = decode_path(path)
        except (DecodeError, OSError) as exc:
            result.malformed = True
            result.findings.append(read_failure(path, exc))
            continue
        outcome = check_decoded(
            path,
            module,
            config.manifest,
            selected,
            host_versions,
            component=partial(_component, path),
            views=views,
            data=partial(file_bytes, path),
        )
        result.malformed |= outcome.malformed
        if outcome.failure is not None and outcome.failure not in result.failures:
            result.failures.append(outcome.failure)
        result.findings.extend(f for f in outcome.findings if f.code in codes)
        if not outcome.counted:
            continue
        decoded.setdefault(config.manifest.path, []).append(module)
        if "WL401" in codes:
            unused_wanted[config.manifest.path] = config.manifest
    for key, manifest_wanting in unused_wanted.items():
        result.findings.extend(unused_entries(manifest_wanting, decoded[key]))
    return result


def _component(path: str) -> Component:
    from ..decode.component import decode_component_path

    return decode_component_path(path)


def _phases(manifest: Manifest, names: tuple[str, ...], result: CheckResult) -> list[Phase] | None:
    if not names:
        return list(manifest.phases)
    known = {phase.name: phase for phase in manifest.phases}
    chosen = []
    for name in names:
        if name == RUN_PHASE:
            continue
        if name not in known:
            message = f"{manifest.path}: no phase {name!r}; the manifest declares: " + ", ".join([RUN_PHASE, *known])
            if message not in result.failures:
                result.failures.append(message)
            return None
        chosen.append(known[name])
    return chosen


def _per_file_ignored(path: str, config: Config) -> set[str]:
    if not config.lint.per_file_ignores:
        return set()
    try:
        relative = os.path.relpath(os.path.realpath(path), os.path.realpath(config.root)).replace(os.sep, "/")
    except ValueError:
        relative = path.replace(os.sep, "/")
    ignored: set[str] = set()
    for pattern, codes in config.lint.per_file_ignores:
        if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(os.path.basename(path), pattern):
            ignored |= {code for code in RULES_BY_CODE if code.startswith(codes)}
    return ignored
