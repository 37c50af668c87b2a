from django.contrib import messages
from django.shortcuts import redirect

from core.errors import DomainError


def perform(request, call, *, success: str, then: str, **redirect_kwargs):
    """Run a service call for a POSTed button: flash `success` or the refusal's message, then redirect.

    Every button that triggers one service (revoke, submit, approve…) goes through here, so refusals always reach
    the user in the same way and nothing is half-done (the service is atomic).
    """
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(then, **redirect_kwargs)
