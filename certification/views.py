from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from certification import services
from certification.choices import IssuingLevel
from certification.forms import ImportForm, InspectionForm, RevocationForm
from certification.imports import REGISTER_COLUMNS, REVOCATION_COLUMNS, import_register, import_revocations
from certification.models import Decision, Inspection
from certification.queries import holding_on, state_on
from core import audit
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.models import AuditEntry
from core.scoping import get_in_scope_or_404
from core.templatetags.ui import vdate
from core.text import is_id
from evaluation import process
from products.queries import products_for

IMPORTERS = {"register": import_register, "revocations": import_revocations}


def _require_manage(request):
    if not request.user.has_perm("certification.manage"):
        raise PermissionDenied


@login_required
def import_upload(request):
    """Upload → a background dry run (imports app: progress, mapping step, errors, then the write on request)."""
    _require_manage(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from imports import services as imports_services
        from imports.views import upload_redirect

        job = imports_services.start_import(
            actor=request.user, kind_key=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
        )
        return upload_redirect(request, job)
    context = {
        "form": form,
        "layouts": [(_("Sổ công nhận"), REGISTER_COLUMNS), (_("Quyết định thu hồi"), REVOCATION_COLUMNS)],
    }
    return render(request, "certification/import.html", context)


@login_required
def decision_detail(request, pk: int):
    """A decision opens for whoever may see the register where it was issued, and for whoever sees one of the products
    it recognises or revokes (a commune officer, a producer): they see those products' lines of it."""
    in_province = Decision.objects.for_user(request.user, "certification.view")
    visible = products_for(request.user)
    decision = get_in_scope_or_404(
        Decision.objects.filter(
            Q(pk__in=in_province.values("pk"))
            | Q(certificates__product__in=visible)
            | Q(revoked_certificates__product__in=visible)
        )
        .distinct()
        .select_related("province"),
        pk=pk,
    )
    certificates = decision.certificates.select_related("product", "product__producer")
    revoked = decision.revoked_certificates.select_related("product", "product__producer")
    if not in_province.filter(pk=decision.pk).exists():
        certificates, revoked = certificates.filter(product__in=visible), revoked.filter(product__in=visible)
    return render(
        request,
        "certification/decision.html",
        {
            "decision": decision,
            "certificates": certificates,
            "revoked": revoked,
            "history": audit.history(decision, request.user)[:50],
        },
    )


# --- post-recognition supervision: inspections (Điều 9) and revocation (Điều 8) ------------------------------------


def _product_or_404(request, action: str, pk: int):
    return get_in_scope_or_404(
        products_for(request.user, action).select_related("producer", "location", "current_location"), pk=pk
    )


def _certificate_rows(product, today):
    rows = []
    for certificate in product.certificates.select_related("decision", "revocation", "revocation_inspection").order_by(
        "-valid_from", "-id"
    ):
        rows.append((certificate, state_on(certificate, today)))
    return rows


def supervision_context(product, user, today, form=None) -> dict:
    """Everything the supervision page shows: certificates (with revocation grounds and deadlines), the current one's
    end-of-validity rules, inspections, and proposals to revoke still waiting for a decision."""
    rows = _certificate_rows(product, today)
    holding = holding_on(product, today, certificates=[c for c, _state in rows])
    end_rules = None
    authority = None
    if holding.certificate is not None and holding.is_valid:
        end_rules = process.certificate_rules(holding.certificate.term_last_day)
        authority = process.revocation_authority(holding.certificate.stars, today)
    inspections = list(
        Inspection.objects.filter(product=product)
        .select_related("certificate", "certificate__revocation", "recorded_by")
        .order_by("-date", "-id")
    )
    pending = [i for i in inspections if i.proposes_revocation and i.certificate.revocation_id is None]
    for inspection in pending:
        deadline = inspection.revocation_deadline
        inspection.days_left = (deadline - today).days if deadline else None
        inspection.days_over = -inspection.days_left if deadline else None
        inspection.authority = process.revocation_authority(inspection.certificate.stars, today)
    history = (
        AuditEntry.objects.for_user(user, "audit.view")
        .filter(
            Q(object_type=audit.object_type(Inspection), object_id__in=[str(i.pk) for i in inspections])
            | Q(object_type="certification.certificate", object_id__in=[str(c.pk) for c, _state in rows])
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:50]
    )
    return {
        "product": product,
        "today": today,
        "history": history,
        "certificates": rows,
        "holding": holding,
        "end_rules": end_rules,
        "authority": authority,
        "inspections": inspections,
        "pending": pending,
        "form": form,
        "can_manage": user.has_perm("certification.manage"),
    }


@login_required
def supervision(request, pk: int):
    """The product's post-recognition page: its certificates, inspections (list and, for the province office, a form
    to record one), proposals to revoke with their 15-day deadline, revocations recorded."""
    today = timezone.localdate()
    product = _product_or_404(request, "certification.view", pk)
    form = None
    if request.user.has_perm("certification.manage"):
        form = InspectionForm(request.POST or None, initial={"date": today})
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        product = _product_or_404(request, "certification.manage", pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                inspection = services.record_inspection(actor=request.user, product=product, **data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Đã ghi kết quả kiểm tra ngày %(d)s.") % {"d": vdate(inspection.date)})
                if inspection.proposes_revocation and inspection.revocation_deadline:
                    messages.warning(
                        request,
                        _("Đề nghị thu hồi: quyết định thu hồi cần ban hành chậm nhất ngày %(d)s (Điều 8 khoản 4).")
                        % {"d": vdate(inspection.revocation_deadline)},
                    )
                return redirect("register:supervision", pk=product.pk)
    return render(
        request,
        "certification/supervision.html",
        supervision_context(product, request.user, today, form),
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


def _revocation_facts(product, data: dict, today) -> dict:
    """The certificate a revocation on the chosen date would end, who may revoke it, and the 15-day deadline."""
    day = data.get("decision_date") or today
    certificate = services.certificate_to_revoke(product, day)
    authority = process.revocation_authority(certificate.stars, day) if certificate else None
    found_on = data.get("found_on")
    deadline = process.revocation_deadline(found_on, day) if found_on else None
    days_late = (day - deadline).days if deadline and data.get("decision_date") and day > deadline else 0
    return {
        "certificate": certificate,
        "authority": authority,
        "authority_label": IssuingLevel(authority).label if authority else None,
        "found_on": found_on,
        "deadline": deadline,
        "days_late": days_late,
        "decision_date": data.get("decision_date"),
    }


@login_required
def revoke(request, pk: int):
    """Record a revocation decision (26/2026 Điều 8): ground, finding date (the 15-day deadline is shown as soon as it
    is entered), decision number and date, and the issuing level (the ministry's, for a 5★ certificate)."""
    if not request.user.has_perm("certification.manage"):
        raise PermissionDenied
    today = timezone.localdate()
    product = _product_or_404(request, "certification.manage", pk)
    inspection = None
    inspection_id = request.POST.get("inspection") or request.GET.get("inspection")
    if inspection_id and is_id(inspection_id):
        inspection = Inspection.objects.filter(product=product, pk=int(inspection_id)).first()
    holding = holding_on(product, today)
    initial = {"decision_date": today}
    if holding.certificate is not None:
        authority = process.revocation_authority(holding.certificate.stars, today)
        if authority:
            initial["issuing_level"] = authority
    if inspection is not None:
        initial.update(inspection=inspection.pk, ground=inspection.proposed_ground, found_on=inspection.found_on)
    if request.method == "POST":
        form = RevocationForm(request.POST)
    elif request.htmx and request.GET:
        form = RevocationForm(request.GET)  # the live rules box: validate the dates typed so far, write nothing
    else:
        form = RevocationForm(initial=initial)
    data = {}
    if form.is_bound:
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
    else:
        data = {k: v for k, v in initial.items() if k in ("decision_date", "found_on")}
    if request.method == "POST" and not form.errors:
        try:
            certificate, outcome = services.record_revocation(
                actor=request.user,
                product=product,
                issuing_level=data["issuing_level"],
                number=data["decision_no"],
                date=data["decision_date"],
                ground=data["ground"],
                reason=data["reason"],
                found_on=data["found_on"],
                inspection=inspection,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if outcome == "unchanged":
                messages.info(request, _("Quyết định thu hồi này đã được ghi trước đó."))
            else:
                messages.success(
                    request,
                    _("Đã ghi quyết định thu hồi %(n)s; đã thông báo cho chủ thể và cán bộ xã.")
                    % {"n": certificate.revocation.number},
                )
                if certificate.revocation_days_late:
                    messages.warning(
                        request,
                        _("Quyết định ban hành sau thời hạn 15 ngày (hạn: %(d)s, chậm %(n)s ngày; Điều 8 khoản 4).")
                        % {"d": vdate(certificate.revocation_deadline), "n": certificate.revocation_days_late},
                    )
            return redirect("register:supervision", pk=product.pk)
    context = {
        "product": product,
        "form": form,
        "inspection": inspection,
        "holding": holding,
        "facts": _revocation_facts(product, data, today),
        "today": today,
    }
    status = 400 if request.method == "POST" and form.errors else 200
    return page_or_partial(request, "certification/revoke.html", context, "rules", status=status)
