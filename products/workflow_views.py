"""Pages of the path in through the commune: ideas, screening, dossiers, documents, and the province putting a
forwarded dossier before a council round. They only call products.workflow.

Every object is fetched from the viewer's scope (products.workflow.ideas_for / dossiers_for), so anything outside
answers 404; every button posts to one service call; documents are served only from here, after the same check.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import audit
from core.actions import perform
from core.errors import DomainError
from core.forms import BootstrapMixin, add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from core.text import is_id
from core.uploads import accept_attribute, describe, max_upload_bytes
from products import documents as pdfs
from products import dossier_forms, workflow
from products.choices import CategoryLevel, CategorySystem, DossierKind, DossierStatus, IdeaStatus
from products.models import Dossier, DossierDocument, ProductCategory
from products.queries import products_for


def _groups():
    return ProductCategory.objects.filter(system=CategorySystem.S148, level=CategoryLevel.GROUP).order_by("position")


class IdeaEditForm(BootstrapMixin, forms.Form):
    product_name = forms.CharField(label=gettext_lazy("Tên sản phẩm dự kiến"), max_length=255)
    group = forms.ModelChoiceField(
        label=gettext_lazy("Nhóm sản phẩm"),
        queryset=ProductCategory.objects.none(),
        empty_label=gettext_lazy("— Chọn nhóm sản phẩm —"),
    )
    is_existing_product = forms.BooleanField(label=gettext_lazy("Sản phẩm đã có trên thị trường"), required=False)
    description = forms.CharField(
        label=gettext_lazy("Mô tả ý tưởng"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Sản phẩm là gì, khác biệt ở đâu, gắn với truyền thống, nguyên liệu nào của địa phương."
        ),
    )
    raw_materials = forms.CharField(
        label=gettext_lazy("Nguồn nguyên liệu"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = _groups()

    def service_values(self):
        return {name: self.cleaned_data[name] for name in workflow.IDEA_EDITABLE}


class IdeaRegisterForm(IdeaEditForm):
    field_order = ["producer", "location"]
    producer = forms.ModelChoiceField(
        label=gettext_lazy("Chủ thể"), queryset=None, empty_label=gettext_lazy("— Chọn chủ thể —")
    )
    location = forms.ModelChoiceField(
        label=gettext_lazy("Xã tiếp nhận"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("— Xã của chủ thể —"),
        help_text=gettext_lazy("Để trống: xã, phường nơi chủ thể đặt trụ sở (theo địa giới từ 01/07/2025)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        producers = workflow.producers_for_registration(user)
        communes = workflow.communes_for_registration(user)
        self.fields["producer"].queryset = producers
        self.fields["location"].queryset = communes
        if not self.is_bound:
            only = list(producers[:2])
            if len(only) == 1:
                self.fields["producer"].initial = only[0].pk
            only = list(communes[:2])
            if len(only) == 1:
                self.fields["location"].initial = only[0].pk

    def service_values(self):
        values = super().service_values()
        values["producer"] = self.cleaned_data["producer"]
        values["location"] = self.cleaned_data["location"]
        return values


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,  # the service refuses an empty reason, in one place
    )


class BusinessPlanForm(BootstrapMixin, forms.Form):
    business_plan = forms.CharField(
        label=gettext_lazy("Phương án sản xuất kinh doanh"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=gettext_lazy("Tóm tắt phương án; bản đầy đủ tải lên ở mục “Phương án / dự án sản xuất kinh doanh”."),
    )


class UploadForm(BootstrapMixin, forms.Form):
    doc_type = forms.ChoiceField(label=gettext_lazy("Loại giấy tờ"))
    # Type, size and content are checked by the service (core.uploads), with Vietnamese messages.
    file = forms.FileField(label=gettext_lazy("Tệp"), required=False, allow_empty_file=True)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = [(i.code, i.label) for i in items]
        kinds = sorted({k for i in items for k in i.kinds})
        self.fields["file"].widget.attrs["accept"] = accept_attribute(kinds)
        self.fields["file"].help_text = _("Nhận %(kinds)s, tối đa %(size)s mỗi tệp.") % {
            "kinds": describe(kinds),
            "size": filesizeformat(max_upload_bytes()),
        }


class OpenDossierForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại hồ sơ"),
        choices=[("", gettext_lazy("— Chọn loại hồ sơ —")), *DossierKind.choices],
        required=False,  # the service names what is missing, in one place
    )


class ReceiptForm(BootstrapMixin, forms.Form):
    received_on = forms.DateField(
        label=gettext_lazy("Ngày xã tiếp nhận hồ sơ"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Thời hạn 15 ngày làm việc của xã tính từ ngày này (Điều 7 khoản 2)."),
    )
    receipt_no = forms.CharField(
        label=gettext_lazy("Phiếu số"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Theo phần dành cho UBND cấp xã của Mẫu số 01: ……-……. /PĐK-(Mã tỉnh)-(Mã xã)-(Năm)."),
    )


# ── Ideas ──────────────────────────────────────────────────────────────────────────────────────────────────────────

IDEA_FILTER = [("", gettext_lazy("Mọi tình trạng ý tưởng")), *IdeaStatus.choices]
DOSSIER_FILTER = [
    ("", gettext_lazy("Mọi tình trạng hồ sơ")),
    ("none", gettext_lazy("Chưa có hồ sơ")),
    *DossierStatus.choices,
]


def _idea_list_queryset(user, status: str, dossier: str):
    latest = Dossier.objects.filter(product=OuterRef("product")).order_by("-created_at", "-pk")
    qs = (
        workflow.ideas_for(user)
        .select_related("producer", "location", "group")
        .annotate(
            dossier_id=Subquery(latest.values("pk")[:1]),
            dossier_status=Subquery(latest.values("status")[:1]),
        )
    )
    if status in IdeaStatus.values:
        qs = qs.filter(status=status)
    if dossier == "none":
        qs = qs.filter(dossier_id__isnull=True)
    elif dossier in DossierStatus.values:
        qs = qs.filter(dossier_status=dossier)
    return qs.order_by("-updated_at", "-pk")


@login_required
def idea_list(request):
    status = request.GET.get("status", "")
    dossier = request.GET.get("dossier", "")
    page = Paginator(_idea_list_queryset(request.user, status, dossier), 50).get_page(request.GET.get("page"))
    dossier_labels = dict(DossierStatus.choices)
    for idea in page:
        idea.dossier_label = dossier_labels.get(idea.dossier_status, "")
    return page_or_partial(
        request,
        "products/ideas/list.html",
        {
            "page": page,
            "status": status,
            "dossier": dossier,
            "idea_filter": IDEA_FILTER,
            "dossier_filter": DOSSIER_FILTER,
        },
        "results",
    )


@login_required
def idea_register(request):
    if not request.user.has_perm(workflow.REGISTER):
        raise PermissionDenied
    form = IdeaRegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            idea = workflow.register_idea(actor=request.user, **form.service_values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã gửi ý tưởng tới xã để sàng lọc."))
            return redirect("ideas:detail", pk=idea.pk)
    has_producers = form.fields["producer"].queryset.exists()
    return render(request, "products/ideas/register.html", {"form": form, "has_producers": has_producers})


def _idea(request, pk):
    return get_in_scope_or_404(
        workflow.ideas_for(request.user).select_related("producer", "location", "group", "product", "registered_by"),
        pk=pk,
    )


def _focus_refusal(*forms):
    """A refused form comes back inside a long page: focus its first invalid field (else its first field), so the
    browser scrolls to it and the person sees the reason where they pressed the button, not the top of the page."""
    for form in forms:
        if form is not None and form.is_bound and form.errors:
            name = next((n for n in form.errors if n in form.fields), next(iter(form.fields)))
            form.fields[name].widget.attrs["autofocus"] = True
            return


def _render_idea(request, idea, *, reason_form=None, status=200):
    _focus_refusal(reason_form)
    dossier = None
    if idea.product_id:
        dossier = workflow.dossiers_for(request.user).filter(product=idea.product_id).order_by("-created_at").first()
    return render(
        request,
        "products/ideas/detail.html",
        {
            "idea": idea,
            "dossier": dossier,
            "actions": workflow.idea_actions(request.user, idea),
            "reason_form": reason_form or ReasonForm(),
            "history": audit.history(idea, request.user)[:50],
        },
        status=status,
    )


@login_required
def idea_detail(request, pk: int):
    return _render_idea(request, _idea(request, pk))


@login_required
def idea_resubmit(request, pk: int):
    idea = _idea(request, pk)
    if "resubmit" not in workflow.idea_actions(request.user, idea):
        messages.error(request, _("Ý tưởng này không sửa và gửi lại được lúc này."))
        return redirect("ideas:detail", pk=idea.pk)
    initial = {name: getattr(idea, name) for name in workflow.IDEA_EDITABLE}
    initial["group"] = idea.group_id
    form = IdeaEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.resubmit_idea(actor=request.user, idea=idea, **form.service_values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã gửi lại ý tưởng tới xã."))
            return redirect("ideas:detail", pk=idea.pk)
    return render(request, "products/ideas/resubmit.html", {"form": form, "idea": idea})


def _act_with_reason(request, act, *, then, pk, refused, success):
    """A step that needs a reason (return an idea or a dossier, ask for completion): a refusal about the reason comes
    back on the form, where the person typed it (`refused(form)` renders the page); any other refusal is a message."""
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        act(form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        if exc.field != "reason":
            messages.error(request, exc.message)
            return redirect(then, pk=pk)
        add_domain_error(form, exc)
        return refused(form)
    messages.success(request, success)
    return redirect(then, pk=pk)


@login_required
@require_POST
def idea_return(request, pk: int):
    idea = _idea(request, pk)
    return _act_with_reason(
        request,
        lambda reason: workflow.return_idea(actor=request.user, idea=idea, reason=reason),
        then="ideas:detail",
        pk=idea.pk,
        refused=lambda form: _render_idea(request, idea, reason_form=form, status=400),
        success=_("Đã trả lại ý tưởng cho chủ thể."),
    )


@login_required
@require_POST
def idea_accept(request, pk: int):
    idea = _idea(request, pk)
    return perform(
        request,
        lambda: workflow.accept_idea(actor=request.user, idea=idea),
        success=_("Đã chấp nhận ý tưởng; sản phẩm và hồ sơ đã được tạo."),
        then="ideas:detail",
        pk=idea.pk,
    )


# ── Dossiers ───────────────────────────────────────────────────────────────────────────────────────────────────────


def _dossier(request, pk):
    return get_in_scope_or_404(
        workflow.dossiers_for(request.user).select_related(
            "product__producer", "product__location", "product__group", "product__idea"
        ),
        pk=pk,
    )


def _printed_forms(dossier, actions):
    """The three printed forms of the dossier with their state, for the dossier page."""
    rows = []
    for code, form_class in dossier_forms.FORMS.items():
        stored = getattr(dossier, dossier_forms.FORM_FIELDS[code])
        problem = workflow.form_errors(code, dossier) if stored else None
        editable = ("report" if code == "mau-03" else "edit") in actions
        rows.append(
            {
                "code": code,
                "number": form_class.number,
                "title": form_class.title,
                "filled": bool(stored),
                "problem": problem[1] if problem else "",
                "editable": editable,
            }
        )
    return rows


def _render_dossier(
    request,
    dossier,
    *,
    plan_form=None,
    upload_form=None,
    reason_form=None,
    receipt_form=None,
    province_reason_form=None,
    status=200,
):
    _focus_refusal(plan_form, upload_form, reason_form, receipt_form, province_reason_form)
    documents = list(dossier.documents.select_related("uploaded_by"))
    items = workflow.dossier_checklist(dossier)
    by_type = {}
    for document in documents:
        by_type.setdefault(document.doc_type, []).append(document)
    rows = [{"item": item, "documents": by_type.get(item.code, [])} for item in items]
    actions = workflow.dossier_actions(request.user, dossier)
    day = workflow.today()
    window = workflow.rerating_window_of(dossier, day)
    return render(
        request,
        "products/ideas/dossier.html",
        {
            "dossier": dossier,
            "product": dossier.product,
            "idea": getattr(dossier.product, "idea", None),
            "rows": rows,
            "missing": workflow.missing_mandatory(dossier, documents),
            "gaps": workflow.submission_gaps(dossier, documents) if "submit" in actions else None,
            "actions": actions,
            "rules": workflow.rules_of(dossier),
            "deadline": workflow.commune_deadline_of(dossier, day),
            "window": window,
            "window_outside": bool(window and dossier.submitted_on and not window.contains(dossier.submitted_on)),
            "kind_article": workflow.kind_article(dossier.kind),
            "printed_forms": _printed_forms(dossier, actions),
            "today": day,
            "plan_form": plan_form or BusinessPlanForm(initial={"business_plan": dossier.business_plan}),
            "upload_form": upload_form or UploadForm(items=items),
            "reason_form": reason_form or ReasonForm(),
            "province_reason_form": province_reason_form or ReasonForm(),
            "receipt_form": receipt_form or ReceiptForm(initial={"received_on": day}),
            "history": audit.history(dossier, request.user)[:50],
            "province": workflow.province_view(request.user, dossier),
            "outcome": workflow.dossier_outcome(dossier),
        },
        status=status,
    )


@login_required
def dossier_detail(request, pk: int):
    return _render_dossier(request, _dossier(request, pk))


@login_required
@require_POST
def dossier_plan(request, pk: int):
    dossier = _dossier(request, pk)
    form = BusinessPlanForm(request.POST)
    form.is_valid()
    try:
        workflow.save_dossier(actor=request.user, dossier=dossier, business_plan=form.cleaned_data["business_plan"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã lưu phương án sản xuất kinh doanh."))
    return redirect("ideas:dossier", pk=dossier.pk)


@login_required
@require_POST
def dossier_upload(request, pk: int):
    dossier = _dossier(request, pk)
    form = UploadForm(request.POST, request.FILES, items=workflow.dossier_checklist(dossier))
    if form.is_valid():
        try:
            document = workflow.upload_document(
                actor=request.user,
                dossier=dossier,
                doc_type=form.cleaned_data["doc_type"],
                uploaded=form.cleaned_data["file"],
            )
        except DomainError as exc:
            if exc.field not in form.fields:
                messages.error(request, exc.message)
                return redirect("ideas:dossier", pk=dossier.pk)
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã tải lên “%(name)s”.") % {"name": document.original_name})
            return redirect("ideas:dossier", pk=dossier.pk)
    return _render_dossier(request, dossier, upload_form=form, status=400)


@login_required
@require_POST
def dossier_submit(request, pk: int):
    dossier = _dossier(request, pk)
    return perform(
        request,
        lambda: workflow.submit_dossier(actor=request.user, dossier=dossier),
        success=_(
            "Đã nộp hồ sơ tới xã. Tiếp theo: cán bộ xã tiếp nhận và kiểm tra hồ sơ trong 15 ngày làm việc kể từ ngày "
            "tiếp nhận, rồi chuyển lên tỉnh hoặc trả lại kèm lý do; bạn nhận được thông báo ở mỗi bước."
        ),
        then="ideas:dossier",
        pk=dossier.pk,
    )


@login_required
@require_POST
def dossier_return(request, pk: int):
    dossier = _dossier(request, pk)
    return _act_with_reason(
        request,
        lambda reason: workflow.return_dossier(actor=request.user, dossier=dossier, reason=reason),
        then="ideas:dossier",
        pk=dossier.pk,
        refused=lambda form: _render_dossier(request, dossier, reason_form=form, status=400),
        success=_("Đã trả lại hồ sơ cho chủ thể."),
    )


@login_required
@require_POST
def dossier_province_return(request, pk: int):
    """The province office asks the commune and the producer to complete a forwarded dossier (Điều 7.3.a)."""
    dossier = _dossier(request, pk)
    return _act_with_reason(
        request,
        lambda reason: workflow.return_to_commune(actor=request.user, dossier=dossier, reason=reason),
        then="ideas:dossier",
        pk=dossier.pk,
        refused=lambda form: _render_dossier(request, dossier, province_reason_form=form, status=400),
        success=_("Đã yêu cầu hoàn thiện hồ sơ. Chủ thể bổ sung và nộp lại cho xã; xã kiểm tra rồi chuyển tỉnh lại."),
    )


@login_required
@require_POST
def dossier_forward(request, pk: int):
    dossier = _dossier(request, pk)
    return perform(
        request,
        lambda: workflow.forward_dossier(actor=request.user, dossier=dossier),
        success=_("Đã chuyển hồ sơ lên tỉnh."),
        then="ideas:dossier",
        pk=dossier.pk,
    )


def _document(request, pk):
    return get_in_scope_or_404(
        DossierDocument.objects.filter(dossier__in=workflow.dossiers_for(request.user)).select_related("dossier"),
        pk=pk,
    )


@login_required
def document_download(request, pk: int):
    """The only way to a stored document: in the reader's scope, as an attachment with the checked content type."""
    document = _document(request, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=document.original_name, content_type=document.content_type)


@login_required
@require_POST
def document_remove(request, pk: int):
    document = _document(request, pk)
    return perform(
        request,
        lambda: workflow.remove_document(actor=request.user, document=document),
        success=_("Đã gỡ “%(name)s” khỏi hồ sơ.") % {"name": document.original_name},
        then="ideas:dossier",
        pk=document.dossier_id,
    )


# ── 26/2026: dossier list, opening a dossier, printed forms, receipt ──────────────────────────────────────────────

KIND_FILTER = [("", gettext_lazy("Mọi loại hồ sơ")), *DossierKind.choices]
STATUS_FILTER = [("", gettext_lazy("Mọi tình trạng hồ sơ")), *DossierStatus.choices]


def _dossier_list_queryset(user, status: str, kind: str):
    qs = workflow.dossiers_for(user).select_related("product__producer", "product__location")
    if status in DossierStatus.values:
        qs = qs.filter(status=status)
    if kind in DossierKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-updated_at", "-pk")


@login_required
def dossier_list(request):
    """Every dossier in the reader's scope, whatever its kind, with the commune's deadline and the rules it follows."""
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    page = Paginator(_dossier_list_queryset(request.user, status, kind), 50).get_page(request.GET.get("page"))
    day = workflow.today()
    for dossier in page:
        dossier.rules = workflow.rules_of(dossier)
        dossier.deadline = workflow.commune_deadline_of(dossier, day)
    return page_or_partial(
        request,
        "products/ideas/dossier_list.html",
        {"page": page, "status": status, "kind": kind, "status_filter": STATUS_FILTER, "kind_filter": KIND_FILTER},
        "results",
    )


@login_required
@require_POST
def dossier_open(request, pk: int):
    """A new dossier of the chosen kind for an existing product (from the product page)."""
    product = get_in_scope_or_404(products_for(request.user).select_related("producer", "location"), pk=pk)
    form = OpenDossierForm(request.POST)
    form.is_valid()
    try:
        dossier = workflow.open_dossier(actor=request.user, product=product, kind=form.cleaned_data.get("kind", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(product)
    messages.success(request, _("Đã lập hồ sơ “%(kind)s”.") % {"kind": dossier.get_kind_display()})
    return redirect("ideas:dossier", pk=dossier.pk)


FORM_SERVICES = {
    "mau-01": ("edit", workflow.save_registration_form),
    "mau-02": ("edit", workflow.save_self_assessment),
    "mau-03": ("report", workflow.save_commune_report),
}


@login_required
def dossier_form(request, pk: int, code: str):
    """Fill in one printed form of the dossier: Mẫu 01 and 02 by the producer (or the commune officer on its behalf)
    while the dossier is prepared, Mẫu 03 by the commune once it has received the dossier."""
    if code not in FORM_SERVICES:
        raise Http404
    dossier = _dossier(request, pk)
    action, service = FORM_SERVICES[code]
    if action not in workflow.dossier_actions(request.user, dossier):
        messages.error(request, _("Không sửa được biểu mẫu này của hồ sơ lúc này."))
        return redirect("ideas:dossier", pk=dossier.pk)
    form_class = dossier_forms.FORMS[code]
    # The form as stored when the page was first opened (kept when it is shown again), so the service can refuse
    # a save over someone else's later save of the same form.
    based_on = request.POST.get("based_on") if request.method == "POST" else None
    based_on = based_on or workflow.form_fingerprint(dossier, code)
    if request.method == "POST":
        form = form_class(request.POST, dossier=dossier)
        if form.is_valid():
            try:
                service(actor=request.user, dossier=dossier, data=request.POST)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Đã lưu %(number)s.") % {"number": form_class.number})
                return redirect("ideas:dossier", pk=dossier.pk)
        status = 400
    else:
        form = form_class(initial=dossier_forms.initial_for(code, dossier, workflow.today()), dossier=dossier)
        status = 200
    return render(
        request,
        "products/ideas/dossier_form.html",
        {"dossier": dossier, "product": dossier.product, "form": form, "code": code, "based_on": based_on},
        status=status,
    )


@login_required
def dossier_form_pdf(request, pk: int, code: str):
    """A printed form as PDF, to whoever may see the dossier, once it has been filled in."""
    if code not in dossier_forms.FORMS:
        raise Http404
    dossier = _dossier(request, pk)
    if not getattr(dossier, dossier_forms.FORM_FIELDS[code]):
        raise Http404
    response = HttpResponse(pdfs.render_form_pdf(code, dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdfs.form_filename(code, dossier)}"'
    return response


@login_required
@require_POST
def dossier_receive(request, pk: int):
    dossier = _dossier(request, pk)
    form = ReceiptForm(request.POST)
    if form.is_valid():
        try:
            workflow.record_receipt(
                actor=request.user,
                dossier=dossier,
                received_on=form.cleaned_data["received_on"],
                receipt_no=form.cleaned_data["receipt_no"],
            )
        except DomainError as exc:
            if exc.field not in form.fields:
                messages.error(request, exc.message)
                return redirect("ideas:dossier", pk=dossier.pk)
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận ngày xã tiếp nhận hồ sơ."))
            return redirect("ideas:dossier", pk=dossier.pk)
    return _render_dossier(request, dossier, receipt_form=form, status=400)


@login_required
@require_POST
def dossier_add_to_round(request, pk: int):
    """The province office puts the forwarded dossier's product before an open round (from the dossier page)."""
    from evaluation.council_models import EvaluationRound

    dossier = _dossier(request, pk)
    key = request.POST.get("round", "")
    evaluation_round = (
        EvaluationRound.objects.for_user(request.user, workflow.ORGANISE).filter(pk=int(key)).first()
        if is_id(key)
        else None
    )
    if evaluation_round is None:
        messages.error(request, _("Hãy chọn một đợt đánh giá của tỉnh trong danh sách."))
        return redirect("ideas:dossier", pk=dossier.pk)
    return perform(
        request,
        lambda: workflow.add_to_round(actor=request.user, dossier=dossier, evaluation_round=evaluation_round),
        success=_(
            "Đã đưa sản phẩm vào đợt “%(round)s”. Tiếp theo: Tổ tư vấn đánh giá hồ sơ (có thể đề nghị bổ sung, khảo "
            "sát thực tế) và báo cáo Chủ tịch Hội đồng; sau đó Hội đồng chấm điểm."
        )
        % {"round": evaluation_round.title},
        then="ideas:dossier",
        pk=dossier.pk,
    )
