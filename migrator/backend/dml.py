"""Generator overrides for queries and DML."""

from __future__ import annotations

TRANSFORMS: dict = {}


class DMLMixin:
    pass
