"""Public pages cached until the records change (DESIGN.md: "cache public pages keyed by data version").

The data version is the id of the newest audit entry: every write is audited inside its transaction and audit ids are
handed out in commit order (see reports.cache), so a committed write always changes it and every worker agrees on it.
A page is kept per (kind, language, full path, data version); an anonymous visitor's repeat request then costs one
indexed MAX(id) lookup and one cache read instead of the page's queries and template.

Only what is the same for every visitor is kept: GET/HEAD from a visitor who is not signed in, status 200, and a
response that sets no cookie (a page that used {% csrf_token %} sets one, so it is never shared).
"""

from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from core.models import AuditEntry

TIMEOUT = 24 * 3600
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def data_version() -> int:
    """The id of the newest audit entry (0 for an empty log)."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _key(kind: str, request, version: int) -> str:
    return ":".join(["page", kind, get_language() or "", request.get_full_path(), f"v{version}"])


def public_page(kind: str, *, max_age: int = 300):
    """Decorate a view whose anonymous answer depends only on its address, its language and the records. `max_age` is
    what browsers and proxies may keep it (seconds); signed-in users get a private copy and the view runs for them."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            shareable = request.method in ("GET", "HEAD") and not request.user.is_authenticated
            if not shareable:
                response = view(request, *args, **kwargs)
                return _headers(request, response, max_age)
            key = _key(kind, request, data_version())
            kept = cache.get(key)
            if kept is not None:
                content, headers = kept
                response = HttpResponse(content)
                for name, value in headers:
                    response[name] = value
                response["X-Page-Cache"] = "hit"
                return _headers(request, response, max_age)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.cookies and not response.streaming:
                headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
                cache.set(key, (response.content, headers), timeout=TIMEOUT)
                response["X-Page-Cache"] = "miss"
            return _headers(request, response, max_age)

        return wrapper

    return decorate


def _headers(request, response, max_age):
    if response.status_code < 400 and not response.has_header("Cache-Control"):
        # The navigation bar names a signed-in user: only their own browser may keep that copy.
        patch_cache_control(response, max_age=max_age, **({"private": True} if request.user.is_authenticated else {}))
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response
