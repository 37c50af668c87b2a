"""Writes of the imports app: start a job, map its columns, confirm its write, cancel it, undo it."""

from collections import defaultdict
from pathlib import PurePath

from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from imports import kinds, progress
from imports.models import ImportJob, Mode, SavedMapping, Status
from imports.tasks import run_import_job

IGNORE = "-"
# A certificate the job created is undone only with its product: one added to a product that existed before the job
# re-dated that product's earlier certificates (the chain), which deleting it alone would not restore.
CREATED_WITH = {"certification.certificate": ("product_id", "products.product")}


def require_kind(actor, kind):
    if not actor.has_perm(kind.action):
        raise PermissionRefused(_("Bạn không có quyền nhập loại tệp này (%(k)s).") % {"k": kind.label})


def jobs_for(user):
    """The jobs of the kinds the user may import, in the areas where they may import them."""
    from core.scoping import scope_q

    q = Q(pk__in=[])
    for kind in kinds.all_kinds():
        if user.has_perm(kind.action):
            area = scope_q(user, kind.action, "area")
            q |= Q(kind=kind.key) & (area if area is not None else Q())
    return ImportJob.objects.filter(q)


def home_area(actor, action: str):
    """The province a job belongs to: the actor's province membership for the kind's action (none for national)."""
    from accounts.models import Membership
    from accounts.scope import roles_for
    from areas.choices import Level

    membership = (
        Membership.objects.active()
        .filter(user=actor, role__in=roles_for(action), area__level=Level.PROVINCE)
        .select_related("area")
        .order_by("pk")
        .first()
    )
    return membership.area if membership else None


def start_import(*, actor, kind_key: str, upload) -> ImportJob:
    """Store the upload and queue its dry run. The file was checked by the upload form (type, size, content)."""
    kind = kinds.get(kind_key)
    require_kind(actor, kind)
    job = ImportJob(
        kind=kind.key,
        original_name=PurePath(upload.name).name[:255],
        created_by=actor,
        area=home_area(actor, kind.action),
    )
    job.file.save(f"{kind.key}{PurePath(upload.name).suffix.lower()}", upload, save=False)
    job.save()
    _enqueue(job)
    return job


def _enqueue(job):
    progress.clear(job.pk)
    run_import_job.enqueue(job.pk)
    job.refresh_from_db()


def _reset_results():
    return {
        "status": Status.QUEUED,
        "stage": "",
        "done": 0,
        "total": 0,
        "rows_total": 0,
        "invalid_rows": 0,
        "summary": "",
        "counts": {},
        "errors": [],
        "warnings": [],
        "outcomes": [],
        "reason": "",
        "started_at": None,
        "finished_at": None,
    }


def _locked(job, *statuses):
    """The job row locked for this change, refused when it is no longer in one of `statuses` (a second click)."""
    current = ImportJob.objects.select_for_update().get(pk=job.pk)
    if current.status not in statuses:
        raise DomainError(
            _("Lần nhập này đang ở trạng thái “%(s)s”; thao tác không còn áp dụng.")
            % {"s": current.get_status_display()}
        )
    return current


def _require_file(job):
    """A job whose uploaded file was deleted (imports.purge) cannot run again."""
    if not job.file:
        raise DomainError(_("Tệp của lần nhập này đã được xóa vì quá thời hạn lưu; hãy tải tệp lên lại."))


def apply_mapping(*, actor, job, choices: dict[str, str], save: bool) -> ImportJob:
    """`choices`: file heading → key, or "-" to ignore it. Only what differs from how the file was read is kept,
    over the mapping already used; then the dry run runs again with it."""
    kind = kinds.get(job.kind)
    require_kind(actor, kind)
    keys = {c.key for c in kind.columns()}
    with transaction.atomic():
        job = _locked(job, Status.NEEDS_MAPPING, Status.VALIDATED, Status.FAILED, Status.CANCELLED)
        if job.mode != Mode.DRY_RUN:
            raise DomainError(_("Lần nhập này đã ghi; muốn đổi cách ghép cột thì tải tệp lên lại."))
        _require_file(job)
        chosen = dict(job.mapping)
        for heading in job.headings:
            choice = (choices.get(heading["text"]) or "").strip()
            if not choice:
                continue
            if choice != IGNORE and choice not in keys:
                raise DomainError(_("Cột “%(h)s”: không có trường “%(k)s”.") % {"h": heading["text"], "k": choice})
            current = heading["key"] or (IGNORE if heading["matched_by"] == "ignored" else "")
            if choice != current:
                chosen[heading["text"]] = choice
        if save and chosen:
            saved, _created = SavedMapping.objects.update_or_create(
                kind=job.kind,
                area=job.area,
                defaults={"mapping": chosen, "saved_by": actor, "saved_at": timezone.now()},
            )
            job.saved_mapping = saved
            audit.record(
                actor=actor,
                action="imports.mapping.saved",
                obj=saved,
                area=job.area,
                label=kind.label,
                after={"mapping": chosen},
            )
        job.mapping, job.mapping_confirmed, job.mode = chosen, True, Mode.DRY_RUN
        for name, value in _reset_results().items():
            setattr(job, name, value)
        job.save()
    _enqueue(job)
    return job


def request_write(*, actor, job, skip_invalid: bool) -> ImportJob:
    """After the dry run: write every row (all valid), or the valid rows only when the person chose to skip the rest."""
    require_kind(actor, kinds.get(job.kind))
    with transaction.atomic():
        job = _locked(job, Status.VALIDATED)
        if job.mode != Mode.DRY_RUN:
            raise DomainError(_("Lần nhập này đã được ghi."))
        _require_file(job)
        if job.valid_rows == 0:
            raise DomainError(_("Tệp không có dòng hợp lệ nào để ghi; sửa tệp và tải lên lại."))
        if job.invalid_rows and not skip_invalid:
            raise DomainError(
                _("Tệp còn %(n)s dòng lỗi: chọn “Ghi các dòng hợp lệ, bỏ qua dòng lỗi” hoặc sửa tệp và tải lại.")
                % {"n": job.invalid_rows}
            )
        job.mode, job.skip_invalid = Mode.WRITE, bool(job.invalid_rows)
        for name, value in _reset_results().items():
            setattr(job, name, value)
        job.save()
    _enqueue(job)
    return job


def cancel(*, actor, job) -> ImportJob:
    """A queued job ends here; a running one is told through its progress callback, which rolls its work back."""
    require_kind(actor, kinds.get(job.kind))
    progress.request_cancel(job.pk)  # first: a worker that picks the job up meanwhile sees it
    with transaction.atomic():
        job = _locked(job, Status.QUEUED, Status.RUNNING)
        if job.status == Status.QUEUED:
            job.status, job.finished_at = Status.CANCELLED, timezone.now()
            job.reason = _("Đã hủy trước khi chạy; không có gì được ghi.")
            job.save(update_fields=["status", "finished_at", "reason"])
    return job


# --- undo ----------------------------------------------------------------------------------------------------------


def _created_objects(job):
    """[(object type, id)] the job's write created, in creation order, or a reason why undo is not safe."""
    entries = list(
        AuditEntry.objects.filter(request_id=job.audit_tag).exclude(object_id="").order_by("created_at", "id")
    )
    if not entries:
        return None, _("Lần nhập này không tạo gì trong hệ thống; không có gì để hoàn tác.")
    if any(e.before is not None for e in entries):
        return None, _(
            "Lần nhập này đã sửa dữ liệu có sẵn (không chỉ tạo mới); chỉ hoàn tác được lần nhập chỉ tạo mới. "
            "Hãy sửa từng mục trên trang của nó."
        )
    created = []
    for entry in entries:
        pair = (entry.object_type, entry.object_id)
        if pair not in created:
            created.append(pair)
    return created, None


def undo_refusal(job) -> str | None:
    """Why the job cannot be undone now, or None."""
    if job.status != Status.DONE:
        return _("Chỉ hoàn tác được lần nhập đã ghi xong.")
    later = ImportJob.objects.filter(kind=job.kind, area=job.area, status=Status.DONE, finished_at__gt=job.finished_at)
    if later.exists():
        return _("Đã có lần nhập cùng loại mới hơn của địa bàn này; hãy hoàn tác lần đó trước.")
    created, reason = _created_objects(job)
    if reason:
        return reason
    by_type = defaultdict(set)
    for object_type, object_id in created:
        by_type[object_type].add(object_id)
    for object_type, (field, parent_type) in CREATED_WITH.items():
        ids = by_type.get(object_type)
        if not ids:
            continue
        parents = apps.get_model(object_type).objects.filter(pk__in=ids).values_list(field, flat=True)
        if any(str(p) not in by_type.get(parent_type, set()) for p in parents):
            return _(
                "Lần nhập này cấp giấy chứng nhận cho sản phẩm đã có từ trước (làm thay đổi lịch sử của sản phẩm); "
                "chỉ hoàn tác được lần nhập chỉ tạo mới."
            )
    changed_since = Q(pk__in=[])
    for object_type, ids in by_type.items():
        changed_since |= Q(object_type=object_type, object_id__in=ids)
    if AuditEntry.objects.filter(changed_since).exclude(request_id=job.audit_tag).exists():
        return _("Có mục do lần nhập này tạo đã được sửa sau đó; không hoàn tác được.")
    return None


def undo(*, actor, job) -> ImportJob:
    """Delete what the job created, newest first, in one transaction with one audit entry; refuse otherwise."""
    kind = kinds.get(job.kind)
    require_kind(actor, kind)
    with transaction.atomic():
        job = _locked(job, Status.DONE)
        reason = undo_refusal(job)
        if reason:
            raise DomainError(reason)
        created, _reason = _created_objects(job)
        deleted = defaultdict(int)
        try:
            for object_type, object_id in reversed(created):
                count, _detail = apps.get_model(object_type).objects.filter(pk=object_id).delete()
                deleted[object_type] += 1 if count else 0
        except ProtectedError as exc:
            raise DomainError(_("Có dữ liệu khác đã dựa vào mục do lần nhập này tạo; không hoàn tác được.")) from exc
        job.status, job.undone_at, job.undone_by = Status.UNDONE, timezone.now(), actor
        job.save(update_fields=["status", "undone_at", "undone_by"])
        audit.record(
            actor=actor,
            action="imports.job.undone",
            obj=job,
            area=job.area,
            label=job.original_name,
            after={"kind": job.kind, "deleted": dict(deleted)},
        )
    return job
