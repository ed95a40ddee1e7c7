"""Rendering: values in, text out, with no decisions of its own.

``findings`` renders findings as text, JSON, SARIF 2.1.0 or GitHub annotations; ``listing`` renders decoded
modules for ``wasmlint inspect`` (text, or JSON following ``schemas/inspect.schema.json``), and ``components``
decoded components, in the same JSON contract and as WIT-like text. ``jsontext`` writes exactly the text of
``json.dumps(indent=2)``, faster, and ``stream`` renders a batch's findings piece by piece as files are checked.
"""
