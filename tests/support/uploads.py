"""What a live server sees of a phone's uploads: each blob request, and how many PATCHes
were in flight at once."""
import threading


class UploadWatch:
    """Wraps a live app's WSGI callable. `together`: the first that many PATCHes are held
    until all of them are in flight (so a phone sending one at a time shows as most == 1,
    after `patience` seconds, instead of passing by luck of timing)."""

    def __init__(self, app, together: int = 0, patience: float = 20):
        self.inner, app.wsgi_app = app.wsgi_app, self
        self.lock = threading.Lock()
        self.requests = []          # (method, path, Upload-Offset or None, body length)
        self.in_flight = self.most = 0
        self.together, self.patience = together, patience
        self.barrier = threading.Barrier(together) if together else None

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if "/api/v1/blobs" not in path:
            return self.inner(environ, start_response)
        offset = environ.get("HTTP_UPLOAD_OFFSET")
        with self.lock:
            self.requests.append((method, path, int(offset) if offset else None,
                                  int(environ.get("CONTENT_LENGTH") or 0)))
            held = method == "PATCH" and self.barrier and len(self.patches()) <= self.together
            if method == "PATCH":
                self.in_flight += 1
                self.most = max(self.most, self.in_flight)
        try:
            if held:
                try:
                    self.barrier.wait(timeout=self.patience)
                except threading.BrokenBarrierError:
                    pass
            return self.inner(environ, start_response)
        finally:
            if method == "PATCH":
                with self.lock:
                    self.in_flight -= 1

    def patches(self) -> list[tuple[str, int, int]]:
        """(sha256, offset, length) of every PATCH, in arrival order."""
        return [(path.rsplit("/", 1)[1], offset, length)
                for method, path, offset, length in self.requests if method == "PATCH"]

    def count(self, method: str, suffix: str = "") -> int:
        return sum(1 for m, path, _, _ in self.requests if m == method and path.endswith(suffix))
