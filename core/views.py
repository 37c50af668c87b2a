from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string

from core import audit_privacy
from core.audit_labels import ACTION_LABELS
from core.htmx import page_or_partial
from core.models import AuditEntry
from core.scoping import get_in_scope_or_404


def todo_providers() -> list:
    """The `todo_items(user)` functions named by settings.HOME_TODO_PROVIDERS (core imports no domain app)."""
    return [import_string(path) for path in settings.HOME_TODO_PROVIDERS]


def todo_list(user) -> list[dict]:
    """The person's to-do items from every provider, most urgent first: dicts with `label`, `count`, `url`,
    `priority` (lower first) and, for a button that posts, `post` (its hidden fields)."""
    items = [item for provider in todo_providers() for item in provider(user)]
    return sorted(items, key=lambda item: item.get("priority", 50))


def home(request):
    # A visitor who is not signed in came for the products: the public catalogue is their home page. By name only,
    # since core imports no domain app.
    if not request.user.is_authenticated:
        return redirect(reverse("catalog:home"))
    memberships = request.user.memberships.filter(revoked_at__isnull=True).select_related("area")
    return render(request, "core/home.html", {"memberships": memberships, "todo": todo_list(request.user)})


@login_required
def audit_list(request):
    qs = AuditEntry.objects.for_user(request.user, "audit.view").select_related("area", "actor")
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = audit_privacy.redact(page.object_list, request.user)  # one query for the page, not per row
    # the filter picks an action by its name; the code it sends stays out of sight
    actions = sorted(ACTION_LABELS.items(), key=lambda item: str(item[1]))
    return page_or_partial(
        request, "core/audit_list.html", {"page": page, "action": action, "actions": actions}, "results"
    )


@login_required
def audit_detail(request, pk: int):
    entry = get_in_scope_or_404(AuditEntry.objects.for_user(request.user, "audit.view").select_related("area"), pk=pk)
    (entry,) = audit_privacy.redact([entry], request.user)
    return render(request, "core/audit_detail.html", {"entry": entry})


def choose_language(request):
    """The language switch of a visitor who is not signed in: a GET form, so public pages carry no CSRF token and can
    be kept whole for every visitor (core.pagecache). It only sets the language cookie (as Django's set_language,
    which signed-in users post to) and goes back to `next` when that is an address of this site."""
    language = request.GET.get("language", "")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
