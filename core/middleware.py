import contextvars
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("current_request_id", default="")


class RequestIdMiddleware:
    """Gives each request an id (or keeps the proxy's X-Request-ID) so audit entries can be tied to one request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request.id = supplied[:64] if supplied else uuid.uuid4().hex
        token = current_request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the user chose otherwise with the language switch (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC with an English browser
    would show English; here the browser's preference is ignored on purpose.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
