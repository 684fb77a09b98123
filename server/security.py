"""Security headers, trusted hosts and cookies behind TLS, set in one place for every
response with a body (targets R6): pages, the phone app, JSON and photos alike."""
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import Problem, error_response, is_api_request

# Scripts only from our own files, never inline. Styles may be inline: the poster sets
# its paper size with a <style> block. blob: and data: images are the phone app's
# photo previews (object URLs) and small inline icons.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response):
    # An answer without a body (a photo chunk's 201 or 204, a HEAD of a blob) has
    # nothing to render, sniff, frame or refer from: it goes without them.
    if not has_no_body(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
    return response


def has_no_body(response) -> bool:
    """An answer whose body is empty (as made, not as a HEAD request cuts it): a list of
    no bytes. A streamed file never counts, whatever its size."""
    return response.is_sequence and not any(response.response)


def untrusted_host(exc: SecurityError):
    """A Host not in TRUSTED_HOSTS: 400, and no page is rendered, since its links would
    be built from that very host."""
    return error_response(Problem("untrusted_host",
                                  message="untrusted Host header / 不受信任的主机名"))


class PagesOnlySessions(SecureCookieSessionInterface):
    """The API signs in by bearer token and keeps nothing in a cookie, so its requests,
    a photo's every chunk among them, skip opening and saving the signed session."""

    def open_session(self, app, request):
        if is_api_request():
            return self.null_session_class()
        return super().open_session(app, request)


def register_security(app: Flask) -> None:
    app.session_interface = PagesOnlySessions()
    app.after_request(add_security_headers)
    app.register_error_handler(SecurityError, untrusted_host)
    # Cookies never reach scripts and never ride along on cross-site posts.
    app.config.update(SESSION_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SAMESITE="Lax")
    if app.config.get("SECURE_COOKIES"):
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    hops = app.config.get("PROXY_FIX", 0)
    if hops:
        # Behind a TLS-terminating proxy: trust its X-Forwarded-* headers, and only
        # as many hops as are configured, so a client cannot forge them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)
