"""Fixtures of the configuration-comparison tests (builders live in contoso_export.py)."""

from contoso_export import make_export, pair  # noqa: F401
