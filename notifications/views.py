from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotFound
from core.htmx import page_or_partial
from notifications import services


@login_required
def notification_list(request):
    """The user's own notifications, newest first; nobody sees anyone else's."""
    page = Paginator(request.user.notifications.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return page_or_partial(request, "notifications/list.html", {"page": page}, "results")


@login_required
@require_POST
def mark_read(request, pk: int):
    try:
        services.mark_read(user=request.user, notification_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    if count:
        messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect("notifications:list")
