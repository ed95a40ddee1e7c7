"""Version axes: how the versions of a host (its releases) or of a preset (an ABI, a VM line, a protocol) are
ordered, which entries are in force at a version, and the version chosen for a module.

Plain values and functions over strings: the manifest loader validates ``since``/``until`` with them, the catalogue
prints a preset at a version with them, and the checks (``lint.versions``, ``lint.markers``) decide with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..record import Record

if TYPE_CHECKING:
    from .presetinfo import PresetInfo


def natural_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """``1.10`` after ``1.9``: numeric parts compare as numbers, others as text."""
    parts = version.replace("-", ".").replace("_", ".").split(".")
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts)


def place(version: str, axis: tuple[str, ...]) -> float:
    """Where ``version`` lies on a declared ``axis``: its index, or between the versions its natural order puts
    it (Soroban's ``since = "19"`` on an axis that starts at 20)."""
    if version in axis:
        return float(axis.index(version))
    key = natural_key(version)
    return sum(natural_key(known) < key for known in axis) - 0.5


def earlier(first: str, second: str, axis: tuple[str, ...]) -> bool:
    """Whether ``first`` comes before ``second``: by their places on ``axis``, or by natural order without one."""
    if not axis:
        return natural_key(first) < natural_key(second)
    return place(first, axis) < place(second, axis)


def in_window(version: str, since: str | None, until: str | None, axis: tuple[str, ...]) -> bool:
    """Whether ``version`` lies in ``[since, until)`` on ``axis``."""
    if since is not None and earlier(version, since, axis):
        return False
    return not (until is not None and not earlier(version, until, axis))


class Chosen(Record):
    """The version of one preset a module is checked against, and why."""

    info: PresetInfo
    version: str
    why: str
    """``declared by export proxy_abi_version_0_1_0``, ``pinned``, ``the newest`` ..."""
    declared: str | None = None
    """The version the module's marker declares, when it declares one the preset knows."""
