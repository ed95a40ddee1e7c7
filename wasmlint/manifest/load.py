"""Loading manifests: the entry point from a path or preset names to a :class:`~.values.Manifest`.

Loaded manifests are kept between runs by ``cache``; what is not cached is read and validated by ``loader``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .cache import cached
from .values import Manifest

if TYPE_CHECKING:
    from .loader import Loader


def load_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Load a manifest file, following ``extends`` and expanding presets (kept between runs: ``cache``)."""
    shown = os.fspath(path)
    return cached(f"manifest\0{shown}\0{os.path.realpath(shown)}", lambda loader: loader.load(shown, chain=()))


def preset_manifest(names: list[str]) -> Manifest:
    """A manifest made only of built-in presets (used when a plugin is checked with ``--preset`` alone); a name may
    pin a version (``proxy-wasm@0.2.1``). Raises ManifestError for an unknown preset or version."""

    def build(loader: Loader) -> Manifest:
        return loader.presets_only(names)

    return cached("presets\0" + "\0".join(names), build)
