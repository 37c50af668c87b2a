"""Request bodies are capped before they are read (issue 14): a 300 MB upload is refused on its headers, not received.

`RequestSizeLimitMiddleware` (first in MIDDLEWARE, before anything reads `request.POST` or `request.body`) answers 413
with a short message when the declared Content-Length exceeds settings.MAX_REQUEST_BYTES. Under WSGI that is the
whole story: Django reads at most Content-Length bytes and none of a body sent without one (chunked). Under ASGI,
Django reads the whole body into a temporary file before any middleware runs, so `limit_asgi(application)` wraps the
ASGI application (config/asgi.py) and refuses both a too-large Content-Length and a chunked body once the bytes
received so far exceed the limit, while they stream.

Smaller, per-use limits still apply after this one: the upload checks (UPLOAD_MAX_BYTES, core.uploads), the import
limits (IMPORT_MAX_UPLOAD_BYTES and the others in core.imports), DATA_UPLOAD_MAX_MEMORY_SIZE for form fields.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import refusal_body, refusal_response

DEFAULT_MAX_REQUEST_BYTES = 30 * 1024 * 1024


def max_request_bytes() -> int:
    return int(getattr(settings, "MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES))


def _message(limit: int) -> str:
    return _("Dữ liệu gửi lên quá lớn (tối đa %(n)s MB). Hãy gửi tệp nhỏ hơn.") % {"n": limit // (1024 * 1024)}


def _body(path: str, limit: int) -> tuple[bytes, str]:
    return refusal_body(path, _message(limit))


def _declared_length(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = max_request_bytes()
        length = _declared_length(request.META.get("CONTENT_LENGTH"))
        if length is not None and length > limit:
            response = refusal_response(request.path_info, _message(limit), 413)
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)


def limit_asgi(app):
    """The ASGI application with request bodies capped at MAX_REQUEST_BYTES, declared or streamed."""

    async def limited(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        limit = max_request_bytes()
        headers = dict(scope.get("headers") or [])
        length = _declared_length(headers.get(b"content-length", b"").decode("latin-1") or None)
        refused = False

        async def refuse():
            nonlocal refused
            refused = True
            content, content_type = _body(scope.get("path", ""), limit)
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [
                        (b"content-type", content_type.encode()),
                        (b"content-length", str(len(content)).encode()),
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": content})

        if length is not None and length > limit:
            return await refuse()
        received = 0

        async def counting_receive():
            nonlocal received
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    await refuse()
                    return {"type": "http.disconnect"}  # the application stops reading and answers nothing
            return message

        async def guarded_send(message):
            if not refused:
                await send(message)

        return await app(scope, counting_receive, guarded_send)

    return limited
