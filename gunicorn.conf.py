"""gunicorn settings, read automatically when gunicorn starts in this folder."""
import gc

timeout = 60


def post_fork(server, worker):
    # The app's long-lived objects (models, schemas, compiled statements) move out of
    # the collector's way: a push of 200 inspections allocates a great many small
    # objects, and full collections over the whole app slowed it by a fifth.
    gc.freeze()

# One line per request on stderr: who asked what, the answer, its size and how long it
# took (microseconds), so a slow link or a slow query shows in the logs.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'
