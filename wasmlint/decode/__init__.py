"""Decoding: bytes in, the model (``wasmlint.model``) out, or a ``DecodeError`` with a byte offset.

``reader`` holds the byte cursor and the one error type; ``module`` decodes core modules (with ``types`` for value
and reference types, ``constexpr`` for constant expressions, ``custom`` for the custom sections a listing shows).
A decoder of components belongs here, beside ``module``, sharing the reader and the error.
"""
