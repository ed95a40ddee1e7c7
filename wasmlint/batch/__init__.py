"""Many files in one run: what the commands do between the paths they are given and the work on each file.

``discover`` expands folders and globs into the ``.wasm`` files below them, skipping what ``.gitignore`` and the
configured exclusions skip; ``parallel`` spreads files over worker processes and hands their results back in the
files' order, so that output does not depend on which process did the work.
"""
