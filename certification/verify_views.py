"""The public page a certificate's QR code opens: its state today, for anyone, without logging in."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from certification import queries

MAX_AGE = 300  # seconds: a state changes at most once a day, a revocation is seen within five minutes


def verify(request, code: str):
    now = timezone.now()
    found = queries.verify(code, timezone.localdate(now))
    if found is None:
        response = render(request, "certification/verify_unknown.html", {"code": code}, status=404)
    else:
        response = render(request, "certification/verify.html", {"v": found, "checked_at": now})
    # The navigation bar names a logged-in user: only their own browser may keep that copy.
    patch_cache_control(response, max_age=MAX_AGE, **({"private": True} if request.user.is_authenticated else {}))
    patch_vary_headers(response, ["Cookie"])
    return response
