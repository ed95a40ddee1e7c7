"""Jinja2 templates for `wasmlint gen`, installed as the package `wasmlint.templates`."""
