"""gunicorn settings, read automatically when gunicorn starts in this folder."""
import gc

timeout = 60


def post_fork(server, worker):
    # The app's long-lived objects (models, schemas, compiled statements) move out of
    # the collector's way: a push of 200 inspections allocates a great many small
    # objects, and full collections over the whole app slowed it by a fifth.
    gc.freeze()
