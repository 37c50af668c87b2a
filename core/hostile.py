"""Refuse hostile text before any view runs: a NUL byte, invalid UTF-8 or an unpaired surrogate in the path, the query
string, a cookie or the fields of a form-encoded POST.

PostgreSQL refuses NUL in text (the driver raises, the request would answer 500) and cannot store unpaired surrogates;
Django decodes invalid UTF-8 in query strings and forms with replacement characters, so what a view saw would not be
what was sent. No legitimate browser or client sends any of these, so the whole request is answered 400 with a short
message (JSON `{"detail": …}` under /api/, plain text elsewhere). JSON bodies of the API are checked by its parser
(`api.api.StrictJsonParser`), uploaded files by the upload and import checks.
"""

import re
from urllib.parse import unquote_to_bytes

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.errors import refusal_response

# Characters no field of ours accepts: NUL and the surrogate range (only ever unpaired in a decoded Python str).
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _bad_urlencoded(raw: bytes) -> bool:
    """True if one key or value of `a=b&c=d` (percent-encoded, '+' for space) is not clean UTF-8 without NUL."""
    for part in raw.split(b"&"):
        if not part:
            continue
        decoded = unquote_to_bytes(part.replace(b"+", b" "))
        if b"\x00" in decoded:
            return True
        try:
            decoded.decode("utf-8")  # strict: refuses invalid sequences and UTF-8-encoded surrogates
        except UnicodeDecodeError:
            return True
    return False


def hostile_reason(request) -> str | None:
    """Which part of the request is unacceptable, or None."""
    if FORBIDDEN.search(request.path_info) or FORBIDDEN.search(request.path):
        return "path"
    # Under WSGI, META holds the raw query string decoded as Latin-1: back to the bytes that were sent. (Under ASGI it
    # is already UTF-8-decoded text; an unencodable character then becomes '?' here and only NUL is still caught.)
    query = request.META.get("QUERY_STRING", "")
    if query and _bad_urlencoded(query.encode("latin-1", "replace")):
        return "query"
    if any(FORBIDDEN.search(k) or FORBIDDEN.search(v) for k, v in request.COOKIES.items()):
        return "cookie"
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded":
            if _bad_urlencoded(request.body):  # bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
                return "form"
        elif content_type == "multipart/form-data":
            # Field values only (files are checked where they are read); Django has decoded them with replacement.
            for key, values in request.POST.lists():
                if FORBIDDEN.search(key) or any(FORBIDDEN.search(v) for v in values):
                    return "form"
    return None


def refusal(request) -> HttpResponse:
    message = _("Yêu cầu chứa ký tự không hợp lệ (ký tự NUL hoặc mã UTF-8 hỏng). Hãy nhập lại nội dung.")
    return refusal_response(request.path_info, message, 400)


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hostile_reason(request) is not None:
            return refusal(request)
        return self.get_response(request)
