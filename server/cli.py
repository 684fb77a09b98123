"""Flask CLI commands: seed-demo, create-user, import-places, import-bundle, worker,
forget-failed-sign-ins.

The rules are the domain's (server/admin/), as on the admin pages; refusals are printed
in English from the same catalogue. Each command is one transaction (`one_transaction`).
"""
import json
import sys
from collections import Counter
from functools import wraps
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask import Flask

from sync.states import REJECTED_PUSH

from .errors import Problem
from .extensions import db
from .i18n import t
from .models import ROLES, Township
from .phones.bundles import import_bundle


def register_cli(app: Flask) -> None:
    for command in (seed_demo_command, create_user_command, import_places_command,
                    import_bundle_command, worker_command, forget_failed_sign_ins_command):
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


def one_transaction(refused):
    """The command commits once when it ends well; when it raises, nothing is written. A
    Problem is printed in English, one line each, and the command fails with
    `refused(problem)` (the CLI's translator of server/errors.py)."""
    def decorator(command):
        @wraps(command)
        def run(*args, **kwargs):
            try:
                result = command(*args, **kwargs)
            except Problem as problem:
                db.session.rollback()
                echo_problems(problem)
                raise click.ClickException(refused(problem)) from None
            except BaseException:
                db.session.rollback()
                raise
            db.session.commit()
            return result
        return run
    return decorator


@click.command("seed-demo")
@with_appcontext
@click.option("--bare", is_flag=True, help="Leave the sample inspections out.")
@click.option("--if-empty", is_flag=True, help="Do nothing if there is a township already.")
@one_transaction(lambda problem: "the demo data was not loaded")
def seed_demo_command(bare: bool, if_empty: bool):
    """Load a demo township (marked as demo data) with users of each role."""
    from .demo import DEMO_PASSWORD, DEMO_USERS, seed_demo

    if if_empty and db.session.execute(db.select(Township.id).limit(1)).first():
        click.echo("The database has data already; demo data not loaded again.")
        if not db.session.execute(db.select(Township.id).where(Township.is_demo)).first():
            return
    else:
        seed_demo(bare=bare)
        click.echo("Demo data loaded.")
    click.echo(f"Demo logins (password {DEMO_PASSWORD}):")
    for username, display_name, role in DEMO_USERS:
        click.echo(f"  {username:12} {role:10} {display_name}")


def echo_problems(problem: Problem) -> None:
    """Each problem as the page shows it, in English (the command line's language)."""
    for one in problem.problems:
        label = t("admin.field." + one.field, lang="en") if one.field else ""
        field = f"{one.field if label.startswith('admin.field.') else label}: " \
            if one.field and one.line is None else ""
        click.echo(field + one.english, err=True)


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--display-name", default=None, help="Defaults to the username.")
@click.option("--township", default=None, help="Township name or id (when there are several).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@one_transaction(lambda problem: "the user was not created")
def create_user_command(username, role, display_name, township, password_stdin):
    """Create a user (the same rules as the admin page); asks for the password."""
    from .admin.users import check_new_user, create_user

    place = pick_township(township)
    display_name = display_name or username
    check_new_user(username, display_name, role)  # a taken name before the password
    user = create_user(place.id, username=username, display_name=display_name, role=role,
                       password=read_password(password_stdin))
    click.echo(f"Created {role} {user.username} in {place.name}.")


@click.command("import-places")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--township", default=None, help="Township name or id (when there are several).")
@one_transaction(lambda problem: f"{len(problem.problems)} error(s); nothing was imported")
def import_places_command(file: Path, township):
    """Import villages and groups from a UTF-8 CSV (nothing is written on error)."""
    from .admin.places import import_places

    place = pick_township(township)
    result = import_places(place.id, file.read_bytes(), file.name)
    click.echo(f"Imported {result.villages} new village(s) and {result.groups} new group(s).")


@click.command("import-bundle")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@one_transaction(lambda problem: problem.english)
def import_bundle_command(file: Path):
    """Import a bundle exported by the phone app (idempotent)."""
    result = import_bundle(file)
    ledger = result.get("ledger_results", [])
    for item in result["results"] + result["recheck_results"] + ledger:
        if item["outcome"] == REJECTED_PUSH:
            click.echo(f"rejected {item['id']}: {json.dumps(item['errors'], ensure_ascii=False)}",
                       err=True)
    blobs = Counter(result["blobs"].values())
    for name in ("results", "recheck_results"):
        outcomes = Counter(item["outcome"] for item in result[name])
        if name == "results" or outcomes:  # rechecks only when the bundle had some
            click.echo(("inspections: " if name == "results" else "rechecks: ") + (
                ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())) or "none"))
    if ledger:  # points entries only when the bundle had some
        outcomes = Counter(item["outcome"] for item in ledger)
        click.echo("points entries: " + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))
    click.echo("photos: " + (", ".join(f"{n} {s}" for s, n in sorted(blobs.items())) or "none"))


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Do the photo work that is due now, then stop.")
@click.option("--poll", default=2.0, show_default=True,
              help="Seconds to wait when there is nothing to do.")
def worker_command(once: bool, poll: float):
    """Do the photo work after uploads (decode, derivatives, perceptual hash, flags);
    run one or more beside the web server, on any machine sharing its database."""
    import signal
    import threading

    from flask import current_app

    from .photos.jobs import run_pending, work

    app = current_app._get_current_object()
    if once:
        click.echo(f"photos done: {run_pending(app)}")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())  # finish the photo in hand, then stop
    click.echo("Photo worker started.")
    work(app, stop, poll)


@click.command("forget-failed-sign-ins")
@with_appcontext
def forget_failed_sign_ins_command():
    """Forget every failed sign-in counted, so a locked-out office signs in at once."""
    from flask import current_app

    from .sign_in import forget_failed_sign_ins

    forget_failed_sign_ins()
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        click.echo("The counts live in each server process's memory (RATELIMIT_STORAGE_URI "
                   "is memory://): restart the app server to clear them.")
    else:
        click.echo("Failed sign-ins forgotten.")
