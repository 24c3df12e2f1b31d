"""The Content-Security-Policy the site sends (django-csp 4 settings)."""

from __future__ import annotations

from csp.constants import NONE, SELF

# Scripts and styles come only from our own static files: no inline script, no inline event
# handler, no eval. Pages hook their behaviour on data-* attributes (static/js/), htmx is told not
# to inject styles or evaluate code (the htmx-config meta tag in templates/base.html), and chart
# data travels as JSON blocks or from our own endpoints.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}
