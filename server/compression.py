"""gzip for what is worth compressing (contract, Pull: "every JSON response is
gzip-compressed when the client sends Accept-Encoding: gzip").

A first pull of years of use is mostly repeated JSON keys: gzip makes it a fraction of
its size on a Slow 3G link. Photos are JPEG already and are never compressed again (their
type is not listed), and nothing streamed is touched: blobs and the app's static files go
out with send_file, whose Range and conditional answers must stay byte-exact.
"""
from flask import Flask, Response
from flask_compress import Compress

from .security import has_no_body


class Compression(Compress):
    def after_request(self, response: Response) -> Response:
        # An answer without a body (a photo chunk's 201 or 204, a HEAD of a blob) has
        # nothing to compress, nor a representation that varies with Accept-Encoding.
        if has_no_body(response):
            return response
        return super().after_request(response)


compress = Compression()

SETTINGS = {
    # gzip only: every phone browser and proxy speaks it, and one algorithm is one thing
    # to test (Flask-Compress would otherwise prefer brotli or zstd when offered).
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_MIMETYPES": ["application/json", "application/problem+json", "text/html",
                          "text/css", "application/javascript", "text/javascript",
                          "image/svg+xml", "text/csv"],
    "COMPRESS_LEVEL": 6,
    # Small answers gain nothing and cost a header's worth of bytes.
    "COMPRESS_MIN_SIZE": 500,
    # Streamed responses (blobs, send_file) pass untouched: see above.
    "COMPRESS_STREAMS": False,
}


def init_app(app: Flask) -> None:
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    compress.init_app(app)
