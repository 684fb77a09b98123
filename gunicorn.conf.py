"""gunicorn settings, read automatically when gunicorn starts in this folder (the kill
tests' tests/support/paused_worker.py reads them too)."""
import gc

timeout = 60

# Threads, not one request per process: sync workers close the connection after every
# request, so each photo chunk paid for a new connection (a TCP handshake, on a phone
# link a round trip of latency). gthread keeps a connection open between a phone's
# requests (keepalive seconds), and while one thread waits on the disk (the flush
# that makes a photo durable before its 201) another serves the next chunk. Requests
# in a worker share its one interpreter: CPU work is no faster, waiting no longer idles.
worker_class = "gthread"
threads = 4
keepalive = 5


def post_fork(server, worker):
    # The app's long-lived objects (models, schemas, compiled statements) move out of
    # the collector's way: a push of 200 inspections allocates a great many small
    # objects, and full collections over the whole app slowed it by a fifth.
    gc.freeze()
    # Those objects (a parsed body, rows, answers) die with the request, not in cycles:
    # collecting the youngest generation every 50,000 allocations instead of 700 spares
    # a push of 200 about 5 ms of collections that find next to nothing.
    gc.set_threshold(50_000, 20, 20)

# One line per request on stderr: who asked what, the answer, its size and how long it
# took (microseconds), so a slow link or a slow query shows in the logs.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'
