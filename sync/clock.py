"""The township's clock: round dates, overdue deadlines and dates on pages are local
dates in UTC+08:00, wherever the server runs."""
from datetime import timedelta, timezone

TOWNSHIP_TZ = timezone(timedelta(hours=8))
