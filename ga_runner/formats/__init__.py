"""Converters between external formats and the problem document (docs/problem-format.md).

Each external format is parsed here and nowhere else in the project: `ctt` (ITC-2007 track 3),
`four_files` (Course/Groups/Instructors/Rooms.json), `sol` (ITC-2007 solutions). Plain Python,
no third-party imports, so that the back office's importers reuse them.
"""
from __future__ import annotations

from typing import Dict, List, Union

FormatErrorItem = Dict[str, Union[int, str]]


class FormatError(Exception):
    """An input file that cannot be converted; `.errors` lists every problem found, each
    {"line": n, "message": ...} for line-based files or {"path": ..., "message": ...}."""

    def __init__(self, errors: List[FormatErrorItem]):
        self.errors = errors
        super().__init__("\n".join(_describe(error) for error in errors))


def _describe(error: FormatErrorItem) -> str:
    if "line" in error:
        return f"line {error['line']}: {error['message']}"
    if error.get("path"):
        return f"{error['path']}: {error['message']}"
    return str(error["message"])
