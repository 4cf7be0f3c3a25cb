"""Saved pages ("dumps"): the readers live in `reader.core.saves`."""

from __future__ import annotations

from .saves import MAX_PARAGRAPH, ParsedDump, find_dump_files, parse_date_line, parse_dump

__all__ = ["MAX_PARAGRAPH", "ParsedDump", "find_dump_files", "parse_date_line", "parse_dump"]
