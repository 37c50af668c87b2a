from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from core.htmx import page_or_partial
from core.models import AuditEntry
from core.scoping import get_in_scope_or_404


def home(request):
    memberships = []
    if request.user.is_authenticated:
        memberships = request.user.memberships.filter(revoked_at__isnull=True).select_related("area")
    return render(request, "core/home.html", {"memberships": memberships})


@login_required
def audit_list(request):
    qs = AuditEntry.objects.for_user(request.user, "audit.view").select_related("area", "actor")
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return page_or_partial(request, "core/audit_list.html", {"page": page, "action": action}, "results")


@login_required
def audit_detail(request, pk: int):
    entry = get_in_scope_or_404(AuditEntry.objects.for_user(request.user, "audit.view").select_related("area"), pk=pk)
    return render(request, "core/audit_detail.html", {"entry": entry})
