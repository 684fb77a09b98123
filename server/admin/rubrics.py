"""Rubric versions as the plain dicts that sync/ computes with."""
from typing import Iterable

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Criterion, RubricVersion


def rubrics_by_version(versions: Iterable[int] | None = None) -> dict[int, dict]:
    """Every rubric version, or only the given ones (three queries, however many)."""
    query = db.select(RubricVersion).options(
        selectinload(RubricVersion.criteria).selectinload(Criterion.items))
    if versions is not None:
        query = query.where(RubricVersion.version.in_(set(versions)))
    return {r.version: r.to_dict() for r in db.session.execute(query).scalars()}
