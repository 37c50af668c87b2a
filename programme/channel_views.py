"""Pages of a product's sales channels ("Kênh bán hàng") and the officers' moderation queue.

Thin views: they find the product in the user's scope (404 outside), call programme.channel_services and put a
refusal on the field it names. The section is one template; htmx requests get only its partial.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from programme import channel_services as services
from programme.channel_forms import FORMS, RejectForm, initial_from
from programme.channel_queries import (
    MODERATE,
    can_moderate,
    channel_products_for,
    editable_products,
    pending_for,
    product_channels,
)

SECTION = "programme/channels/section.html"


def _product(request, product_id):
    return get_in_scope_or_404(
        channel_products_for(request.user).select_related("producer", "location", "location__parent"), pk=product_id
    )


def _kind(kind):
    if kind not in FORMS:
        raise Http404
    return kind


def _row(product, kind, pk):
    model = services.model_for(kind)
    try:
        return model.objects.select_related("commune" if kind == "outlet" else "product").get(
            pk=pk, product=product, removed_at__isnull=True
        )
    except model.DoesNotExist as exc:
        raise Http404 from exc


def _section_context(request, product, **extra):
    moderator = can_moderate(request.user, product)
    return {
        "product": product,
        "channels": product_channels(product),
        "moderator": moderator,
        "proposer": not moderator and editable_products(request.user).filter(pk=product.pk).exists(),
        "reject_form": RejectForm() if moderator else None,
        **extra,
    }


@login_required
def channels(request, product_id: int):
    """The "Kênh bán hàng" section of one product: every channel with its state, and the buttons the user may use."""
    product = _product(request, product_id)
    return page_or_partial(request, SECTION, _section_context(request, product), "section")


@login_required
def channel_form(request, product_id: int, kind: str, pk: int | None = None):
    """Add or change one channel: a producer's change waits for review, an officer's is public at once."""
    product = _product(request, product_id)
    kind = _kind(kind)
    form_class = FORMS[kind]
    obj = _row(product, kind, pk) if pk is not None else None
    if request.method == "POST":
        form = form_class(request.POST, instance=obj)
        if form.is_valid():
            values = {name: form.cleaned_data.get(name) for name in form_class.Meta.fields}
            try:
                saved = services.save_channel(actor=request.user, product=product, kind=kind, values=values, pk=pk)
            except NotFound as exc:
                raise Http404 from exc
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if saved.is_public and not saved.has_pending:
                    messages.success(request, _("Đã ghi và công khai kênh bán hàng."))
                else:
                    messages.success(request, _("Đã gửi thay đổi; kênh bán hàng sẽ công khai khi cán bộ duyệt."))
                return redirect("programme:channels", product_id=product.pk)
    else:
        form = form_class(instance=obj, initial=initial_from(obj) if obj is not None else None)
    context = _section_context(request, product, form=form, form_kind=kind, editing=obj)
    return page_or_partial(request, "programme/channels/form.html", context, "channel_form")


@login_required
@require_POST
def channel_remove(request, product_id: int, kind: str, pk: int):
    product = _product(request, product_id)
    kind = _kind(kind)
    _row(product, kind, pk)
    try:
        if can_moderate(request.user, product):
            services.remove_directly(actor=request.user, kind=kind, pk=pk)
            messages.success(request, _("Đã gỡ kênh bán hàng khỏi trang công khai."))
        else:
            removed = services.propose_removal(actor=request.user, kind=kind, pk=pk)
            if removed is None:
                messages.success(request, _("Đã rút đề xuất kênh bán hàng."))
            else:
                messages.success(request, _("Đã gửi đề nghị gỡ; kênh bán hàng vẫn công khai đến khi cán bộ duyệt."))
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("programme:channels", product_id=product.pk)


@login_required
def queue(request):
    """Changes waiting for review in the officer's area, oldest first."""
    if not request.user.has_perm(MODERATE):
        raise PermissionDenied
    pending = pending_for(request.user)
    groups = [
        ("outlet", pending.outlets, _("Điểm bán, điểm trưng bày")),
        ("listing", pending.listings, _("Gian hàng thương mại điện tử")),
        ("agreement", pending.agreements, _("Hợp đồng phân phối")),
    ]
    context = {"queue_groups": groups, "count": sum(len(rows) for _kind, rows, _title in groups)}
    return page_or_partial(request, "programme/channels/queue.html", context, "queue")


def _reviewed_row(request, kind, pk):
    """The row under review, in the officer's scope (404 outside)."""
    if not request.user.has_perm(MODERATE):
        raise PermissionDenied
    model = services.model_for(_kind(kind))
    return get_in_scope_or_404(model.objects.for_user(request.user, MODERATE).select_related("product"), pk=pk)


def _back(request, obj):
    if request.POST.get("next") == "product":
        return redirect("programme:channels", product_id=obj.product_id)
    return redirect("programme:channel_queue")


@login_required
@require_POST
def approve(request, kind: str, pk: int):
    obj = _reviewed_row(request, kind, pk)
    try:
        services.approve(actor=request.user, kind=kind, pk=pk)
        messages.success(request, _("Đã duyệt: thay đổi đã được công khai."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request, obj)


@login_required
@require_POST
def reject(request, kind: str, pk: int):
    obj = _reviewed_row(request, kind, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return _back(request, obj)
    try:
        services.reject(actor=request.user, kind=kind, pk=pk, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã từ chối; chủ thể sẽ thấy lý do."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request, obj)
