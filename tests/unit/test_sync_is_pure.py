"""sync/ is pure logic: importing all of it pulls in neither Flask nor SQLAlchemy."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import importlib, pkgutil, sys
import sync
names = [m.name for m in pkgutil.iter_modules(sync.__path__, "sync.")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "sqlalchemy", "werkzeug"))
print(len(names), loaded)
"""


def test_sync_imports_no_web_or_database_framework():
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True)
    count, loaded = result.stdout.split(" ", 1)
    assert int(count) >= 7           # rubric, validation, merge, ranking, cursor, geo, flags
    assert loaded.strip() == "[]"
