"""What is wrong with some input, as a value: a code and its parameters, never a sentence.

Domain functions raise a RuleError carrying Problems; whoever shows them (a page in the
reader's language, the command line in English) turns each into text with `describe`.
"""
from dataclasses import dataclass, field as dataclass_field

from sqlalchemy import Column

from .i18n import t

# Single-line names: a control character (a line break, a NUL that PostgreSQL refuses)
# is a typing or export accident, never part of a village's or a person's name.
CONTROL_CHARACTERS = frozenset(chr(c) for c in (*range(0x20), 0x7F))


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = dataclass_field(default_factory=dict)
    line: int | None = None    # of an uploaded file, counting the header as line 1
    field: str | None = None   # of a form or command

    @property
    def values(self) -> dict:
        """The parameters a catalogue text may use, the line number included."""
        return self.params if self.line is None else {**self.params, "line": self.line}


class RuleError(Exception):
    """The input breaks a rule; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(", ".join(p.code for p in problems))
        self.problems = problems


def describe(problem: Problem, prefix: str, lang: str | None = None) -> str:
    """The problem as a sentence of the catalogue (`prefix` + its code)."""
    return t(prefix + problem.code, lang=lang, **problem.values)


def column_size(column: Column) -> int:
    """How many characters a String column holds: the one source of every length rule."""
    return column.type.length


def name_problem(value: str, column: Column, *, line: int | None = None,
                 field: str | None = None, params: dict | None = None) -> Problem | None:
    """Why `value` cannot be stored in `column` as a name, or None if it can."""
    params = params or {}
    if len(value) > column_size(column):
        return Problem("too_long", {**params, "max": column_size(column)}, line, field)
    if not CONTROL_CHARACTERS.isdisjoint(value):
        return Problem("control_character", params, line, field)
    return None
