"""The photo work after uploads, run now and in the test's own thread (no sleeping)."""
from server.photos.jobs import run_pending


def run_pending_jobs(app) -> int:
    """Does every photo job that is due; how many were done."""
    return run_pending(app)
