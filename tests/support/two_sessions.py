"""Two users doing the same write at once, on PostgreSQL: each in its own thread, app
context and session, the second starting once the first has done its work and the first
committing only once the second waits for one of its locks, so the second always meets the
first one's row locks and then its committed rows."""
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa

from server.extensions import db


def wait_until_a_backend_waits_for_a_lock(engine: sa.Engine, what: str) -> None:
    """Returns once another backend of `engine`'s database waits for a lock; `what` names
    that backend in the failure if none does within a minute."""
    with engine.connect() as watcher:
        deadline = time.monotonic() + 60
        while not watcher.execute(sa.text(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                " and datname = current_database()")).scalar():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} never waited for a lock")
            watcher.rollback()  # a fresh snapshot of pg_stat_activity
            time.sleep(0.01)  # between two looks at the state, not instead of one


def twice_at_once(app, act: Callable[[], object]) -> tuple[list, list]:
    """Runs `act` in two sessions at once (call with the test's session removed): returns
    what each run returned, in the order they returned, and the exceptions that escaped
    them (none, in a test that passes)."""
    first_acted, outcomes, errors = threading.Event(), [], []

    def act_in_own_session(first: bool) -> None:
        try:
            with app.app_context():
                if not first:
                    first_acted.wait(60)
                outcomes.append(act())
                if first:
                    first_acted.set()
                    wait_until_a_backend_waits_for_a_lock(db.engine, "the second session")
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # reported by the test thread
            errors.append(exc)
            first_acted.set()

    threads = [threading.Thread(target=act_in_own_session, args=(first,))
               for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors
