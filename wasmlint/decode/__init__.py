"""Decoding: bytes in, the model (``wasmlint.model``) out, or a ``DecodeError`` with a byte offset.

``reader`` holds the byte cursor and the one error type; ``module`` decodes core modules (with ``types`` for value
and reference types, ``constexpr`` for constant expressions, ``custom`` for the custom sections a listing shows).
``component`` decodes components beside it, sharing the reader and the error, into the values of ``wit`` (the
component model's types, spelled in WIT).
"""
