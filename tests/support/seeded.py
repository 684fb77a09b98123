"""One seeded database per engine and test process, copied for every test that needs
one: seeding hashes the demo users' passwords (scrypt), most of what a new app costs.

A module whose tests all start from more than the bare seed (years of history, say)
names it as a `Layer`: it is seeded once over the bare seed (or the full demo, `DEMO`)
per engine and process, and each test gets a copy of that, with what the layer's seeding
answered. A SQLite copy comes with the blobs its seeding stored (the demo's photos)."""
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from server.extensions import db
from tests.support.apps import make_app


@dataclass(frozen=True)
class Layer:
    name: str
    seed: Callable[[], Any]     # runs inside an app context over the base seed; commits
    base: str = "bare"          # make_app's seed under the layer: "bare" or "demo"


# The demo as `make run` shows it, photos and all: building it takes seconds.
DEMO = Layer("demo", lambda: None, base="demo")


def _seeded(folder: Path, url: str | None, layer: Layer | None):
    """Seeds a new database (`folder`'s SQLite file, or `url`); the layer's answer."""
    app = make_app(folder, url, seed=layer.base if layer else "bare")
    with app.app_context():
        made = layer.seed() if layer else None
        db.session.remove()
        db.engine.dispose()
    return made


class SeededDatabases:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.sqlite_files: dict[str, Path] = {}
        self.postgres_names: dict[str, str] = {}
        self.layers: dict[tuple[str, str], Any] = {}     # (engine, layer) → its answer

    def sqlite_copy(self, folder: Path, layer: Layer | None = None):
        """`folder`/test.db (where make_app looks) becomes a copy of the seeded file;
        answers what the layer's seeding answered."""
        key = layer.name if layer else "bare"
        if key not in self.sqlite_files:
            made = self.folder / f"sqlite-{key}"
            self.layers["sqlite", key] = _seeded(made, None, layer)
            self.sqlite_files[key] = made / "test.db"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.sqlite_files[key], folder / "test.db")
        blobs = self.sqlite_files[key].parent / "blobs"
        if blobs.is_dir():
            shutil.copytree(blobs, folder / "blobs", dirs_exist_ok=True)
        return self.layers["sqlite", key]

    def postgres_copy(self, cluster, layer: Layer | None = None) -> tuple[str, Any]:
        """The URL of a new database of `cluster`, a copy of the seeded one, and what
        the layer's seeding answered."""
        key = layer.name if layer else "bare"
        if key not in self.postgres_names:
            url = cluster.create_database()
            self.layers["postgresql", key] = _seeded(self.folder / f"postgres-{key}", url, layer)
            self.postgres_names[key] = url.rsplit("/", 1)[1]
        return (cluster.create_database(template=self.postgres_names[key]),
                self.layers["postgresql", key])


def demo_app(seeded_databases: SeededDatabases, folder: Path):
    """An app on `folder`'s own copy of the demo (SQLite, its photos with it)."""
    seeded_databases.sqlite_copy(folder, DEMO)
    return make_app(folder, seed="demo", prepared=True)
