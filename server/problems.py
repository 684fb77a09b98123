"""Transitional: the older names of server/errors.py's Problem family."""
from .errors import CONTROL_CHARACTERS, Problem, Problems as RuleError, column_size, name_problem  # noqa: F401
from .i18n import t


def describe(problem: Problem, prefix: str, lang: str | None = None) -> str:
    return t(prefix + problem.code, lang=lang, **problem.values)
