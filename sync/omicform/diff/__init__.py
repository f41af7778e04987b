"""Comparing declared fields with what a service holds, without false changes."""

from omicform.diff.fields import FieldDiff, diff_fields
from omicform.diff.normalize import normalize

__all__ = ["FieldDiff", "diff_fields", "normalize"]
