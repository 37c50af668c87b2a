"""`/api/v1/ntm/requests…`: the NTM recognition procedure (issue 18), mounted by ntm/api.py under /api/v1/ntm/.

Reads are scoped (ntm.view over the request's commune; a request outside answers 404); writes call
ntm.procedure_services and answer its refusals as 400/403/409 with the field named. Document contents are never sent:
the detail lists the documents (title, criterion, file name, type, size).
"""

import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from api.auth import AUTH
from api.schemas import ERRORS, Paginated
from areas.queries import get_unit
from core.errors import DomainError
from ntm import procedure_services as services
from ntm.choices import AppraisalVerdict, RequestStatus
from ntm.procedure_queries import request_detail, requests_for
from ntm.queries import MAX_YEAR, MIN_YEAR

router = Router(tags=["ntm"], auth=AUTH)

TARGET_LEVELS = "dat-chuan, nang-cao, kieu-mau"


class AreaRef(Schema):
    id: str
    name: str


def _area(unit):
    return {"id": str(unit.area_id), "name": unit.name} if unit is not None else None


class RequestOut(Schema):
    id: int
    commune: AreaRef
    district: AreaRef | None = Field(description="the pre-2025 district that appraises first; null: the province")
    year: int
    target_level: str = Field(description=TARGET_LEVELS)
    criteria_set: str | None
    status: str = Field(
        description="registered, submitted, district-ok, returned, proposed, recognized, refused, withdrawn"
    )
    waiting_on: str | None = Field(description="commune, district, province; null once closed")
    last_reason: str
    registered_at: datetime.datetime
    submitted_at: datetime.datetime | None
    updated_at: datetime.datetime = Field(description="the last step (register or a change of status)")
    version: int
    recognition_id: int | None

    @staticmethod
    def resolve_commune(obj):
        return _area(obj.commune)

    @staticmethod
    def resolve_district(obj):
        return _area(obj.district)

    @staticmethod
    def resolve_criteria_set(obj):
        return obj.criteria_set.code if obj.criteria_set_id else None

    @staticmethod
    def resolve_waiting_on(obj):
        return services.waiting_on(obj)


class AppraisalOut(Schema):
    code: str
    number: int
    name: str
    verdict: str = Field(description="pending, passed, returned")
    reason: str
    response: str
    appraised_at: datetime.datetime | None


class DocumentOut(Schema):
    id: int
    title: str
    criterion: str | None = Field(description="code of the criterion it is evidence for; null: the whole dossier")
    original_name: str
    content_type: str
    size: int
    uploaded_at: datetime.datetime


class RequestDetailOut(RequestOut):
    self_assessment: str
    criteria: list[AppraisalOut]
    documents: list[DocumentOut]

    @staticmethod
    def resolve_criteria(obj):
        return [
            {
                "code": c["criterion"].code,
                "number": c["criterion"].number,
                "name": c["criterion"].name,
                "verdict": c["appraisal"].verdict,
                "reason": c["appraisal"].reason,
                "response": c["appraisal"].response,
                "appraised_at": c["appraisal"].appraised_at,
            }
            for c in obj.detail["criteria"]
        ]

    @staticmethod
    def resolve_documents(obj):
        codes = {c["criterion"].pk: c["criterion"].code for c in obj.detail["criteria"]}
        return [
            {
                "id": d.pk,
                "title": d.title,
                "criterion": codes.get(d.criterion_id),
                "original_name": d.original_name,
                "content_type": d.content_type,
                "size": d.size,
                "uploaded_at": d.uploaded_at,
            }
            for d in obj.detail["all_documents"]
        ]


def _detail(request_obj):
    """The request with its detail read once (three queries) for RequestDetailOut."""
    request_obj.detail = request_detail(request_obj)
    return request_obj


class RequestFilterIn(Schema):
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR)
    area: str = Field("", max_length=20, description="an area id of either scheme: 2025:11, pre2025:100")
    status: RequestStatus | None = None


def _unit(area_id: str, field: str):
    try:
        return get_unit(area_id.strip())
    except DomainError as exc:
        raise DomainError(exc.message, field=field) from exc


def _request(request, request_id: int):
    return get_object_or_404(requests_for(user=request.auth), pk=request_id)


@router.get(
    "/requests", response={200: list[RequestOut], **ERRORS}, summary="Recognition requests in the caller's areas"
)
@paginate(Paginated)
def list_requests(request, filters: Query[RequestFilterIn]):
    area = _unit(filters.area, "area") if filters.area else None
    return requests_for(user=request.auth, year=filters.year, area=area, status=filters.status).order_by(
        "-year", "commune__name", "target_level", "pk"
    )


@router.get(
    "/requests/{request_id}",
    response={200: RequestDetailOut, **ERRORS},
    summary="One recognition request: criteria with verdicts, documents (no contents), who it waits on",
)
def get_request(request, request_id: int):
    return _detail(_request(request, request_id))


class RegisterIn(Schema):
    commune: str = Field(..., max_length=20, description="area id of a rural commune (xã), e.g. 2025:03349")
    year: int = Field(..., ge=MIN_YEAR, le=MAX_YEAR)
    target_level: str = Field(..., max_length=20, description=TARGET_LEVELS)


@router.post("/requests", response={201: RequestDetailOut, **ERRORS}, summary="A commune registers a level for a year")
def register_request(request, payload: RegisterIn):
    created = services.register(
        actor=request.auth,
        commune=_unit(payload.commune, "commune"),
        year=payload.year,
        target_level=payload.target_level.strip(),
    )
    return Status(201, _detail(created))


@router.post("/requests/{request_id}/submit", response={200: RequestDetailOut, **ERRORS}, summary="Submit the dossier")
def submit_request(request, request_id: int):
    return _detail(services.submit(actor=request.auth, request=_request(request, request_id)))


class AppraisalIn(Schema):
    # optional so that a request out of scope answers 404 before the body is judged; the view names what is missing
    criterion: str = Field("", max_length=20, description="the criterion's code in the request's set")
    verdict: str = Field("", max_length=10, description="passed or returned")
    reason: str = Field("", max_length=services.REASON_MAX, description="required for returned")


@router.post(
    "/requests/{request_id}/appraisals",
    response={200: AppraisalOut, **ERRORS},
    summary="Appraise one criterion at the current stage (district or province)",
)
def appraise(request, request_id: int, payload: AppraisalIn):
    request_obj = _request(request, request_id)
    code = payload.criterion.strip()
    criterion = request_obj.criteria_set.criteria.filter(code=code).first() if request_obj.criteria_set_id else None
    if criterion is None:
        raise DomainError(
            _("Không có tiêu chí mã '%(c)s' trong bộ tiêu chí của hồ sơ.") % {"c": code}, field="criterion"
        )
    if payload.verdict not in (AppraisalVerdict.PASSED, AppraisalVerdict.RETURNED):
        raise DomainError(_("Kết quả thẩm định phải là đạt hoặc trả lại."), field="verdict")
    appraisal = services.appraise_criterion(
        actor=request.auth, request=request_obj, criterion=criterion, verdict=payload.verdict, reason=payload.reason
    )
    return {
        "code": criterion.code,
        "number": criterion.number,
        "name": criterion.name,
        "verdict": appraisal.verdict,
        "reason": appraisal.reason,
        "response": appraisal.response,
        "appraised_at": appraisal.appraised_at,
    }


class ReasonIn(Schema):
    reason: str = Field("", max_length=services.REASON_MAX)


@router.post(
    "/requests/{request_id}/return",
    response={200: RequestDetailOut, **ERRORS},
    summary="Return the request to the commune (a criterion returned or a reason)",
)
def return_request(request, request_id: int, payload: ReasonIn):
    request_obj = _request(request, request_id)
    return _detail(services.return_request(actor=request.auth, request=request_obj, reason=payload.reason))


@router.post(
    "/requests/{request_id}/propose",
    response={200: RequestDetailOut, **ERRORS},
    summary="Propose recognition (every criterion passed at the current stage)",
)
def propose_request(request, request_id: int):
    return _detail(services.propose(actor=request.auth, request=_request(request, request_id)))


class DecideIn(Schema):
    decision_no: str = Field("", max_length=60)
    decision_date: datetime.date | None = None


@router.post(
    "/requests/{request_id}/decide",
    response={200: RequestDetailOut, **ERRORS},
    summary="Record the province's recognition decision",
)
def decide_request(request, request_id: int, payload: DecideIn):
    request_obj = _request(request, request_id)
    if payload.decision_date is not None and not MIN_YEAR <= payload.decision_date.year <= MAX_YEAR:
        raise DomainError(_("Ngày quyết định không hợp lệ."), field="decision_date")
    decided = services.decide(
        actor=request.auth, request=request_obj, decision_no=payload.decision_no, decision_date=payload.decision_date
    )
    return _detail(decided)
