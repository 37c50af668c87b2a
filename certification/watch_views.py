"""The expiry watch page: the province office's queues of certificates expiring soon, whose re-rating window is open
(26/2026 Điều 7.6.a), and expired ones not renewed."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification import watch
from certification.queries import expiry_warning_days
from core.htmx import page_or_partial

TABS = ("expiring", "rerating", "expired")
DAYS_ERROR = _("Số ngày phải là một số nguyên từ 1 đến 365.")


class WatchFilter(forms.Form):
    days = forms.IntegerField(
        label=_("Sắp hết hạn trong (ngày)"),
        min_value=1,
        max_value=365,
        required=False,
        error_messages={"invalid": DAYS_ERROR, "min_value": DAYS_ERROR, "max_value": DAYS_ERROR},
    )


@login_required
def expiring(request):
    """Scoped to `certification.view`: a user without it sees empty queues, like every scoped list."""
    today = timezone.localdate()
    default_days = expiry_warning_days()
    form = WatchFilter(request.GET or None)
    days = default_days
    if form.is_bound and form.is_valid() and form.cleaned_data["days"]:
        days = form.cleaned_data["days"]
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "expiring"
    queues = {
        "expiring": watch.expiring_soon(request.user, today, days),
        "rerating": watch.rerating_open(request.user, today),
        "expired": watch.expired_not_renewed(request.user, today),
    }
    page = Paginator(queues[tab], 50).get_page(request.GET.get("page"))
    for certificate in page:
        certificate.days_left = watch.days_left(certificate, today)
        certificate.days_over = -certificate.days_left
        if tab == "rerating":
            watch.with_window(certificate, today)
    counts = {name: page.paginator.count if name == tab else qs.count() for name, qs in queues.items()}
    return page_or_partial(
        request,
        "certification/watch/expiring.html",
        {
            "form": form,
            "days": days,
            "default_days": default_days,
            "tab": tab,
            "page": page,
            "counts": counts,
            "today": today,
        },
        "results",
    )
