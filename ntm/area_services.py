"""Writes of the district and province NTM titles (issue 18, DESIGN.md rule 1): a decision recognising a pre-2025
district (huyện đạt chuẩn, nâng cao, kiểu mẫu; a thị xã or thành phố thuộc tỉnh "hoàn thành nhiệm vụ") or a province
("hoàn thành nhiệm vụ xây dựng nông thôn mới"), and its revocation. Keyword arguments, one transaction, a scope check,
an audit entry, a DomainError with a Vietnamese message on refusal.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from accounts.scope import require
from areas.choices import REFORM_DATE, Level, Scheme, UnitType
from core import audit
from core.errors import DomainError
from ntm.choices import BASIC_RANK, AreaLevel, Source
from ntm.models import AreaRecognition, Recognition
from ntm.services import _day

AREA_RECOGNITION_FIELDS = [
    "unit",
    "level",
    "decision_no",
    "decision_date",
    "issued_by",
    "effective_date",
    "source",
    "note",
]

# Which titles each kind of unit may hold: a huyện is "đạt chuẩn" (then nâng cao, kiểu mẫu); a thị xã or a thành phố
# thuộc tỉnh "hoàn thành nhiệm vụ xây dựng nông thôn mới"; a province "hoàn thành nhiệm vụ" too. A quận (urban) none.
TITLES_BY_TYPE = {
    UnitType.HUYEN: (AreaLevel.HUYEN_DAT_CHUAN, AreaLevel.HUYEN_NANG_CAO, AreaLevel.HUYEN_KIEU_MAU),
    UnitType.THI_XA: (AreaLevel.HOAN_THANH_NHIEM_VU,),
    UnitType.THANH_PHO: (AreaLevel.HOAN_THANH_NHIEM_VU,),
    UnitType.TINH: (AreaLevel.TINH_HOAN_THANH,),
    UnitType.THANH_PHO_TW: (AreaLevel.TINH_HOAN_THANH,),
}


def _clean(text) -> str:
    return " ".join((text or "").split())


def check_area_title(unit, level: str, effective: datetime.date) -> None:
    """The rules that need no write: the unit's kind, its scheme and the day (DomainError on a refusal)."""
    if level not in AreaLevel.values:
        raise DomainError(_("Danh hiệu không hợp lệ."), field="level")
    if unit.level not in (Level.DISTRICT, Level.PROVINCE):
        raise DomainError(
            _(
                "%(u)s không phải huyện hay tỉnh: danh hiệu cấp huyện, tỉnh chỉ ghi cho huyện, thị xã, thành phố "
                "thuộc tỉnh (trước 01/07/2025) hoặc tỉnh."
            )
            % {"u": unit.name},
            field="unit",
        )
    if unit.level == Level.DISTRICT:
        if unit.scheme != Scheme.PRE2025:
            raise DomainError(_("Chỉ ghi danh hiệu cho huyện của hệ thống trước 01/07/2025."), field="unit")
        if effective >= REFORM_DATE:
            raise DomainError(
                _(
                    "Từ 01/07/2025 không còn cấp huyện: quyết định công nhận %(u)s phải có ngày trước 01/07/2025 "
                    "(ngày đã ghi: %(d)s)."
                )
                % {"u": unit.name, "d": _day(effective)},
                field="decision_date",
            )
    allowed = TITLES_BY_TYPE.get(unit.unit_type, ())
    if level not in allowed:
        if allowed:
            hint = _("%(u)s chỉ nhận danh hiệu: %(a)s.") % {
                "u": unit.name,
                "a": "; ".join(str(AreaLevel(a).label) for a in allowed),
            }
        else:
            hint = _("%(u)s (quận) không xét danh hiệu nông thôn mới.") % {"u": unit.name}
        raise DomainError(
            _("Danh hiệu “%(l)s” không áp dụng cho %(u)s.") % {"l": AreaLevel(level).label, "u": unit.name}
            + " "
            + hint,
            field="level",
        )
    if not unit.is_valid_on(effective):
        raise DomainError(
            _("%(u)s không có hiệu lực ngày %(d)s.") % {"u": unit.name, "d": _day(effective)}, field="effective_date"
        )


def unrecognised_communes_warning(unit, day: datetime.date) -> str:
    """A district whose rural communes are not all recognised đạt chuẩn (or above) on `day`: a warning, never a refusal
    (one query). Provinces are not checked here: their figures are on the report."""
    if unit.level != Level.DISTRICT:
        return ""
    from areas.models import AdministrativeUnit

    recognised = Recognition.objects.in_force_on(day).filter(commune=OuterRef("pk"), rank__gt=BASIC_RANK)
    communes = (
        AdministrativeUnit.objects.filter(district=unit, level=Level.COMMUNE, unit_type=UnitType.XA)
        .valid_on(day)
        .annotate(ok=Exists(recognised))
    )
    missing = [c.name for c in communes.filter(ok=False).order_by("search_name")]
    if not missing:
        return ""
    return _("Lưu ý: ngày %(d)s, %(n)s xã của %(u)s chưa có quyết định công nhận đạt chuẩn trong hệ thống: %(c)s.") % {
        "d": _day(day),
        "n": len(missing),
        "u": unit.name,
        "c": ", ".join(missing),
    }


def record_area_recognition(
    *,
    actor,
    unit,
    level: str,
    decision_no: str = "",
    decision_date: datetime.date | None = None,
    issued_by: str = "",
    effective_date: datetime.date | None = None,
    note: str = "",
    source: str = Source.ENTRY,
) -> tuple[AreaRecognition, bool]:
    """A decision recognising a district or a province; the same (unit, level, decision number, date) again is found,
    not duplicated. It counts from `effective_date` (default: the decision's date). `recognition.warning` says when
    the district's communes were not all recognised that day (kept, not refused)."""
    require(actor, "ntm.manage", unit, _("Bạn không được ghi quyết định công nhận cho %(u)s.") % {"u": unit.name})
    effective = effective_date or decision_date
    if effective is None:
        raise DomainError(_("Ghi ngày quyết định (hoặc ngày tính từ)."), field="decision_date")
    check_area_title(unit, level, effective)
    if decision_date is not None and unit.level == Level.DISTRICT and decision_date >= REFORM_DATE:
        raise DomainError(
            _("Từ 01/07/2025 không còn cấp huyện: quyết định công nhận %(u)s phải có ngày trước 01/07/2025.")
            % {"u": unit.name},
            field="decision_date",
        )
    if source not in Source.values:
        raise DomainError(_("Nguồn dữ liệu không hợp lệ."), field="source")
    decision_no = _clean(decision_no)
    with transaction.atomic():
        found = AreaRecognition.objects.filter(
            unit=unit, level=level, decision_no=decision_no, decision_date=decision_date, effective_date=effective
        ).first()
        if found is not None:
            found.warning = ""
            return found, False
        recognition = AreaRecognition.objects.create(
            unit=unit,
            level=level,
            decision_no=decision_no,
            decision_date=decision_date,
            issued_by=_clean(issued_by),
            effective_date=effective,
            note=(note or "").strip(),
            source=source,
            created_by=audit.acting_user(actor),
        )
        audit.record(
            actor=actor,
            action="ntm.area_recognition.recorded",
            obj=recognition,
            area=unit,
            after=audit.snapshot(recognition, AREA_RECOGNITION_FIELDS),
        )
    recognition.warning = unrecognised_communes_warning(unit, effective)
    return recognition, True


def revoke_area_recognition(
    *, actor, recognition: AreaRecognition, revoked_on: datetime.date, reason: str, decision_no: str = ""
) -> AreaRecognition:
    require(
        actor,
        "ntm.manage",
        recognition.unit,
        _("Bạn không được thu hồi quyết định công nhận của %(u)s.") % {"u": recognition.unit.name},
    )
    if not (reason or "").strip():
        raise DomainError(_("Ghi lý do thu hồi."), field="reason")
    if revoked_on is None:
        raise DomainError(_("Ghi ngày thu hồi."), field="revoked_on")
    with transaction.atomic():
        recognition = AreaRecognition.objects.select_for_update().select_related("unit").get(pk=recognition.pk)
        if recognition.revoked_on is not None:
            raise DomainError(
                _("Quyết định công nhận này đã bị thu hồi từ %(d)s.") % {"d": _day(recognition.revoked_on)}
            )
        if revoked_on <= recognition.effective_date:
            raise DomainError(
                _("Ngày thu hồi phải sau ngày công nhận (%(d)s).") % {"d": _day(recognition.effective_date)},
                field="revoked_on",
            )
        recognition.revoked_on = revoked_on
        recognition.revocation_reason = reason.strip()
        recognition.revocation_decision_no = _clean(decision_no)
        recognition.save(update_fields=["revoked_on", "revocation_reason", "revocation_decision_no"])
        audit.record(
            actor=actor,
            action="ntm.area_recognition.revoked",
            obj=recognition,
            area=recognition.unit,
            after=audit.snapshot(recognition, ["revoked_on", "revocation_reason", "revocation_decision_no"]),
        )
    return recognition
