"""Column types shared by the models."""
from datetime import datetime, timezone

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator):
    """Stores aware datetimes as UTC; always returns them aware.

    SQLite keeps no offset, so without this the same column would come back naive
    there and aware on PostgreSQL.
    """
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def one_of(column: str, values, name: str) -> sa.CheckConstraint:
    """A check constraint that keeps `column` to one of the domain's named `values`."""
    listed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} in ({listed})", name=name)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
