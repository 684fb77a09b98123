"""Flask CLI commands: seed-demo, create-user, import-places, import-bundle."""
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask import Flask

from .extensions import db
from .models import ROLES, Township, User


def register_cli(app: Flask) -> None:
    from .phones.bundles import import_bundle_command

    for command in (seed_demo_command, create_user_command, import_places_command,
                    import_bundle_command):
        app.cli.add_command(command)


def pick_township(name: str | None) -> Township:
    townships = db.session.execute(db.select(Township).order_by(Township.id)).scalars().all()
    if name:
        match = [t for t in townships if name in (t.name, t.name_en, str(t.id))]
        if not match:
            raise click.ClickException(f"no township named {name!r}")
        return match[0]
    if not townships:
        raise click.ClickException("there is no township yet: run seed-demo or import places first")
    if len(townships) > 1:
        names = ", ".join(t.name for t in townships)
        raise click.ClickException(f"there are several townships ({names}): pass --township")
    return townships[0]


@click.command("seed-demo")
@with_appcontext
@click.option("--bare", is_flag=True, help="Leave the sample inspections out.")
@click.option("--if-empty", is_flag=True, help="Do nothing if there is a township already.")
def seed_demo_command(bare: bool, if_empty: bool):
    """Load a demo township (marked as demo data) with users of each role."""
    from .demo import DEMO_PASSWORD, DEMO_USERS, seed_demo

    if if_empty and db.session.execute(db.select(Township.id).limit(1)).first():
        click.echo("The database has data already; demo data not loaded again.")
        if not db.session.execute(db.select(Township.id).where(Township.is_demo)).first():
            return
    else:
        seed_demo(bare=bare)
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo(f"Demo logins (password {DEMO_PASSWORD}):")
    for username, display_name, role in DEMO_USERS:
        click.echo(f"  {username:12} {role:10} {display_name}")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--display-name", default=None)
@click.option("--township", default=None, help="Township name or id (when there are several).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(username, role, display_name, township, password_stdin):
    """Create a user; asks for the password."""
    if db.session.execute(db.select(User).where(User.username == username)).first():
        raise click.ClickException(f"user {username!r} exists already")
    place = pick_township(township)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.ClickException("the password must have at least 8 characters")
    user = User(township_id=place.id, username=username, role=role,
                display_name=display_name or username)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {username} in {place.name}.")


@click.command("import-places")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--township", default=None, help="Township name or id (when there are several).")
def import_places_command(file: Path, township):
    """Import villages and groups from a UTF-8 CSV (nothing is written on error)."""
    from .admin.places import PlacesImportError, import_places

    place = pick_township(township)
    try:
        result = import_places(place.id, file.read_bytes())
    except PlacesImportError as exc:
        db.session.rollback()
        for line in exc.errors:
            click.echo(line, err=True)
        raise click.ClickException(f"{len(exc.errors)} error(s); nothing was imported")
    db.session.commit()
    click.echo(f"Imported {result.villages} new village(s) and {result.groups} new group(s).")
