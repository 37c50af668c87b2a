from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from producers import services
from producers.forms import ProducerForm, pick_label
from producers.queries import PICK_ACTIONS, PICK_LIMIT, ProducerFilter, pick_producers, producers_for
from products.models import Product
from products.queries import PageFirstPaginator


@login_required
def producer_list(request):
    filters = ProducerFilter(request.GET)
    qs = filters.apply(producers_for(request.user))
    page = PageFirstPaginator(qs, 50, rows=filters.rows).get_page(request.GET.get("page"))
    return page_or_partial(request, "producers/list.html", {"filters": filters, "page": page}, "results")


@login_required
def producer_detail(request, pk: int):
    producer = get_in_scope_or_404(
        producers_for(request.user)
        .select_related("location", "location__parent", "home_province")
        .prefetch_related(Prefetch("products", Product.objects.select_related("group", "location"))),
        pk=pk,
    )
    return render(
        request,
        "producers/detail.html",
        {
            "producer": producer,
            "history": audit.history(producer, request.user)[:50],
        },
    )


def _edit(request, producer=None):
    if not request.user.has_perm("producers.change"):
        raise PermissionDenied
    form = ProducerForm(request.POST or None, instance=producer, user=request.user)
    # The version the form was first read at travels with it (re-shown forms keep it), so a save over someone
    # else's later change is refused instead of silently overwriting it.
    version = (request.POST.get("version") if request.method == "POST" else None) or (producer and producer.version)
    if request.method == "POST" and form.is_valid():
        try:
            if producer is None:
                producer = services.create_producer(actor=request.user, **form.service_values())
                messages.success(request, _("Đã thêm chủ thể."))
            else:
                services.update_producer(
                    actor=request.user, producer=producer, expected_version=version, **form.service_values()
                )
                messages.success(request, _("Đã lưu."))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect(producer)
    return render(request, "producers/form.html", {"form": form, "producer": producer, "version": version})


@login_required
def producer_create(request):
    return _edit(request)


@login_required
def producer_edit(request, pk: int):
    producer = get_in_scope_or_404(
        producers_for(request.user, "producers.change").select_related("location__parent__parent"), pk=pk
    )
    return _edit(request, producer)


@login_required
def producer_pick(request):
    """The producer picker's options: up to 20 producers the person reaches (for `?action=`, one of PICK_ACTIONS)
    whose name, without accents, or tax number holds every word typed. One query for the list, whatever its size."""
    action = request.GET.get("action") or "producers.view"
    if action not in PICK_ACTIONS:
        action = "producers.view"
    # htmx sends the box under its own name (producer, producer_id, …); `q` for anyone else
    text = request.GET.get("q") or next((v for k, v in request.GET.items() if k != "action"), "")
    producers = pick_producers(request.user, text, action)[:PICK_LIMIT] if text.strip() else []
    return render(request, "core/widgets/picker_options.html", {"options": [pick_label(p) for p in producers]})
