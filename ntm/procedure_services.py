"""The NTM recognition procedure (issue 18): register → dossier → appraisal (district, then province) → decision.

Every write: keyword arguments, scope check (accounts.scope.require), one transaction, an audit entry
(ntm.request.<verb>), a notification to the side that now has to act, DomainError with a Vietnamese message.

Stages. A request of a pre-2025 commune (a year up to 2025) names its district: the district appraises first
(SUBMITTED), proposes to the province (DISTRICT_PROPOSED), the province appraises again and proposes (PROPOSED), the
province decides (RECOGNIZED). Without a district the province appraises SUBMITTED requests directly. A return
(RETURNED) sends the request back to the commune; when the commune submits again it goes back to the stage that
returned it (a return by the province after the district proposed comes back to the province). `updated_at` is the
time of the last step (register or a change of status): the board's "days waiting" counts from it.
"""

import datetime
import logging
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.scope import area_scope, require
from areas.choices import Level, Scheme
from core import audit
from core.concurrency import check_version, refuse_duplicate
from core.errors import DomainError
from core.uploads import check_upload
from ntm.choices import LEVEL_RANK, AppraisalVerdict, RecognitionLevel, RequestStatus, year_end
from ntm.models import CriteriaSet, CriterionAppraisal, RecognitionRequest, RequestDocument

logger = logging.getLogger(__name__)

ACTIONS = {"save", "document", "respond", "submit", "appraise", "return", "propose", "decide", "refuse", "withdraw"}
TARGET_LEVELS = (RecognitionLevel.DAT_CHUAN, RecognitionLevel.NANG_CAO, RecognitionLevel.KIEU_MAU)
DOCUMENT_KINDS = ("pdf", "jpeg", "png", "docx", "xlsx")
EDITABLE = (RequestStatus.REGISTERED, RequestStatus.RETURNED)
OPEN = (
    RequestStatus.REGISTERED,
    RequestStatus.SUBMITTED,
    RequestStatus.DISTRICT_PROPOSED,
    RequestStatus.RETURNED,
    RequestStatus.PROPOSED,
)
APPRAISAL = (RequestStatus.SUBMITTED, RequestStatus.DISTRICT_PROPOSED)
TEXT_MAX = 20000
REASON_MAX = 5000

REQUEST, APPRAISE, MANAGE = "ntm.request", "ntm.appraise", "ntm.manage"
DISTRICT_PROPOSED_ACTION = "ntm.request.district_proposed"
STAGE_WORDS = {"district": "huyện", "province": "tỉnh"}


# ---- reading the state ------------------------------------------------------------------------------------------


def stage(request) -> str | None:
    """The appraisal stage now: "district" | "province" | None (not at appraisal)."""
    if request.status == RequestStatus.SUBMITTED:
        return "district" if request.district_id else "province"
    if request.status == RequestStatus.DISTRICT_PROPOSED:
        return "province"
    return None


def waiting_on(request) -> str | None:
    """ "commune" | "district" | "province" | None (closed)."""
    if request.status in EDITABLE:
        return "commune"
    if request.status == RequestStatus.PROPOSED:
        return "province"
    return stage(request)


def province_of(request):
    """The province (of the commune's scheme) that appraises and decides."""
    return request.commune.province


def stage_unit(request):
    """The unit whose appraisers act now: the district at the district stage, else the province."""
    return request.district if stage(request) == "district" else province_of(request)


def allowed_actions(user, request) -> set[str]:
    """The subset of ACTIONS this user may do now (for the pages' buttons)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    allowed = set()
    status = request.status
    if status in OPEN and area_scope(user, REQUEST).contains(request.commune):
        allowed.add("withdraw")
        if status in EDITABLE:
            allowed |= {"save", "document", "submit"}
        if status == RequestStatus.RETURNED:
            allowed.add("respond")
    if status in APPRAISAL and area_scope(user, APPRAISE).contains(stage_unit(request)):
        allowed |= {"appraise", "return", "propose"}
    manages = area_scope(user, MANAGE).contains(province_of(request))
    if manages and status == RequestStatus.PROPOSED:
        allowed.add("decide")
    if manages and (status in APPRAISAL or status == RequestStatus.PROPOSED):
        allowed.add("refuse")
    return allowed


# ---- helpers ----------------------------------------------------------------------------------------------------


def _day(value) -> str:
    return value.strftime("%d/%m/%Y")


def _text(value, limit, field, label) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(
            _("%(label)s dài quá %(n)s ký tự.") % {"label": label, "n": limit},
            field=field,
        )
    return value


def _locked(request) -> RecognitionRequest:
    return (
        RecognitionRequest.objects.select_for_update(of=("self",))
        .select_related("commune", "commune__province", "district", "criteria_set")
        .get(pk=request.pk)
    )


def _expect(request, statuses, doing: str):
    if request.status not in statuses:
        raise DomainError(
            _("Không thể %(a)s: hồ sơ đang ở bước '%(s)s'.") % {"a": doing, "s": request.get_status_display()},
            code="status",
        )


def _step(request, status=None, **fields):
    """Save the request after a write: a new status (a step: `updated_at` moves), one more version."""
    if status is not None:
        request.status = status
        request.updated_at = timezone.now()
    for name, value in fields.items():
        setattr(request, name, value)
    request.version += 1
    request.save()


def _in_words(values):
    """The audit page shows an entry's values as they are: stages and verdicts are kept as the words people read."""
    if not isinstance(values, dict):
        return values
    with translation.override(settings.LANGUAGE_CODE):  # the record's words, whatever language the actor reads
        return _words(dict(values))


def _words(words: dict) -> dict:
    if "stage" in words:
        words["stage"] = STAGE_WORDS.get(words["stage"], words["stage"])
    if words.get("verdict") in AppraisalVerdict.values:
        words["verdict"] = str(AppraisalVerdict(words["verdict"]).label)
    if isinstance(words.get("verdicts"), dict):
        words["verdicts"] = {
            code: str(AppraisalVerdict(v).label) if v in AppraisalVerdict.values else v
            for code, v in words["verdicts"].items()
        }
    return words


def _record(actor, action, request, after=None, before=None):
    """Every entry is about the request itself, so its history is one query (procedure_queries.request_detail)."""
    audit.record(
        actor=actor, action=action, obj=request, area=request.commune, before=_in_words(before), after=_in_words(after)
    )


def _codes(appraisals) -> str:
    return ", ".join(a.criterion.code for a in appraisals)


def _url(request) -> str:
    try:
        return reverse("ntm:request_detail", args=[request.pk])
    except NoReverseMatch:  # the pages are not mounted (a trimmed deployment): the bell still tells
        return ""


def _notify(request, kind, users, title, body):
    """Tell `users` (the side that now has to act) in the site language, in a savepoint; a failure is logged."""
    from notifications.services import Message, notify_many

    try:
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            url = _url(request)
            key = f"{kind}:{request.pk}:{request.version}"
            notify_many([Message(user, kind, str(title), str(body), url, key) for user in users])
    except Exception:
        logger.exception("notifications for %s failed", kind)


def _facts(request, reason="") -> dict:
    return {
        "commune": request.commune.name,
        "year": request.year,
        "level": request.get_target_level_display(),
        "reason": reason or "—",
    }


def _tell_commune(request, actor, kind, title, body):
    from notifications.recipients import officers

    _notify(request, kind, officers(REQUEST, request.commune, exclude=actor), title, body)


def _tell_appraisers(request, actor, kind, title, body):
    from notifications.recipients import officers

    _notify(request, kind, officers(APPRAISE, stage_unit(request), exclude=actor), title, body)


# ---- register ---------------------------------------------------------------------------------------------------


def _level_set(commune, year: int, level: str) -> CriteriaSet | None:
    """The commune set of `level` in force on 31/12 of `year`: the national basic set for đạt chuẩn (the one the
    report reads), else the set ntm.levels applies (the commune's province's before a national one)."""
    from ntm import levels
    from ntm.queries import criteria_set_for_year

    if level == RecognitionLevel.DAT_CHUAN:
        return criteria_set_for_year(year)
    return levels.applicable_set(commune, year, level)


def _check_target(commune, year: int, target_level: str):
    from ntm.queries import held_rank

    if target_level not in TARGET_LEVELS:
        raise DomainError(
            _("Mức đăng ký phải là xã đạt chuẩn, nâng cao hoặc kiểu mẫu nông thôn mới."), field="target_level"
        )
    held = held_rank(commune, year_end(year))
    wanted = LEVEL_RANK[target_level]
    if held is not None and held >= wanted:
        raise DomainError(
            _("%(c)s đã đạt mức %(l)s hoặc cao hơn; không đăng ký lại mức này.")
            % {"c": commune.name, "l": RecognitionLevel(target_level).label},
            field="target_level",
        )
    floor = held if held is not None else LEVEL_RANK[RecognitionLevel.CO_BAN_DAT_CHUAN]
    if wanted > floor + 1:
        needed = next(level for level, rank in LEVEL_RANK.items() if rank == wanted - 1)
        raise DomainError(
            _("%(c)s chưa được công nhận %(n)s nên chưa đăng ký được mức %(l)s.")
            % {"c": commune.name, "n": RecognitionLevel(needed).label, "l": RecognitionLevel(target_level).label},
            field="target_level",
        )


def register(*, actor, commune, year: int, target_level: str) -> RecognitionRequest:
    """The commune registers a target level (dat-chuan, nang-cao, kieu-mau) for a year."""
    from ntm.queries import MAX_YEAR, MIN_YEAR

    require(actor, REQUEST, commune, _("Bạn chỉ đăng ký công nhận nông thôn mới cho xã mình phụ trách."))
    if commune.level != Level.COMMUNE or not commune.is_rural_commune:
        raise DomainError(
            _("Chỉ xã đăng ký công nhận nông thôn mới (không áp dụng cho phường, thị trấn)."), field="commune"
        )
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(_("Năm đăng ký %(y)s không hợp lệ.") % {"y": year}, field="year")
    first, last = datetime.date(year, 1, 1), year_end(year)
    if (commune.valid_from and commune.valid_from > last) or (commune.valid_until and commune.valid_until <= first):
        raise DomainError(
            _("%(c)s không có hiệu lực trong năm %(y)s; hãy đăng ký theo xã hiện hành.")
            % {"c": commune.name, "y": year},
            field="commune",
        )
    _check_target(commune, year, target_level)
    criteria_set = _level_set(commune, year, target_level)
    if criteria_set is None:
        raise DomainError(
            _("Chưa có bộ tiêu chí %(l)s áp dụng năm %(y)s cho %(p)s; cần nạp bộ tiêu chí trước khi xã đăng ký.")
            % {
                "l": RecognitionLevel(target_level).label.lower(),
                "y": year,
                "p": commune.province.name if commune.province_id else commune.name,
            },
            field="target_level",
        )
    district = None
    if commune.scheme == Scheme.PRE2025 and year <= 2025 and commune.district_id:
        district = commune.district
    duplicate = _("%(c)s đã có hồ sơ đăng ký %(l)s năm %(y)s đang mở.") % {
        "c": commune.name,
        "l": RecognitionLevel(target_level).label.lower(),
        "y": year,
    }
    with transaction.atomic():
        open_ones = RecognitionRequest.objects.filter(commune=commune, year=year, target_level=target_level)
        if open_ones.exclude(status__in=[RequestStatus.REFUSED, RequestStatus.WITHDRAWN]).exists():
            raise DomainError(duplicate, field="target_level")
        with refuse_duplicate(duplicate):
            request = RecognitionRequest.objects.create(
                commune=commune,
                year=year,
                target_level=target_level,
                criteria_set=criteria_set,
                district=district,
                registered_by=audit.acting_user(actor),
            )
        CriterionAppraisal.objects.bulk_create(
            [CriterionAppraisal(request=request, criterion=c) for c in criteria_set.criteria.order_by("number")]
        )
        _record(
            actor,
            "ntm.request.registered",
            request,
            after={
                "year": year,
                "target_level": target_level,
                "criteria_set": criteria_set.code,
                "district": str(district.area_id) if district else None,
            },
        )
        _tell_commune(
            request,
            actor,
            "ntm.request.registered",
            _("%(commune)s đăng ký %(level)s năm %(year)s") % _facts(request),
            _("Xã chuẩn bị báo cáo tự đánh giá và hồ sơ minh chứng rồi nộp để thẩm định.") % _facts(request),
        )
    return request


# ---- the commune's dossier --------------------------------------------------------------------------------------


def _require_commune(actor, request, message=None):
    require(actor, REQUEST, request.commune, message or _("Bạn chỉ sửa hồ sơ của xã mình phụ trách."))


def save_dossier(*, actor, request, self_assessment: str, expected_version=None) -> RecognitionRequest:
    """The commune's self-assessment report; only while REGISTERED or RETURNED."""
    _require_commune(actor, request)
    text = _text(self_assessment, TEXT_MAX, "self_assessment", _("Báo cáo tự đánh giá"))
    with transaction.atomic():
        request = _locked(request)
        check_version(request, expected_version)
        _expect(request, EDITABLE, _("sửa báo cáo tự đánh giá"))
        before = len(request.self_assessment)
        _step(request, self_assessment=text)
        _record(actor, "ntm.request.dossier_saved", request, before={"chars": before}, after={"chars": len(text)})
    return request


def _criterion_of(request, criterion):
    if criterion is None:
        return None
    if criterion.criteria_set_id != request.criteria_set_id:
        raise DomainError(_("Tiêu chí %(c)s không thuộc bộ tiêu chí của hồ sơ.") % {"c": criterion}, field="criterion")
    return criterion


def add_document(*, actor, request, upload, title: str, criterion=None) -> RequestDocument:
    """A document of the dossier (the whole, or one criterion's evidence); only while REGISTERED or RETURNED."""
    _require_commune(actor, request)
    checked = check_upload(upload, DOCUMENT_KINDS)
    title = " ".join(_text(title, 255, "title", _("Tên tài liệu")).split()) or checked.original_name
    uploader = audit.acting_user(actor)
    if uploader is None:
        raise DomainError(_("Tài liệu hồ sơ phải do một người dùng tải lên."), field="file")
    stored = None
    try:
        with transaction.atomic():
            request = _locked(request)
            _expect(request, EDITABLE, _("thêm tài liệu"))
            criterion = _criterion_of(request, criterion)
            document = RequestDocument(
                request=request,
                criterion=criterion,
                title=title[:255],
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=uploader,
            )
            # stored under a random name: the user's file name is kept beside it, never used as a path
            document.file.save(
                f"{uuid.uuid4().hex}{PurePath(checked.original_name).suffix.lower()}", upload, save=False
            )
            stored = document.file
            document.save()
            _step(request)
            _record(
                actor,
                "ntm.request.document_added",
                request,
                after={
                    "document": document.pk,
                    "title": document.title,
                    "criterion": criterion.code if criterion else None,
                    "file": document.original_name,
                    "size": document.size,
                },
            )
    except BaseException:
        if stored is not None and stored.name:
            stored.storage.delete(stored.name)
        raise
    return document


def remove_document(*, actor, document) -> None:
    """Remove a document; only while REGISTERED or RETURNED."""
    _require_commune(actor, document.request)
    with transaction.atomic():
        request = _locked(document.request)
        _expect(request, EDITABLE, _("xóa tài liệu"))
        document = RequestDocument.objects.select_related("criterion").get(pk=document.pk)
        name, storage = document.file.name, document.file.storage
        before = {
            "document": document.pk,
            "title": document.title,
            "criterion": document.criterion.code if document.criterion_id else None,
            "file": document.original_name,
        }
        _record(actor, "ntm.request.document_removed", request, before=before)
        document.delete()
        _step(request)
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def respond(*, actor, request, criterion, response: str) -> CriterionAppraisal:
    """The commune's answer to a returned criterion (while RETURNED)."""
    _require_commune(actor, request)
    text = _text(response, REASON_MAX, "response", _("Nội dung giải trình"))
    if not text:
        raise DomainError(_("Ghi nội dung giải trình, bổ sung cho tiêu chí bị trả lại."), field="response")
    with transaction.atomic():
        request = _locked(request)
        _expect(request, (RequestStatus.RETURNED,), _("giải trình"))
        appraisal = (
            CriterionAppraisal.objects.select_for_update(of=("self",))
            .select_related("criterion")
            .filter(request=request, criterion=criterion)
            .first()
        )
        if appraisal is None:
            raise DomainError(_("Tiêu chí này không thuộc hồ sơ."), field="criterion")
        if appraisal.verdict != AppraisalVerdict.RETURNED:
            raise DomainError(
                _("Tiêu chí %(c)s không bị trả lại; chỉ giải trình tiêu chí bị trả lại.") % {"c": appraisal.criterion},
                field="criterion",
            )
        before = appraisal.response
        appraisal.response = text
        appraisal.save(update_fields=["response"])
        _step(request)
        _record(
            actor,
            "ntm.request.responded",
            request,
            before={"criterion": appraisal.criterion.code, "response": before},
            after={"criterion": appraisal.criterion.code, "response": text},
        )
    return appraisal


def submit(*, actor, request) -> RecognitionRequest:
    """REGISTERED / RETURNED → SUBMITTED (or back to the province stage when the district already proposed)."""
    _require_commune(actor, request, _("Bạn chỉ nộp hồ sơ của xã mình phụ trách."))
    with transaction.atomic():
        request = _locked(request)
        _expect(request, EDITABLE, _("nộp hồ sơ"))
        if not request.self_assessment.strip():
            raise DomainError(_("Hồ sơ chưa có báo cáo tự đánh giá."), field="self_assessment")
        documents = list(request.documents.values_list("criterion_id", "uploaded_at"))
        if not documents:
            raise DomainError(_("Hồ sơ chưa có tài liệu nào; tải lên ít nhất một tài liệu."), field="documents")
        returned = list(
            request.appraisals.filter(verdict=AppraisalVerdict.RETURNED)
            .select_related("criterion")
            .order_by("criterion__number")
        )
        unanswered = [
            a
            for a in returned
            if not a.response.strip()
            and not any(c == a.criterion_id and (a.appraised_at is None or u > a.appraised_at) for c, u in documents)
        ]
        if unanswered:
            raise DomainError(
                _("Tiêu chí bị trả lại chưa được giải trình hoặc bổ sung tài liệu: %(c)s.") % {"c": _codes(unanswered)},
                field="criterion",
            )
        back_from = request.status
        request.appraisals.filter(verdict=AppraisalVerdict.RETURNED).update(verdict=AppraisalVerdict.PENDING)
        new_status = (
            RequestStatus.DISTRICT_PROPOSED
            if request.district_id and request.district_proposed_at is not None
            else RequestStatus.SUBMITTED
        )
        _step(request, new_status, submitted_at=timezone.now())
        _record(
            actor,
            "ntm.request.submitted",
            request,
            before={"status": back_from},
            after={"status": new_status, "answered": [a.criterion.code for a in returned], "stage": stage(request)},
        )
        facts = _facts(request)
        _tell_appraisers(
            request,
            actor,
            "ntm.request.submitted",
            _("Hồ sơ đề nghị công nhận chờ thẩm định: %(commune)s, %(level)s năm %(year)s") % facts,
            _(
                "%(commune)s đã nộp hồ sơ đề nghị công nhận %(level)s năm %(year)s. Thẩm định từng tiêu chí, trả lại "
                "kèm lý do hoặc đề nghị công nhận."
            )
            % facts,
        )
    return request


# ---- appraisal --------------------------------------------------------------------------------------------------


def _require_stage(actor, request, doing):
    """The request locked and at an appraisal stage, the actor an appraiser of that stage's unit."""
    _expect(request, APPRAISAL, doing)
    unit = stage_unit(request)
    require(
        actor,
        APPRAISE,
        unit,
        _("Bạn không thẩm định hồ sơ ở bước này (thuộc %(u)s).") % {"u": unit.name if unit else "—"},
    )


def appraise_criterion(*, actor, request, criterion, verdict: str, reason: str = "") -> CriterionAppraisal:
    """One criterion's verdict at the current stage (district or province)."""
    if verdict not in (AppraisalVerdict.PASSED, AppraisalVerdict.RETURNED):
        raise DomainError(_("Kết quả thẩm định phải là đạt hoặc trả lại."), field="verdict")
    reason = _text(reason, REASON_MAX, "reason", _("Lý do"))
    if verdict == AppraisalVerdict.RETURNED and not reason:
        raise DomainError(_("Ghi lý do trả lại tiêu chí để xã biết cần bổ sung gì."), field="reason")
    with transaction.atomic():
        request = _locked(request)
        _require_stage(actor, request, _("thẩm định"))
        appraisal = (
            CriterionAppraisal.objects.select_for_update(of=("self",))
            .select_related("criterion")
            .filter(request=request, criterion=criterion)
            .first()
        )
        if appraisal is None:
            raise DomainError(_("Tiêu chí này không thuộc hồ sơ."), field="criterion")
        before = {"criterion": appraisal.criterion.code, "verdict": appraisal.verdict, "reason": appraisal.reason}
        appraisal.verdict = verdict
        appraisal.reason = reason
        appraisal.appraised_by = audit.acting_user(actor)
        appraisal.appraised_at = timezone.now()
        appraisal.save(update_fields=["verdict", "reason", "appraised_by", "appraised_at"])
        _step(request)
        _record(
            actor,
            "ntm.request.appraised",
            request,
            before=before,
            after={
                "criterion": appraisal.criterion.code,
                "verdict": verdict,
                "reason": reason,
                "stage": stage(request),
            },
        )
    return appraisal


def return_request(*, actor, request, reason: str = "") -> RecognitionRequest:
    """Back to the commune (RETURNED); needs a returned criterion or a reason."""
    reason = _text(reason, REASON_MAX, "reason", _("Lý do"))
    with transaction.atomic():
        request = _locked(request)
        _require_stage(actor, request, _("trả lại hồ sơ"))
        returned = list(
            request.appraisals.filter(verdict=AppraisalVerdict.RETURNED)
            .select_related("criterion")
            .order_by("criterion__number")
        )
        if not returned and not reason:
            raise DomainError(
                _("Trả lại ít nhất một tiêu chí kèm lý do, hoặc ghi lý do trả lại hồ sơ."), field="reason"
            )
        from_stage = stage(request)
        _step(request, RequestStatus.RETURNED, last_reason=reason)
        _record(
            actor,
            "ntm.request.returned",
            request,
            after={"stage": from_stage, "reason": reason, "criteria": [a.criterion.code for a in returned]},
        )
        facts = _facts(request, reason)
        lines = [
            _("Tiêu chí %(n)s (%(name)s): %(reason)s")
            % {"n": a.criterion.number, "name": a.criterion.name, "reason": a.reason}
            for a in returned
        ]
        if reason:
            lines.insert(0, _("Lý do trả lại: %(reason)s") % facts)
        lines.append(_("Xã giải trình, bổ sung rồi nộp lại."))
        _tell_commune(
            request,
            actor,
            "ntm.request.returned",
            _("Hồ sơ đề nghị công nhận bị trả lại: %(commune)s, %(level)s năm %(year)s") % facts,
            "\n".join(str(line) for line in lines),
        )
    return request


def propose(*, actor, request) -> RecognitionRequest:
    """Every criterion passed: district stage → DISTRICT_PROPOSED; province stage → PROPOSED."""
    with transaction.atomic():
        request = _locked(request)
        _require_stage(actor, request, _("đề nghị công nhận"))
        appraisals = list(request.appraisals.select_related("criterion").order_by("criterion__number"))
        not_passed = [a for a in appraisals if a.verdict != AppraisalVerdict.PASSED]
        if not_passed:
            raise DomainError(
                _("Chưa đề nghị được: các tiêu chí %(c)s chưa được thẩm định đạt.") % {"c": _codes(not_passed)},
                field="criterion",
            )
        verdicts = {a.criterion.code: a.verdict for a in appraisals}
        facts = _facts(request)
        if stage(request) == "district":
            # the province appraises again: its own verdicts start from pending, the district's stay in the audit
            request.appraisals.update(verdict=AppraisalVerdict.PENDING, appraised_by=None, appraised_at=None)
            _step(request, RequestStatus.DISTRICT_PROPOSED, last_reason="", district_proposed_at=timezone.now())
            _record(actor, DISTRICT_PROPOSED_ACTION, request, after={"stage": "district", "verdicts": verdicts})
            _tell_appraisers(
                request,
                actor,
                DISTRICT_PROPOSED_ACTION,
                _("Huyện đề nghị tỉnh thẩm định: %(commune)s, %(level)s năm %(year)s") % facts,
                _("Huyện đã thẩm định đạt tất cả tiêu chí của %(commune)s và đề nghị tỉnh thẩm định, công nhận.")
                % facts,
            )
        else:
            from notifications.recipients import officers

            _step(request, RequestStatus.PROPOSED, last_reason="")
            _record(actor, "ntm.request.proposed", request, after={"stage": "province", "verdicts": verdicts})
            _notify(
                request,
                "ntm.request.proposed",
                officers(MANAGE, province_of(request), exclude=actor),
                _("Hồ sơ chờ quyết định công nhận: %(commune)s, %(level)s năm %(year)s") % facts,
                _(
                    "Đoàn thẩm định tỉnh đã thẩm định đạt tất cả tiêu chí của %(commune)s; ghi quyết định công nhận "
                    "hoặc không công nhận."
                )
                % facts,
            )
    return request


# ---- the province's decision, refusal, withdrawal ---------------------------------------------------------------


def _require_province(actor, request, message):
    require(actor, MANAGE, province_of(request), message)


def decide(*, actor, request, decision_no: str, decision_date: datetime.date) -> RecognitionRequest:
    """The province's decision: records the Recognition and links it. PROPOSED → RECOGNIZED."""
    from ntm.services import record_recognition

    _require_province(actor, request, _("Bạn không được ghi quyết định công nhận cho xã này."))
    decision_no = " ".join(_text(decision_no, 60, "decision_no", _("Số quyết định")).split())
    if not decision_no:
        raise DomainError(_("Ghi số quyết định công nhận."), field="decision_no")
    if not isinstance(decision_date, datetime.date):
        raise DomainError(_("Ghi ngày quyết định công nhận."), field="decision_date")
    if decision_date > timezone.localdate():
        raise DomainError(_("Ngày quyết định không được sau hôm nay."), field="decision_date")
    if decision_date.year < request.year:
        raise DomainError(
            _("Ngày quyết định phải trong hoặc sau năm đăng ký %(y)s.") % {"y": request.year}, field="decision_date"
        )
    with transaction.atomic():
        request = _locked(request)
        _expect(request, (RequestStatus.PROPOSED,), _("ghi quyết định công nhận"))
        recognition, _created = record_recognition(
            actor=actor,
            commune=request.commune,
            level=request.target_level,
            decision_no=decision_no,
            decision_date=decision_date,
        )
        if RecognitionRequest.objects.filter(recognition=recognition).exclude(pk=request.pk).exists():
            raise DomainError(
                _("Quyết định %(n)s đã gắn với một hồ sơ khác.") % {"n": decision_no}, field="decision_no"
            )
        _step(request, RequestStatus.RECOGNIZED, recognition=recognition)
        _record(
            actor,
            "ntm.request.decided",
            request,
            after={"recognition": recognition.pk, "decision_no": decision_no, "decision_date": str(decision_date)},
        )
        facts = _facts(request)
        facts.update(decision=decision_no, date=_day(decision_date))
        _tell_commune(
            request,
            actor,
            "ntm.request.decided",
            _("%(commune)s được công nhận %(level)s") % facts,
            _("Quyết định số %(decision)s ngày %(date)s; hồ sơ năm %(year)s đã hoàn thành.") % facts,
        )
    return request


def refuse(*, actor, request, reason: str) -> RecognitionRequest:
    """Not recognised (PROPOSED or an appraisal stage → REFUSED)."""
    _require_province(actor, request, _("Bạn không được quyết định không công nhận cho xã này."))
    reason = _text(reason, REASON_MAX, "reason", _("Lý do"))
    if not reason:
        raise DomainError(_("Ghi lý do không công nhận."), field="reason")
    with transaction.atomic():
        request = _locked(request)
        _expect(request, (*APPRAISAL, RequestStatus.PROPOSED), _("không công nhận"))
        before = request.status
        _step(request, RequestStatus.REFUSED, last_reason=reason)
        _record(actor, "ntm.request.refused", request, before={"status": before}, after={"reason": reason})
        facts = _facts(request, reason)
        _tell_commune(
            request,
            actor,
            "ntm.request.refused",
            _("Không công nhận: %(commune)s, %(level)s năm %(year)s") % facts,
            _("Lý do: %(reason)s.") % facts,
        )
    return request


def withdraw(*, actor, request, reason: str) -> RecognitionRequest:
    """The commune withdraws (any open status → WITHDRAWN)."""
    _require_commune(actor, request, _("Bạn chỉ rút hồ sơ của xã mình phụ trách."))
    reason = _text(reason, REASON_MAX, "reason", _("Lý do"))
    if not reason:
        raise DomainError(_("Ghi lý do rút đăng ký."), field="reason")
    with transaction.atomic():
        request = _locked(request)
        _expect(request, OPEN, _("rút đăng ký"))
        before = request.status
        was_waiting = waiting_on(request)
        if was_waiting != "commune":
            from notifications.recipients import officers

            action = MANAGE if before == RequestStatus.PROPOSED else APPRAISE
            told = officers(action, stage_unit(request) if action == APPRAISE else province_of(request), exclude=actor)
        else:
            told = []
        _step(request, RequestStatus.WITHDRAWN, last_reason=reason)
        _record(actor, "ntm.request.withdrawn", request, before={"status": before}, after={"reason": reason})
        facts = _facts(request, reason)
        _notify(
            request,
            "ntm.request.withdrawn",
            told,
            _("Xã rút đăng ký: %(commune)s, %(level)s năm %(year)s") % facts,
            _("Lý do: %(reason)s.") % facts,
        )
    return request
