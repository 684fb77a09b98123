"""The township's clock: round dates, overdue deadlines and dates on pages are local
dates in UTC+08:00, wherever the server runs."""
from datetime import date, datetime, timedelta, timezone

TOWNSHIP_TZ = timezone(timedelta(hours=8))


def township_today() -> date:
    """Today's date in the township, which decides whether a deadline has passed."""
    return datetime.now(TOWNSHIP_TZ).date()
