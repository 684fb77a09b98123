"""Serves the phone app (pwa/) at /app/ as static files."""
from pathlib import Path

from flask import send_from_directory

from .blueprints import phone_app as bp

PWA_DIR = Path(__file__).resolve().parents[2] / "pwa"



@bp.route("/")
def index():
    return _send("index.html")


@bp.route("/<path:path>")
def asset(path: str):
    return _send(path)


def _send(path: str):
    response = send_from_directory(PWA_DIR, path, max_age=0)
    if path == "sw.js":
        # The browser must always see a new service worker version at once.
        response.headers["Cache-Control"] = "no-cache"
        response.headers["Service-Worker-Allowed"] = "/app/"
    elif path.endswith(".webmanifest"):
        response.mimetype = "application/manifest+json"
    return response
