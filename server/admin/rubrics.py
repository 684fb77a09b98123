"""Rubric versions as the plain dicts that sync/ computes with."""
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Criterion, RubricVersion


def rubrics_by_version() -> dict[int, dict]:
    """Every rubric version (three queries, however many there are)."""
    query = db.select(RubricVersion).options(
        selectinload(RubricVersion.criteria).selectinload(Criterion.items))
    return {r.version: r.to_dict() for r in db.session.execute(query).scalars()}
