"""The wasm features a preset's host refuses (WL509): one finding per refused feature the module uses.

A preset lists them in ``[preset] module-rules``: either one list for every release, ``wasm_features_refused``
(Soroban's: what its wasmi turns off, and what that wasmi cannot do at all), or a list per range of host releases,
``wasm_features_by_release`` (CosmWasm's, whose parser, validator and Gatekeeper changed between releases). Each
entry has ``since``/``until`` on the preset's axis; the features ``refused`` wherever used; those refused only as
``refused_operators``, opcodes of a function body (CosmWasm's Gatekeeper reads operators, not types: before 1.5 a
float parameter passes where ``f32.add`` does not); and the refused features whose count uses (a second table) the
host accepts, ``accepted_counts`` (parity-wasm reads any number of tables). The host refuses the whole module at
upload when it uses one, so each is reported once, at its first refused use (``decode/features.py``). The code is
read only for such a preset, and only then are the module's bytes needed: ``data`` gives them lazily (None when
the caller has only the decoded module, which is then reported as not checkable rather than passed). A use the
scan cannot read is reported as ``unknown``: the module may use a refused feature past it.

Some hosts refuse less, or more, than a whole feature, for every release: ``wasm_operators_refused`` names
instructions refused in code apart from the rest of their feature, as groups or one by one (``decode/opcodes.py``;
Stylus's activation accepts float types and constants but not ``float_arithmetic``, and of bulk memory refuses the
``bulk_memory_segments`` instructions), each group reported at its first use; ``constant_expression_operators``
lists the only instructions a constant expression may hold (Soroban: no ``global.get``, which the MVP allows),
reported as ``constant_expressions`` at the first other one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..manifest.axes import in_window
from ..record import Record
from .diagnostics import Finding, Location

if TYPE_CHECKING:
    from ..decode.reader import Buffer
    from ..manifest.presetinfo import PresetInfo
    from ..model import Module

DataSource = Callable[[], "Buffer | None"]
"""Gives the module's bytes when called, or None when they cannot be had."""


class Refusal(Record):
    """What a host refuses at one release: features wherever used, and features used by an operator only."""

    refused: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    """Refused only when an opcode of a function body uses them (``refused_operators``)."""
    counts: tuple[str, ...] = ()
    """Refused features whose count uses (a second table) the host accepts (``accepted_counts``)."""
    patches: str = ""
    """Which patch releases of the line have this set, when not all do (said beside the finding)."""
    by_release: bool = False
    """Whether the preset lists its refusals per release (findings then name the release)."""
    groups: tuple[str, ...] = ()
    """Instructions refused apart from the rest of their feature (``wasm_operators_refused``): groups' names
    (``float_arithmetic``) or instructions' (``memory.init``), ``decode/opcodes.py``."""
    constants: tuple[str, ...] | None = None
    """The only instructions a constant expression may hold (``constant_expression_operators``), when the host
    allows fewer than the spec."""

    def __bool__(self) -> bool:
        return bool(self.refused or self.operators or self.groups or self.constants is not None)


def _names(value: object) -> tuple[str, ...]:
    return tuple(str(feature) for feature in value) if isinstance(value, list) else ()


def _finer(rules: dict[str, object]) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """What the preset refuses more finely than a feature, for every release: refused instructions, and the
    instructions constant expressions may hold (None: those the spec allows)."""
    constants = rules.get("constant_expression_operators")
    return _names(rules.get("wasm_operators_refused")), _names(constants) if isinstance(constants, list) else None


def refused_features(info: PresetInfo, release: str | None = None, axis: tuple[str, ...] = ()) -> Refusal:
    """The features the preset's host refuses at ``release`` on ``axis`` (its newest entry when no release is
    checked); empty when it lists none. Entries of the wrong shape are passed by (presets are data)."""
    rules = info.extra_value("module-rules")
    if not isinstance(rules, dict):
        return Refusal()
    groups, constants = _finer(rules)
    entries = rules.get("wasm_features_by_release")
    if not isinstance(entries, list):
        return Refusal(_names(rules.get("wasm_features_refused")), groups=groups, constants=constants)
    found = Refusal()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        since, until = entry.get("since"), entry.get("until")
        if release is not None and not in_window(
            release, since if isinstance(since, str) else None, until if isinstance(until, str) else None, axis
        ):
            continue
        found = Refusal(
            _names(entry.get("refused")),
            _names(entry.get("refused_operators")),
            _names(entry.get("accepted_counts")),
            str(entry.get("patches", "")),
            by_release=True,
            groups=groups,
            constants=constants,
        )
        if release is not None:
            break
    return found


def feature_findings(
    path: str,
    module: Module,
    info: PresetInfo,
    data: DataSource | None,
    release: str | None = None,
    axis: tuple[str, ...] = (),
) -> list[Finding]:
    from ..decode.code_features import CONSTANT_EXPRESSIONS, UNKNOWN
    from ..decode.features import COUNT, OPERATOR, scan_features
    from ..decode.opcodes import operator_groups
    from .checks import finding

    refusal = refused_features(info, release, axis)
    if not refusal or module.kind != "module":
        return []
    host = f"{info.host or info.name} {release}" if refusal.by_release and release else info.name
    refused = (*refusal.refused, *(f"{f} (operators)" for f in refusal.operators), *refusal.groups)
    if refusal.constants is not None:
        refused = (*refused, f"constant expressions of anything but {', '.join(refusal.constants)}")
    buffer = data() if data is not None else None
    if buffer is None:
        message = (
            f"the module's bytes were not given, so the wasm features it uses (which {host} may refuse) "
            "were not checked: check its bytes or its file"
        )
        return [finding("WL509", message, Location(path), subject="wasm-features")]
    patches = f" ({refusal.patches})" if refusal.patches else ""
    found = []
    reported: set[str] = set()
    constants = frozenset(refusal.constants) if refusal.constants is not None else None
    for use in scan_features(buffer, module, operator_groups(refusal.groups), constants):
        if use.feature in reported:
            continue
        if use.feature == UNKNOWN:
            message = (
                f"{use.where}: {use.what}; the wasm features used past it are unknown, and {host} refuses "
                f"{', '.join(refused)}{patches}"
            )
        elif use.feature in refusal.refused and not (use.kind == COUNT and use.feature in refusal.counts):
            message = (
                f"the module uses the wasm feature {use.feature} ({use.where}: {use.what}), which {host} refuses"
                f"{patches}"
            )
        elif use.feature in refusal.operators and use.kind == OPERATOR:
            message = (
                f"the module uses the wasm feature {use.feature} in code ({use.where}: {use.what}), which {host} "
                f"refuses{patches}: its operators are refused, its types are not"
            )
        elif use.feature in refusal.groups and use.kind == OPERATOR:
            message = (
                f"the module uses {use.what} in code ({use.where}), which {host} refuses ({use.feature}){patches}: "
                "these instructions are refused, the rest of their wasm feature is not"
            )
        elif (
            use.feature == CONSTANT_EXPRESSIONS
            and refusal.constants is not None
            and not set(use.needs) & set(refusal.refused)  # a refused feature's instruction is named as that
        ):
            message = (
                f"the module uses {use.what} ({use.where}), which {host} refuses{patches}: its constant "
                f"expressions may hold only {', '.join(refusal.constants)}"
            )
        else:
            continue
        reported.add(use.feature)
        found.append(finding("WL509", message, Location(path, use.offset), subject=use.feature))
    return found


def file_bytes(path: str) -> Buffer | None:
    """The bytes of the file at ``path``, or None when there is none (a module given as bytes or decoded)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None
