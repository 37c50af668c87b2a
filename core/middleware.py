import logging
import re
import time
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext

from core import ratelimit
from core.errors import refusal_response
from core.logging import current_request_id

access_logger = logging.getLogger("ocop.request")
# A proxy's request id is kept when it is a plain token (letters, digits, "-", "_", ".", ":"), at most 64 characters;
# anything else gets a fresh id, so a client cannot put line breaks or markup into the logs and the audit log.
SUPPLIED_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestIdMiddleware:
    """Gives each request an id (or keeps the proxy's X-Request-ID), echoed in the response's X-Request-ID, so audit
    entries and log lines can be tied to one request; and writes the access log line (settings.ACCESS_LOG): method,
    path, status, duration, user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        supplied = request.headers.get("X-Request-ID", "")
        request.id = supplied if SUPPLIED_ID.fullmatch(supplied) else uuid.uuid4().hex
        token = current_request_id.set(request.id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            if access_logger.isEnabledFor(logging.INFO):
                _log_access(request, response, started)
        finally:
            current_request_id.reset(token)
        return response


def _log_access(request, response, started: float) -> None:
    # The user the request was answered for, if authentication looked them up; never a query of its own.
    user = getattr(request, "_cached_user", None)
    signed_in = user is not None and user.is_authenticated
    elapsed_ms = (time.perf_counter() - started) * 1000
    access_logger.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(elapsed_ms, 1),
            "user_id": user.pk if signed_in else None,
            "username": user.get_username() if signed_in else None,
        },
    )


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
        try:
            response = self.get_response(request)
        finally:
            # the thread serves other requests next: one visitor's English must not answer the next one's refusals
            # (the middleware before this one speaks the default language)
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


PROBES = frozenset({"/healthz", "/readyz"})  # core.health: a load balancer probing often is never throttled


class RateLimitMiddleware:
    """Refuses (429, Retry-After) a client that asks a limited path too often (core.ratelimit, settings.RATE_LIMITS).

    A signed-in user is counted by account, so colleagues behind one office address do not share a budget; anyone
    else by client address (core.ratelimit.client_ip, which a forged X-Forwarded-For does not change). Sits after the
    authentication middleware for that reason; the session is only read for the limited paths.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if ratelimit.rules() and request.path_info not in PROBES:
            path = request.path_info
            if any(rule.pattern.match(path) for rule in ratelimit.rules()):
                user = getattr(request, "user", None)
                who = (
                    f"user:{user.pk}"
                    if user is not None and user.is_authenticated
                    else f"ip:{ratelimit.client_ip(request)}"
                )
                wait = ratelimit.hit(path, who)
                if wait:
                    return _too_many_requests(request, wait)
        return self.get_response(request)


def _too_many_requests(request, wait: int):
    message = gettext("Quá nhiều yêu cầu trong thời gian ngắn. Vui lòng thử lại sau %(seconds)s giây.") % {
        "seconds": wait
    }
    response = refusal_response(request.path_info, message, 429)
    response["Retry-After"] = str(wait)
    return response
