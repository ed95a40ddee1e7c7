"""Decoding: bytes in, the model (``wasmlint.model``) out, or a ``DecodeError`` with a byte offset.

``reader`` holds the byte cursor and the one error type; ``module`` decodes core modules (with ``types`` for value
and reference types, ``constexpr`` for constant expressions, ``custom`` for the custom sections a listing shows).
``component`` decodes components beside it, sharing the reader and the error, into the values of ``wit`` (the
component model's types, spelled in WIT), with ``passby`` for what it reads only to pass by (canonical definitions,
core types) and ``component_listing`` for the listing it builds of the top-level imports and exports.
``instructions`` holds the instruction set's encoding (what follows each opcode), which walkers of code share;
``features`` reads a module's types, imports, segments and (with ``code_features``) code for the wasm features it
uses, when a preset asks.
"""
