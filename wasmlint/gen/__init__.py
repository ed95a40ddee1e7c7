"""Generation: files written from modules and manifests.

``codegen`` builds the template context (a stable data model) for ``wasmlint gen`` and ``targets`` says what each
runtime can express and supplies; ``templating`` renders Jinja templates (``wasmlint/templates``) and compares
output with what is on disk; ``scaffold`` writes a first manifest for ``wasmlint init``, naming the ecosystem
presets that ``recognise`` finds a module was built for. For components, ``component`` builds the context of the
``python-wasmtime-component`` target, and ``world`` writes the WIT world ``init`` derives from components.
"""
