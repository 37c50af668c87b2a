"""Public pages cached until the records change (DESIGN.md: "cache public pages keyed by data version").

The data version is the id of the newest audit entry: every write is audited inside its transaction and audit ids are
handed out in commit order (see reports.cache), so a committed write always changes it and every worker agrees on it.
A page is kept per (kind, language, full path, data version, local date); an anonymous visitor's repeat request then
costs one indexed MAX(id) lookup and one cache read instead of the page's queries and template. The date is in the key
because what a page says may change at midnight without any write (a certificate expires, "10 days left" counts
down); a page that shows the time it was made (the verify page's "looked up at") also passes `refresh` and is made
again at least that often.

Only what is the same for every visitor is kept and served:

- the request is a GET or HEAD carrying no credentials: no Authorization header (an API token; a wrong one must still
  get its 401), no session cookie (a signed-in user's page names them) and no messages cookie (a flash message is for
  that visitor alone); anyone else gets the view itself, with `Cache-Control: private`;
- the answer is a 200 that sets no cookie, saves no session, queues no message and used no CSP nonce (checked after
  the view, since the middleware would only add those on the way out);
- the CSRF token is the exception: every page carries one (base.html: the htmx header and the language switch), and
  it belongs to one visitor's cookie. It is cut out of the kept copy and each visitor's own is put back on the way
  out (with their cookie, by CsrfViewMiddleware as for any page); such a page is `private`, so no shared proxy hands
  one visitor's token to another.
"""

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from core.models import AuditEntry

TIMEOUT = 24 * 3600
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "Cache-Control")
# Stands for the visitor's CSRF token in a kept page; NUL never occurs in a rendered page.
TOKEN_SLOT = b"\x00csrf-token\x00"
# A masked CSRF token as get_token() writes it: 64 letters and digits (CSRF_TOKEN_LENGTH).
TOKEN_RE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


# The data version's SQL per database alias, compiled once: building the query cost more than running it, on every
# cached page.
_VERSION_SQL: dict[str, tuple] = {}


def data_version() -> int:
    """The id of the newest audit entry (0 for an empty log)."""
    using = router.db_for_read(AuditEntry)
    compiled = _VERSION_SQL.get(using)
    if compiled is None:
        query = AuditEntry.objects.using(using).order_by("-id").values_list("id", flat=True)[:1].query
        compiled = _VERSION_SQL[using] = query.get_compiler(using).as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(*compiled)
        row = cursor.fetchone()
    return (row[0] if row else None) or 0


def _key(kind: str, request, version: int, refresh: int | None) -> str:
    # Hashed: the query string is the visitor's to choose, and a key must stay short whatever they send.
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    window = f":w{int(time.time() // refresh)}" if refresh else ""
    return f"page:{kind}:{get_language() or ''}:{path}:v{version}:{timezone.localdate().isoformat()}{window}"


def shareable(request) -> bool:
    """True if the request may be answered with (and may fill) the copy every anonymous visitor shares."""
    return (
        request.method in ("GET", "HEAD")
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.user.is_authenticated
    )


def public_page(kind: str, *, max_age: int | None = 300, refresh: int | None = None):
    """Decorate a view whose anonymous answer depends only on its address, its language, the records and the day.
    `max_age` is how long browsers (and, for pages without a CSRF token, proxies) may keep it, in seconds (None: the
    view's own Cache-Control, if any, is left as it is); `refresh`
    (seconds) renews the kept copy at least that often. Works on a Ninja operation too
    (`ninja.decorators.decorate_view`): then it wraps authentication, validation and serialization."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not shareable(request):
                return _headers(request, view(request, *args, **kwargs), max_age, private=True)
            key = _key(kind, request, data_version(), refresh)
            kept = cache.get(key)
            if kept is not None:
                return _serve(request, kept, max_age)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            kept = _keepable(request, response)
            if kept is not None:
                cache.set(key, kept, timeout=TIMEOUT)
                response["X-Page-Cache"] = "miss"
                return _headers(request, response, max_age, private=TOKEN_SLOT in kept[0])
            return _headers(request, response, max_age, private=bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")))

        return wrapper

    return decorate


def _keepable(request, response):
    """(content, headers) to keep for every visitor, or None if this answer is not the same for all of them."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    if (session is not None and session.modified) or (messages is not None and messages.added_new):
        return None
    if getattr(request, "_csp_nonce", None):  # LazyNonce is true once generated: the CSP header must carry it
        return None
    content = response.content
    secret = request.META.get("CSRF_COOKIE") if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") else None
    if secret:
        for token in set(TOKEN_RE.findall(content)):
            if _unmask_cipher_token(token.decode()) == secret:
                content = content.replace(token, TOKEN_SLOT)
    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
    return content, headers


def _serve(request, kept, max_age):
    content, headers = kept
    personal = TOKEN_SLOT in content
    if personal:
        # The visitor's own token (a new cookie if they have none yet, set by CsrfViewMiddleware on the way out).
        content = content.replace(TOKEN_SLOT, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return _headers(request, response, max_age, private=personal)


def _headers(request, response, max_age, *, private):
    if response.status_code < 400:
        if max_age is not None and not response.has_header("Cache-Control"):
            patch_cache_control(response, max_age=max_age)
        if private:
            # Only this visitor's browser may keep it: it names them, or carries their CSRF token.
            patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie", "Authorization"])
    return response
