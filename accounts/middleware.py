"""Sessions end after SESSION_COOKIE_AGE (a working day) without activity, without a database write on every page.

Django's SESSION_SAVE_EVERY_REQUEST would slide the expiry by saving the session on every request: one write per page
view, which on SQLite (one writer at a time) queues every reader behind it. Instead a signed-in person's session is
re-saved, with a fresh expiry and cookie, at most once per SESSION_REFRESH_SECONDS of activity; the idle limit is then
exact to within that interval."""

import time

from django.conf import settings

REFRESHED_AT = "_refreshed_at"


def stamp(session) -> None:
    session[REFRESHED_AT] = int(time.time())  # marks the session modified: saved, expiry and cookie renewed


def stamp_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        stamp(request.session)


class SlidingSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            refreshed_at = request.session.get(REFRESHED_AT) or 0
            if time.time() - refreshed_at >= settings.SESSION_REFRESH_SECONDS:
                stamp(request.session)
        return self.get_response(request)
