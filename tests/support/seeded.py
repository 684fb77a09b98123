"""One seeded database per engine and test process, copied for every test that needs
one: seeding hashes the demo users' passwords (scrypt), most of what a new app costs."""
import shutil
from pathlib import Path

from server.extensions import db
from tests.support.apps import make_app


def _close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class SeededDatabases:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.sqlite_file: Path | None = None
        self.postgres_name: str | None = None

    def sqlite_copy(self, folder: Path) -> None:
        """`folder`/test.db (where make_app looks) becomes a copy of the seeded file."""
        if self.sqlite_file is None:
            _close(make_app(self.folder / "sqlite", seed="bare"))
            self.sqlite_file = self.folder / "sqlite" / "test.db"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.sqlite_file, folder / "test.db")

    def postgres_copy(self, cluster) -> str:
        """The URL of a new database of `cluster`, a copy of the seeded one."""
        if self.postgres_name is None:
            url = cluster.create_database()
            _close(make_app(self.folder / "postgres", url, seed="bare"))
            self.postgres_name = url.rsplit("/", 1)[1]
        return cluster.create_database(template=self.postgres_name)
