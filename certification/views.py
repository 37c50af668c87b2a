import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification.forms import ImportForm
from certification.imports import REGISTER_COLUMNS, REVOCATION_COLUMNS, import_register, import_revocations
from certification.models import Decision
from core import audit
from core.imports import ImportErrors
from core.scoping import get_in_scope_or_404

IMPORTERS = {"register": import_register, "revocations": import_revocations}
UPLOAD_DIR = settings.VAR_DIR / "imports"


def _require_manage(request):
    if not request.user.has_perm("certification.manage"):
        raise PermissionDenied


@login_required
def import_upload(request):
    """Upload → dry run → preview of every row (or every error) → confirm. Nothing is written before confirming."""
    _require_manage(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {
        "form": form,
        "layouts": [(_("Sổ công nhận"), REGISTER_COLUMNS), (_("Quyết định thu hồi"), REVOCATION_COLUMNS)],
    }
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex
        stored = UPLOAD_DIR / f"{token}{Path(upload.name).suffix.lower()}"
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            result = IMPORTERS[kind](stored, actor=request.user, dry_run=True, filename=upload.name)
        except ImportErrors as exc:
            stored.unlink(missing_ok=True)
            context.update(errors=exc.errors, filename=upload.name)
        else:
            request.session.setdefault("imports", {})[token] = {"path": stored.name, "kind": kind, "name": upload.name}
            request.session.modified = True
            context.update(result=result, token=token, filename=upload.name, kind=kind)
    return render(request, "certification/import.html", context)


@login_required
@require_POST
def import_confirm(request):
    _require_manage(request)
    pending = request.session.get("imports", {}).pop(request.POST.get("token", ""), None)
    request.session.modified = True
    if pending is None:
        messages.error(request, _("Phiên nhập đã hết hạn hoặc đã được xác nhận. Hãy tải tệp lên lại."))
        return redirect("register:import")
    stored = UPLOAD_DIR / pending["path"]
    try:
        result = IMPORTERS[pending["kind"]](stored, actor=request.user, dry_run=False, filename=pending["name"])
    except ImportErrors as exc:
        # The data changed between preview and confirmation: say so, write nothing.
        messages.error(
            request,
            _("Không nhập được, dữ liệu đã thay đổi từ lúc xem trước: %(e)s")
            % {"e": "; ".join(str(e) for e in exc.errors[:5])},
        )
        return redirect("register:import")
    finally:
        stored.unlink(missing_ok=True)
    messages.success(request, _("Đã nhập %(f)s: %(s)s") % {"f": pending["name"], "s": result.summary})
    return redirect("products:list")


@login_required
def decision_detail(request, pk: int):
    decision = get_in_scope_or_404(
        Decision.objects.for_user(request.user, "certification.view").select_related("province"), pk=pk
    )
    certificates = decision.certificates.select_related("product", "product__producer")
    revoked = decision.revoked_certificates.select_related("product", "product__producer")
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
