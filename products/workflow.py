"""The path in through the commune (domain.md §3 steps 2–3; §5 as amended by 1489/QĐ-TTg).

A producer (or a commune officer on its behalf) registers a product idea at a commune of the 2025 scheme; the
commune screens it: returns it with a reason (the producer edits and resubmits) or accepts it, which creates the
product (status developing) and an empty dossier. The dossier (business plan and the documents of the checklist in
products/data/dossier_checklist.yaml) is prepared and submitted to the commune once every mandatory item has a
document (the commune's working days should not start on a file it would have to return), then returned with a
reason or forwarded to the province (which checks the mandatory items again, for dossiers filed before that rule).

    idea:     submitted ──return──▶ returned ──resubmit──▶ submitted ──accept──▶ accepted (+ product, dossier)
    dossier:  draft ──submit──▶ submitted ──return──▶ returned ──submit──▶ submitted ──forward──▶ forwarded

Under 26/2026/QĐ-TTg (docs/dossiers-26-2026.md) a dossier has a kind chosen when it is opened (first rating when an
idea is accepted; first rating, upgrade or re-rating for an existing product: `open_dossier`), carries the producer's
Mẫu số 01 and Mẫu số 02 (required to submit), the filing date (`submitted_on`), the commune's receipt
(`record_receipt`, from which its 15 working days run) and the commune's Mẫu số 03 report (required to forward).
A dossier filed before 22/05/2026 finishes under the 2021–2025 rules (Điều 12.2): neither form nor report is
asked of it.

Who: `products.register_idea` (producers, commune officers) registers, edits and submits; `products.screen`
(commune officers) returns, accepts and forwards; both where their memberships reach (accounts.scope). A user whose
only role is producer acts only for the producers their account is linked to (Producer.accounts; see
accounts.scope.acts_only_as_producer).

Every transition is one transaction with its audit entry (`products.idea.*`, `products.dossier.*`), placed at the
idea's commune. Refusals are DomainError subclasses with a Vietnamese message; nothing is written on refusal.
"""

import datetime
import functools
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePath

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import acts_only_as_producer, area_scope, require
from areas.choices import Level, Scheme
from core import audit
from core.concurrency import StaleEdit, stale_message
from core.errors import DomainError, PermissionRefused
from core.text import fold
from core.uploads import KINDS, check_upload, describe
from notifications import events
from products import dossier_forms, dossier_rules
from products import services as product_services
from products.choices import CategoryLevel, CategorySystem, DossierKind, DossierStatus, IdeaStatus, ProductStatus
from products.models import Dossier, DossierDocument, ProductIdea

REGISTER = "products.register_idea"
SCREEN = "products.screen"
VIEW = "products.view"
ORGANISE = "evaluation.manage"  # the provincial OCOP office: rounds, councils, products before them

CHECKLIST_PATH = Path(__file__).parent / "data" / "dossier_checklist.yaml"

IDEA_FIELDS = [
    "producer",
    "product_name",
    "group",
    "is_existing_product",
    "description",
    "raw_materials",
    "location",
    "status",
    "return_reason",
    "product",
]
IDEA_EDITABLE = frozenset({"product_name", "group", "is_existing_product", "description", "raw_materials"})
DOSSIER_FIELDS = [
    "product",
    "kind",
    "business_plan",
    "status",
    "return_reason",
    "first_submitted_on",
    "submitted_on",
    "received_on",
    "received_by",
    "receipt_no",
    "commune_report_on",
    "forwarded_on",
]
DOSSIER_EDITABLE_STATES = frozenset({DossierStatus.DRAFT, DossierStatus.RETURNED, DossierStatus.PROVINCE_RETURNED})
DOSSIER_OPEN_STATES = frozenset(
    {DossierStatus.DRAFT, DossierStatus.SUBMITTED, DossierStatus.RETURNED, DossierStatus.PROVINCE_RETURNED}
)


def today() -> datetime.date:
    """The local date every dossier date is taken from (one place, so tests can set the day)."""
    return timezone.localdate()


# ── The checklist, as data ─────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    mandatory: bool
    services: bool
    kinds: tuple[str, ...]
    dossier_kinds: tuple[str, ...] = ()  # empty: every kind of dossier

    def applies_to(self, kind: str) -> bool:
        return not self.dossier_kinds or kind in self.dossier_kinds

    @property
    def kinds_text(self) -> str:
        return describe(self.kinds)


@dataclass(frozen=True)
class Checklist:
    items: tuple[ChecklistItem, ...]
    service_groups: frozenset[str]

    def get(self, code):
        return next((item for item in self.items if item.code == code), None)


@functools.cache
def load_checklist(path: Path = CHECKLIST_PATH) -> Checklist:
    """Reads and checks the checklist file once per process; a malformed file is a deployment error."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items, seen = [], set()
    for raw in data["items"]:
        item = ChecklistItem(
            code=str(raw["code"]),
            label=str(raw["label"]),
            mandatory=bool(raw["mandatory"]),
            services=bool(raw["services"]),
            kinds=tuple(raw["kinds"]),
            dossier_kinds=tuple(raw.get("dossier_kinds") or ()),
        )
        if (
            item.code in seen
            or len(item.code) > 40
            or not item.kinds
            or any(k not in KINDS for k in item.kinds)
            or any(k not in DossierKind.values for k in item.dossier_kinds)
        ):
            raise ValueError(f"{path}: bad checklist item {item.code!r}")
        seen.add(item.code)
        items.append(item)
    return Checklist(items=tuple(items), service_groups=frozenset(data.get("service_groups") or []))


def is_service_product(product) -> bool:
    group = product.group
    return group.system == CategorySystem.S148 and group.code in load_checklist().service_groups


def checklist_for(product, kind: str = DossierKind.FIRST) -> list[ChecklistItem]:
    """The checklist items of a dossier of this kind for this product (services and tourism skip the goods-only
    items; an upgrade or a re-rating adds its own, Điều 6.1 b and c)."""
    service = is_service_product(product)
    return [item for item in load_checklist().items if (item.services or not service) and item.applies_to(kind)]


def dossier_checklist(dossier) -> list[ChecklistItem]:
    return checklist_for(dossier.product, dossier.kind)


def missing_mandatory(dossier, documents=None) -> list[ChecklistItem]:
    """Mandatory items of the dossier's checklist without a document; `documents` avoids a query when known."""
    if documents is None:
        present = set(dossier.documents.values_list("doc_type", flat=True))
    else:
        present = {d.doc_type for d in documents}
    return [item for item in dossier_checklist(dossier) if item.mandatory and item.code not in present]


@dataclass(frozen=True)
class SubmissionGaps:
    """What a dossier lacks before it can be submitted to the commune: the mandatory documents without an upload and
    the printed forms (Mẫu 01, 02 under 26/2026) not filled in or not valid, as (code, number, message)."""

    documents: tuple[ChecklistItem, ...]
    forms: tuple[tuple[str, str, str], ...]

    def __bool__(self) -> bool:
        return bool(self.documents or self.forms)

    @property
    def labels(self) -> list[str]:
        """Each missing thing by its name, for the page and the refusal."""
        return [item.label for item in self.documents] + [number for _code, number, _message in self.forms]

    def refusal(self) -> str:
        sentences = []
        if self.documents:
            sentences.append(
                _("Còn thiếu giấy tờ bắt buộc: %(items)s.") % {"items": "; ".join(i.label for i in self.documents)}
            )
        sentences += [message for _code, _number, message in self.forms]
        return _("Chưa nộp được hồ sơ cho xã. %(problems)s Hãy bổ sung ở trang hồ sơ rồi nộp lại.") % {
            "problems": " ".join(sentences)
        }


def submission_gaps(dossier, documents=None) -> SubmissionGaps:
    """What stands between the dossier and its submission (one rule for the service and the page): every mandatory
    document of its checklist and, under 26/2026 (Điều 6.1), Mẫu số 01 and 02 complete. The commune's 15 working
    days should not start on a file it would have to return anyway, so nothing incomplete is submitted."""
    forms = []
    if rules_of(dossier).is_current:
        for code in ("mau-01", "mau-02"):
            problem = form_errors(code, dossier)
            if problem:
                forms.append((code, dossier_forms.FORMS[code].number, problem[1]))
    return SubmissionGaps(documents=tuple(missing_mandatory(dossier, documents)), forms=tuple(forms))


# ── Rules and dates of a dossier (26/2026/QĐ-TTg) ──────────────────────────────────────────────────────────────────


def filing_day(dossier) -> datetime.date | None:
    """The day the dossier was first filed with the commune (Điều 12.2 looks at it); None before it is filed."""
    return dossier.first_submitted_on


def rules_of(dossier) -> dossier_rules.DossierRules:
    """Which rules the dossier follows. TODO: switch to evaluation.process.rules_for_dossier(filed_on, kind,
    decided_on) once it lands; dossier_rules.rules_for has the same meaning."""
    return dossier_rules.rules_for(filing_day(dossier), dossier.kind)


def commune_deadline_of(dossier, day: datetime.date | None = None):
    """The commune's 15 working days (Điều 7.2) against `day`: None until the commune records the receipt, and for a
    dossier under the 2021–2025 rules (Điều 12.2), which had no such period."""
    if dossier.received_on is None or not rules_of(dossier).is_current:
        return None
    deadline = dossier_rules.commune_deadline(dossier.received_on)
    return dossier_rules.deadline_status(deadline, day or today(), done_on=dossier.forwarded_on)


def kind_article(kind: str) -> str:
    """The article of 26/2026 that defines this kind of dossier (shown beside it)."""
    return dossier_rules.load_kind_rules().articles.get(kind, "")


def rerating_window_of(dossier, day: datetime.date | None = None):
    """For a re-rating dossier, the filing window of Điều 7.6.a around the end of the product's certificate held on
    the filing day (or `day` before filing); None for other kinds or without a certificate."""
    if dossier.kind != DossierKind.RERATING:
        return None
    from certification.queries import holding_on

    holding = holding_on(dossier.product, dossier.submitted_on or day or today())
    if holding.certificate is None:
        return None
    # the end of the certificate's 36-month term (its last valid day), whatever may end it earlier
    return dossier_rules.rerating_window(holding.certificate.term_last_day)


def form_errors(code: str, dossier) -> tuple[str | None, str] | None:
    """(field, message) of the first problem of a printed form as stored, or None when it is complete and valid."""
    data = getattr(dossier, dossier_forms.FORM_FIELDS[code])
    form_class = dossier_forms.FORMS[code]
    if not data:
        return None, _("%(form)s (%(number)s) chưa được điền.") % {
            "form": form_class.title,
            "number": form_class.number,
        }
    form = form_class(data=data, dossier=dossier)
    if form.is_valid():
        return None
    field, message = form.first_error()
    return field, _("%(number)s: %(message)s") % {"number": form_class.number, "message": message}


# ── Who may act ────────────────────────────────────────────────────────────────────────────────────────────────────


def ideas_for(user, action: str = VIEW):
    """Ideas the user may see: in their areas, and for a producer only those of the producers they are linked to."""
    qs = ProductIdea.objects.for_user(user, action)
    if acts_only_as_producer(user):
        qs = qs.filter(producer__accounts=user)
    return qs


def dossiers_for(user, action: str = VIEW):
    qs = Dossier.objects.for_user(user, action)
    if acts_only_as_producer(user):
        qs = qs.filter(product__producer__accounts=user)
    return qs


def producers_for_registration(user):
    """The producers a user may register an idea for (the choices of the registration form)."""
    from producers.models import Producer

    if acts_only_as_producer(user):
        qs = Producer.objects.filter(accounts=user)
    else:
        qs = Producer.objects.for_user(user, REGISTER)
    return qs.select_related("location").order_by("search_name")


def communes_for_registration(user):
    """Communes of the 2025 scheme, in force today, where the user may receive an idea."""
    from areas.models import AdministrativeUnit

    return (
        AdministrativeUnit.objects.for_user(user, REGISTER)
        .filter(scheme=Scheme.S2025, level=Level.COMMUNE)
        .valid_on(timezone.localdate())
        .order_by("search_name")
    )


def _require_register(actor, producer, unit):
    require(actor, REGISTER, unit, _("Bạn không có quyền đăng ký ý tưởng hay chuẩn bị hồ sơ tại địa bàn này."))
    if actor is None:  # the system (commands, imports)
        return
    if acts_only_as_producer(actor):
        if not producer.accounts.filter(pk=actor.pk).exists():
            raise PermissionRefused(_("Bạn chỉ làm việc được cho chủ thể mà tài khoản của bạn được gắn với."))
    elif not area_scope(actor, REGISTER).contains(producer.location):
        raise PermissionRefused(_("Chủ thể này nằm ngoài địa bàn bạn được giao."))


def _require_screen(actor, unit):
    require(actor, SCREEN, unit, _("Chỉ cán bộ xã nơi tiếp nhận mới được sàng lọc ý tưởng, kiểm tra và chuyển hồ sơ."))


def _refuse_state(what: str, status_label: str, expected: str):
    raise DomainError(
        _("%(what)s đang ở tình trạng “%(status)s”; %(expected)s")
        % {"what": what, "status": status_label, "expected": expected},
        code="wrong_state",
    )


def _allowed(check) -> bool:
    try:
        check()
    except DomainError:
        return False
    return True


def idea_actions(user, idea) -> set[str]:
    """What the user may do with this idea now: a subset of {"resubmit", "return", "accept"}; drives the buttons."""
    actions = set()
    if idea.status == IdeaStatus.RETURNED and _allowed(lambda: _require_register(user, idea.producer, idea.location)):
        actions.add("resubmit")
    if idea.status == IdeaStatus.SUBMITTED and _allowed(lambda: _require_screen(user, idea.location)):
        actions |= {"return", "accept"}
    return actions


def dossier_actions(user, dossier) -> set[str]:
    """A subset of {"edit", "submit", "receive", "report", "return", "forward"} ("edit" covers Mẫu 01 and 02;
    "receive" records the commune's receipt; "report" writes Mẫu 03, once received)."""
    product = dossier.product
    actions = set()
    if dossier.status in DOSSIER_EDITABLE_STATES and _allowed(
        lambda: _require_register(user, product.producer, product.location)
    ):
        actions |= {"edit", "submit"}
    if dossier.status == DossierStatus.SUBMITTED and _allowed(lambda: _require_screen(user, product.location)):
        actions |= {"return", "forward", "report" if dossier.received_on else "receive"}
    return actions


def may_open_dossier(user, product) -> bool:
    """Whether the user may open a dossier for this product (the button on the product page)."""
    return _allowed(lambda: _require_register(user, product.producer, product.location))


# ── Ideas ──────────────────────────────────────────────────────────────────────────────────────────────────────────


def _clean_text(value) -> str:
    return " ".join(str(value or "").split())


def _validate_idea(idea):
    if not idea.product_name:
        raise DomainError(_("Chưa nhập tên sản phẩm dự kiến."), field="product_name")
    if len(idea.product_name) > 255:
        raise DomainError(_("Tên sản phẩm dài quá 255 ký tự."), field="product_name")
    if idea.group_id is None:
        raise DomainError(_("Chưa chọn nhóm sản phẩm."), field="group")
    if idea.group.system != CategorySystem.S148 or idea.group.level != CategoryLevel.GROUP:
        raise DomainError(_("Nhóm sản phẩm phải là một nhóm của bộ tiêu chí 148/QĐ-TTg."), field="group")
    if not idea.description:
        raise DomainError(_("Chưa mô tả ý tưởng sản phẩm."), field="description")


def _lock_idea(idea) -> ProductIdea:
    return (
        ProductIdea.objects.select_for_update(of=("self",))
        .select_related("producer", "location", "group")
        .get(pk=idea.pk)
    )


def _record_idea(actor, action, idea, before=None):
    audit.record(
        actor=actor,
        action=action,
        obj=idea,
        area=idea.location,
        before=before,
        after=audit.snapshot(idea, IDEA_FIELDS),
    )


def register_idea(
    *,
    actor,
    producer,
    product_name: str,
    group,
    description: str,
    raw_materials: str = "",
    is_existing_product: bool = False,
    location=None,
) -> ProductIdea:
    """Phiếu đăng ký ý tưởng sản phẩm, received at a commune of the 2025 scheme (by default the producer's own)."""
    if producer is None:
        raise DomainError(_("Chưa chọn chủ thể."), field="producer")
    if actor is None or not actor.is_authenticated:
        raise PermissionRefused(_("Cần đăng nhập để đăng ký ý tưởng."))
    if location is None and producer.location.scheme == Scheme.S2025:
        location = producer.location
    if location is None:
        raise DomainError(_("Chưa chọn xã tiếp nhận ý tưởng."), field="location")
    if location.scheme != Scheme.S2025 or location.level != Level.COMMUNE:
        raise DomainError(_("Xã tiếp nhận phải là một xã, phường theo địa giới từ 01/07/2025."), field="location")
    if not location.is_valid_on(timezone.localdate()):
        raise DomainError(_("%(unit)s không còn hiệu lực.") % {"unit": location.name}, field="location")
    with transaction.atomic():
        _require_register(actor, producer, location)
        # One registration at a time per producer: two simultaneous submissions of the same idea (a double click,
        # two devices) would both pass the check below and both be saved; the second now waits and is refused.
        list(type(producer).objects.select_for_update().filter(pk=producer.pk).values_list("pk", flat=True))
        now = timezone.now()
        idea = ProductIdea(
            producer=producer,
            product_name=_clean_text(product_name),
            group=group,
            is_existing_product=bool(is_existing_product),
            description=(description or "").strip(),
            raw_materials=(raw_materials or "").strip(),
            location=location,
            status=IdeaStatus.SUBMITTED,
            registered_by=actor,
            created_at=now,
            updated_at=now,
        )
        _validate_idea(idea)
        name = fold(idea.product_name)
        open_ideas = ProductIdea.objects.filter(
            producer=producer, status__in=[IdeaStatus.SUBMITTED, IdeaStatus.RETURNED]
        ).values_list("product_name", flat=True)
        if any(fold(other) == name for other in open_ideas):
            raise DomainError(
                _("Chủ thể này đã có ý tưởng '%(n)s' đang chờ xử lý.") % {"n": idea.product_name},
                field="product_name",
            )
        idea.save()
        _record_idea(actor, "products.idea.registered", idea)
        events.idea_submitted(idea, actor)
    return idea


def resubmit_idea(*, actor, idea, **edits) -> ProductIdea:
    """After the commune returned it: the producer's edits, and the idea goes back to the commune."""
    unknown = set(edits) - IDEA_EDITABLE
    if unknown:
        raise TypeError(f"resubmit_idea() cannot change {sorted(unknown)}")
    with transaction.atomic():
        idea = _lock_idea(idea)
        _require_register(actor, idea.producer, idea.location)
        if idea.status != IdeaStatus.RETURNED:
            _refuse_state(_("Ý tưởng"), idea.get_status_display(), _("chỉ gửi lại được ý tưởng đã bị xã trả lại."))
        before = audit.snapshot(idea, IDEA_FIELDS)
        for key, value in edits.items():
            if key == "product_name":
                value = _clean_text(value)
            elif key in ("description", "raw_materials"):
                value = (value or "").strip()
            elif key == "is_existing_product":
                value = bool(value)
            setattr(idea, key, value)
        _validate_idea(idea)
        idea.status = IdeaStatus.SUBMITTED
        idea.updated_at = timezone.now()
        idea.save()
        _record_idea(actor, "products.idea.resubmitted", idea, before)
        events.idea_submitted(idea, actor, resubmitted=True)
    return idea


def return_idea(*, actor, idea, reason: str) -> ProductIdea:
    """The commune returns the idea; the reason is shown to the producer."""
    reason = (reason or "").strip()
    with transaction.atomic():
        idea = _lock_idea(idea)
        _require_screen(actor, idea.location)
        if idea.status != IdeaStatus.SUBMITTED:
            _refuse_state(_("Ý tưởng"), idea.get_status_display(), _("chỉ trả lại được ý tưởng đang chờ sàng lọc."))
        if not reason:
            raise DomainError(_("Hãy ghi lý do trả lại để chủ thể biết cần sửa gì."), field="reason")
        before = audit.snapshot(idea, IDEA_FIELDS)
        idea.status = IdeaStatus.RETURNED
        idea.return_reason = reason
        idea.updated_at = timezone.now()
        idea.save()
        _record_idea(actor, "products.idea.returned", idea, before)
        events.idea_returned(idea, actor)
    return idea


def accept_idea(*, actor, idea) -> ProductIdea:
    """The commune accepts: the product is created (developing) with an empty dossier in draft."""
    with transaction.atomic():
        idea = _lock_idea(idea)
        _require_screen(actor, idea.location)
        if idea.status != IdeaStatus.SUBMITTED:
            _refuse_state(_("Ý tưởng"), idea.get_status_display(), _("chỉ chấp nhận được ý tưởng đang chờ sàng lọc."))
        before = audit.snapshot(idea, IDEA_FIELDS)
        try:
            product = product_services.create_product(
                actor=actor,
                name=idea.product_name,
                producer=idea.producer,
                group=idea.group,
                location=idea.location,
                description=idea.description,
                status=ProductStatus.DEVELOPING,
            )
        except DomainError as exc:
            # e.g. the producer already has a product of that name, or an officer saved one at this very moment (409)
            if exc.field in (None, "name", "__all__"):
                exc.field = "product_name"
            raise
        now = timezone.now()
        dossier = Dossier.objects.create(
            product=product, kind=DossierKind.FIRST, status=DossierStatus.DRAFT, created_at=now, updated_at=now
        )
        audit.record(
            actor=actor,
            action="products.dossier.created",
            obj=dossier,
            area=idea.location,
            after=audit.snapshot(dossier, DOSSIER_FIELDS),
        )
        idea.status = IdeaStatus.ACCEPTED
        idea.product = product
        idea.updated_at = now
        idea.save()
        _record_idea(actor, "products.idea.accepted", idea, before)
        events.idea_accepted(idea, dossier, actor)
    return idea


# ── Dossiers ───────────────────────────────────────────────────────────────────────────────────────────────────────


def _lock_dossier(dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("product__producer", "product__location", "product__group")
        .get(pk=dossier.pk)
    )


def _record_dossier(actor, action, dossier, before=None, after=None):
    audit.record(
        actor=actor,
        action=action,
        obj=dossier,
        area=dossier.product.location,
        before=before,
        after=after if after is not None else audit.snapshot(dossier, DOSSIER_FIELDS),
    )


def _require_editable(dossier, expected):
    if dossier.status not in DOSSIER_EDITABLE_STATES:
        _refuse_state(_("Hồ sơ"), dossier.get_status_display(), expected)


def _lock_for_edit(actor, dossier, expected) -> Dossier:
    dossier = _lock_dossier(dossier)
    _require_register(actor, dossier.product.producer, dossier.product.location)
    _require_editable(dossier, expected)
    return dossier


def save_dossier(*, actor, dossier, business_plan: str) -> Dossier:
    """The production and business plan (phương án sản xuất kinh doanh), while the dossier is being prepared."""
    with transaction.atomic():
        dossier = _lock_for_edit(actor, dossier, _("chỉ sửa được hồ sơ đang chuẩn bị hoặc bị trả lại."))
        business_plan = (business_plan or "").strip()
        if business_plan == dossier.business_plan:
            return dossier
        before = audit.snapshot(dossier, DOSSIER_FIELDS)
        dossier.business_plan = business_plan
        dossier.updated_at = timezone.now()
        dossier.save(update_fields=["business_plan", "updated_at"])
        _record_dossier(actor, "products.dossier.updated", dossier, before)
    return dossier


def _document_facts(document) -> dict:
    return {
        "document": document.pk,
        "doc_type": document.doc_type,
        "name": document.original_name,
        "size": document.size,
        "content_type": document.content_type,
        "file": document.file.name,
    }


def upload_document(*, actor, dossier, doc_type: str, uploaded) -> DossierDocument:
    """One document for one checklist item: type, size and content checked, stored with the default storage."""
    if actor is None or not actor.is_authenticated:
        raise PermissionRefused(_("Cần đăng nhập để tải tài liệu lên."))
    with transaction.atomic():
        dossier = _lock_for_edit(actor, dossier, _("chỉ thêm được tài liệu khi hồ sơ đang chuẩn bị hoặc bị trả lại."))
        item = load_checklist().get(doc_type)
        if item is None:
            raise DomainError(_("Loại giấy tờ không có trong danh mục hồ sơ."), field="doc_type")
        if not item.applies_to(dossier.kind):
            raise DomainError(
                _("“%(label)s” không thuộc hồ sơ loại “%(kind)s”.")
                % {"label": item.label, "kind": dossier.get_kind_display()},
                field="doc_type",
            )
        if item not in dossier_checklist(dossier):
            raise DomainError(
                _("“%(label)s” không áp dụng cho sản phẩm dịch vụ.") % {"label": item.label}, field="doc_type"
            )
        checked = check_upload(uploaded, item.kinds, field="file")
        document = DossierDocument(
            dossier=dossier,
            doc_type=item.code,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        # The stored name is ours (the user's name is kept only as original_name), so nothing can be guessed or clash.
        stored_name = f"{uuid.uuid4().hex}{PurePath(checked.original_name).suffix.lower()}"
        document.file.save(stored_name, uploaded, save=False)
        try:
            document.save()
            dossier.updated_at = document.uploaded_at
            dossier.save(update_fields=["updated_at"])
            _record_dossier(actor, "products.dossier.document_uploaded", dossier, after=_document_facts(document))
        except BaseException:
            document.file.storage.delete(document.file.name)
            raise
    return document


def remove_document(*, actor, document) -> Dossier:
    """Takes a document out of a dossier still being prepared (e.g. to replace it after a return)."""
    with transaction.atomic():
        dossier = _lock_for_edit(
            actor, document.dossier, _("chỉ gỡ được tài liệu khi hồ sơ đang chuẩn bị hoặc bị trả lại.")
        )
        document = DossierDocument.objects.get(pk=document.pk, dossier=dossier)
        facts = _document_facts(document)
        storage, name = document.file.storage, document.file.name
        document.delete()
        dossier.updated_at = timezone.now()
        dossier.save(update_fields=["updated_at"])
        _record_dossier(actor, "products.dossier.document_removed", dossier, before=facts, after={})
        transaction.on_commit(lambda: storage.delete(name))
    return dossier


def submit_dossier(*, actor, dossier) -> Dossier:
    """The producer (or the commune officer on its behalf) hands the dossier to the commune.

    Whoever submits, the dossier holds a document for every mandatory item of its checklist and, under 26/2026
    (Điều 6.1), Mẫu số 01 and Mẫu số 02 complete for its kind; the refusal names everything missing
    (`submission_gaps`). The filing date is today (`submitted_on`; `first_submitted_on` keeps the first filing,
    which decides the rules, Điều 12.2). A resubmitted dossier waits for a new receipt by the commune, from which its
    15 working days run again.
    """
    with transaction.atomic():
        dossier = _lock_for_edit(actor, dossier, _("chỉ nộp được hồ sơ đang chuẩn bị hoặc bị trả lại."))
        gaps = submission_gaps(dossier)
        if gaps:
            raise DomainError(
                gaps.refusal(),
                field=None if gaps.documents else gaps.forms[0][0],
                code="missing_documents" if gaps.documents else "form_missing",
            )
        before = audit.snapshot(dossier, DOSSIER_FIELDS)
        day = today()
        dossier.status = DossierStatus.SUBMITTED
        dossier.submitted_on = day
        dossier.first_submitted_on = dossier.first_submitted_on or day
        dossier.received_on = None
        dossier.received_by = None
        dossier.updated_at = timezone.now()
        dossier.save(
            update_fields=[
                "status",
                "submitted_on",
                "first_submitted_on",
                "received_on",
                "received_by",
                "updated_at",
            ]
        )
        _record_dossier(actor, "products.dossier.submitted", dossier, before)
        events.dossier_submitted(dossier, actor)
    return dossier


def return_dossier(*, actor, dossier, reason: str) -> Dossier:
    reason = (reason or "").strip()
    with transaction.atomic():
        dossier = _lock_dossier(dossier)
        _require_screen(actor, dossier.product.location)
        if dossier.status != DossierStatus.SUBMITTED:
            _refuse_state(_("Hồ sơ"), dossier.get_status_display(), _("chỉ trả lại được hồ sơ đã nộp xã."))
        if not reason:
            raise DomainError(_("Hãy ghi lý do trả lại để chủ thể biết cần bổ sung gì."), field="reason")
        before = audit.snapshot(dossier, DOSSIER_FIELDS)
        dossier.status = DossierStatus.RETURNED
        dossier.return_reason = reason
        dossier.updated_at = timezone.now()
        dossier.save(update_fields=["status", "return_reason", "updated_at"])
        _record_dossier(actor, "products.dossier.returned", dossier, before)
        events.dossier_returned(dossier, actor)
    return dossier


def forward_dossier(*, actor, dossier) -> Dossier:
    """The commune has checked the dossier and proposes the product to the province (26/2026 Điều 7.2.b; before it,
    1489/QĐ-TTg). Under 26/2026 its assessment report (Mẫu số 03) must be written first."""
    with transaction.atomic():
        dossier = _lock_dossier(dossier)
        _require_screen(actor, dossier.product.location)
        if dossier.status != DossierStatus.SUBMITTED:
            _refuse_state(_("Hồ sơ"), dossier.get_status_display(), _("chỉ chuyển tỉnh được hồ sơ đã nộp xã."))
        missing = missing_mandatory(dossier)
        if missing:
            raise DomainError(
                _("Hồ sơ còn thiếu giấy tờ bắt buộc: %(items)s.") % {"items": "; ".join(i.label for i in missing)},
                code="missing_documents",
            )
        if rules_of(dossier).is_current:
            if dossier.received_on is None:
                raise DomainError(
                    _(
                        "Hãy ghi nhận ngày xã tiếp nhận hồ sơ và lập báo cáo đánh giá (Mẫu số 03) "
                        "trước khi chuyển tỉnh."
                    ),
                    field="received_on",
                    code="report_missing",
                )
            problem = form_errors("mau-03", dossier)
            if problem:
                raise DomainError(
                    _("Chưa chuyển tỉnh được: %(problem)s") % {"problem": problem[1]},
                    field="mau-03",
                    code="report_missing",
                )
        before = audit.snapshot(dossier, DOSSIER_FIELDS)
        dossier.status = DossierStatus.FORWARDED
        dossier.forwarded_on = today()
        dossier.updated_at = timezone.now()
        dossier.save(update_fields=["status", "forwarded_on", "updated_at"])
        _record_dossier(actor, "products.dossier.forwarded", dossier, before)
        events.dossier_forwarded(dossier, actor)
    return dossier


# ── 26/2026: opening a dossier, the printed forms, the commune's receipt and report ────────────────────────────────


def receiving_commune(product):
    """The commune of the 2025 scheme that receives the product's dossiers (its successor for an older location)."""
    return product.new_commune or product.location


def _refuse_kind(message):
    raise DomainError(message, field="kind", code="wrong_kind")


def _check_kind(product, kind: str, day: datetime.date):
    """Điều 6.1: a first rating is for a product not holding a certificate in force; an upgrade is of a recognised
    OCOP product (certificate in force, below 5 stars); a re-rating is of a recognised product whose certificate
    comes to (or came to) the end of its 36 months, not revoked."""
    from certification.choices import CertificateState
    from certification.queries import holding_on

    if kind not in DossierKind.values:
        _refuse_kind(_("Hãy chọn loại hồ sơ: lần đầu, nâng hạng hoặc đánh giá lại."))
    holding = holding_on(product, day)
    if kind == DossierKind.FIRST and holding.is_valid:
        _refuse_kind(
            _(
                "Sản phẩm đang có giấy chứng nhận OCOP %(stars)s sao còn hiệu lực: hồ sơ phải là nâng hạng hoặc "
                "đánh giá lại."
            )
            % {"stars": holding.certificate.stars}
        )
    if kind == DossierKind.UPGRADE:
        if not holding.is_valid:
            _refuse_kind(_("Chỉ nâng hạng được sản phẩm OCOP có giấy chứng nhận còn hiệu lực."))
        if holding.certificate.stars >= 5:
            _refuse_kind(_("Sản phẩm đã đạt hạng 5 sao, không còn hạng nào để nâng."))
    if kind == DossierKind.RERATING:
        if holding.certificate is None:
            _refuse_kind(_("Sản phẩm chưa từng được công nhận OCOP: hồ sơ phải là đánh giá lần đầu."))
        if holding.state not in (CertificateState.VALID, CertificateState.EXPIRING, CertificateState.EXPIRED):
            _refuse_kind(
                _("Giấy chứng nhận của sản phẩm đang ở tình trạng “%(state)s”: không đánh giá lại được.")
                % {"state": CertificateState(holding.state).label}
            )


def open_dossier(*, actor, product, kind: str) -> Dossier:
    """A new dossier of the chosen kind for an existing product (Điều 6.1 a, b, c), in draft; one open at a time."""
    if actor is None or not actor.is_authenticated:
        raise PermissionRefused(_("Cần đăng nhập để lập hồ sơ."))
    from products.models import Product

    with transaction.atomic():
        product = (
            Product.objects.select_for_update(of=("self",))
            .select_related("producer", "location", "group")
            .get(pk=product.pk)
        )
        _require_register(actor, product.producer, product.location)
        _check_kind(product, kind, today())
        if product.dossiers.filter(status__in=DOSSIER_OPEN_STATES).exists():
            raise DomainError(
                _("Sản phẩm đang có một hồ sơ chưa chuyển tỉnh: hãy hoàn thành hồ sơ đó trước."),
                field="kind",
                code="dossier_open",
            )
        now = timezone.now()
        dossier = Dossier.objects.create(
            product=product, kind=kind, status=DossierStatus.DRAFT, created_at=now, updated_at=now
        )
        _record_dossier(actor, "products.dossier.created", dossier)
    return dossier


def _validated(code, dossier, data) -> dict:
    form = dossier_forms.FORMS[code](data=data, dossier=dossier)
    if not form.is_valid():
        field, message = form.first_error()
        raise DomainError(message, field=field, code="invalid_form")
    return form.to_json()


def form_fingerprint(dossier, code) -> str:
    """A short digest of a printed form as stored: the form page carries it (`based_on`), so a save made on a page
    opened before someone else saved the same form is refused instead of overwriting it. Per form, so the producer
    filling Mẫu 01 and the officer filling Mẫu 02 of the same dossier do not block each other."""
    import hashlib
    import json

    stored = getattr(dossier, dossier_forms.FORM_FIELDS[code]) or {}
    text = json.dumps(stored, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _save_form(actor, dossier, code, data, action) -> Dossier:
    attribute = dossier_forms.FORM_FIELDS[code]
    based_on = data.get("based_on") if hasattr(data, "get") else None
    if based_on and based_on != form_fingerprint(dossier, code):  # `dossier` is the locked row
        raise StaleEdit(stale_message(dossier), code="stale")
    stored = _validated(code, dossier, data)
    before = getattr(dossier, attribute)
    if stored == before:
        return dossier
    setattr(dossier, attribute, stored)
    fields = [attribute, "updated_at"]
    if code == "mau-03":
        dossier.commune_report_on = today()
        fields.append("commune_report_on")
    dossier.updated_at = timezone.now()
    dossier.save(update_fields=fields)
    _record_dossier(actor, action, dossier, before={code: before}, after={code: stored})
    return dossier


def save_registration_form(*, actor, dossier, data) -> Dossier:
    """Mẫu số 01, filled in by the producer or the commune officer on its behalf while the dossier is prepared.
    `data` holds the form's fields as a browser posts them (or as JSON); every field is checked as printed."""
    with transaction.atomic():
        dossier = _lock_for_edit(
            actor, dossier, _("chỉ sửa được phiếu đăng ký khi hồ sơ đang chuẩn bị hoặc bị trả lại.")
        )
        dossier = _save_form(actor, dossier, "mau-01", data, "products.dossier.registration_form_saved")
        _classify_from_registration(actor, dossier)
        return dossier


def _classify_from_registration(actor, dossier):
    """The phân nhóm the producer registers under in Mẫu 01 (item 3, Phụ lục I of 26/2026) becomes the product's
    sub-group, so the council round finds the sheet to score it on. A sub-group of an earlier set (1048) gives way: the
    product is now classified under the law in force; the audit entry keeps the earlier one."""
    from products.models import ProductCategory

    code = (dossier.registration_form or {}).get("phan_nhom") or ""
    product = dossier.product
    if not code or (
        product.subgroup_id and product.subgroup.system == CategorySystem.S2026 and product.subgroup.code == code
    ):
        return
    subgroup = ProductCategory.objects.filter(
        system=CategorySystem.S2026, level=CategoryLevel.SUBGROUP, code=code, maps_to=product.group_id
    ).first()
    if subgroup is None:
        return
    product_services.classify(actor=actor, product=product, subgroup=subgroup)


def save_self_assessment(*, actor, dossier, data) -> Dossier:
    """Mẫu số 02 (with the upgrade's changes or the re-rating's updates, Điều 6.1 b and c), while it is prepared."""
    with transaction.atomic():
        dossier = _lock_for_edit(
            actor, dossier, _("chỉ sửa được báo cáo tự đánh giá khi hồ sơ đang chuẩn bị hoặc bị trả lại.")
        )
        return _save_form(actor, dossier, "mau-02", data, "products.dossier.self_assessment_saved")


def record_receipt(*, actor, dossier, received_on: datetime.date | None = None, receipt_no: str = "") -> Dossier:
    """The commune records the day it received the filed dossier (Điều 7.2: its 15 working days run from then) and
    the number of the registration form (Mẫu số 01, part for the commune). The day lies between filing and today."""
    receipt_no = _clean_text(receipt_no)
    with transaction.atomic():
        dossier = _lock_dossier(dossier)
        _require_screen(actor, dossier.product.location)
        if dossier.status != DossierStatus.SUBMITTED:
            _refuse_state(_("Hồ sơ"), dossier.get_status_display(), _("chỉ tiếp nhận được hồ sơ đã nộp xã."))
        if dossier.received_on is not None:
            raise DomainError(
                _("Xã đã ghi nhận tiếp nhận hồ sơ này ngày %(day)s.") % {"day": f"{dossier.received_on:%d/%m/%Y}"},
                field="received_on",
                code="wrong_state",
            )
        day = received_on or today()
        if day > today():
            raise DomainError(_("Ngày tiếp nhận không được sau hôm nay."), field="received_on")
        if dossier.submitted_on and day < dossier.submitted_on:
            raise DomainError(
                _("Ngày tiếp nhận không được trước ngày chủ thể nộp hồ sơ (%(day)s).")
                % {"day": f"{dossier.submitted_on:%d/%m/%Y}"},
                field="received_on",
            )
        if len(receipt_no) > 60:
            raise DomainError(_("Số phiếu dài quá 60 ký tự."), field="receipt_no")
        before = audit.snapshot(dossier, DOSSIER_FIELDS)
        dossier.received_on = day
        dossier.received_by = actor
        dossier.receipt_no = receipt_no
        dossier.updated_at = timezone.now()
        dossier.save(update_fields=["received_on", "received_by", "receipt_no", "updated_at"])
        _record_dossier(actor, "products.dossier.received", dossier, before)
    return dossier


def save_commune_report(*, actor, dossier, data) -> Dossier:
    """Mẫu số 03: the commune's assessment of local raw materials, local labour, the idea's origin and local identity
    (Điều 7.2.a), written by its officer once the dossier is received and before it is forwarded."""
    with transaction.atomic():
        dossier = _lock_dossier(dossier)
        _require_screen(actor, dossier.product.location)
        if dossier.status != DossierStatus.SUBMITTED:
            _refuse_state(
                _("Hồ sơ"),
                dossier.get_status_display(),
                _("chỉ lập báo cáo được cho hồ sơ đã nộp xã, chưa chuyển tỉnh."),
            )
        if dossier.received_on is None:
            raise DomainError(
                _("Hãy ghi nhận ngày xã tiếp nhận hồ sơ trước khi lập báo cáo."),
                field="received_on",
                code="wrong_state",
            )
        return _save_form(actor, dossier, "mau-03", data, "products.dossier.commune_report_saved")


# ── The province: a forwarded dossier before a council (26/2026 Điều 7.3) ─────────────────────────────────────────


def _require_province(actor, unit):
    require(
        actor,
        ORGANISE,
        unit,
        _("Chỉ cơ quan quản lý OCOP cấp tỉnh phụ trách địa bàn mới đưa sản phẩm vào đợt đánh giá."),
    )


def _provinces_of(product) -> set[int]:
    """The product's province and its counterparts across the 2025 reform (a round of either may score it)."""
    from areas.filters import with_counterparts

    unit = product.location
    return with_counterparts({unit.province_id or unit.pk})


@dataclass
class ProvinceView:
    """What the province office sees and may do on a forwarded dossier: the rounds its product is already in (since
    it was forwarded) and, when in none, the open rounds of the province that may take it, each with the sheet the
    product would be scored on (None: the round's page asks for one)."""

    items: list
    rounds: list  # [(EvaluationRound, SheetScope | None)]

    @property
    def may_return(self) -> bool:
        """Before any council round has the product, the office may still send the dossier back (Điều 7.3.a); once
        it has, the advisory group's request for additions is the way (Điều 7.3.c)."""
        return not self.items


def province_view(user, dossier) -> ProvinceView | None:
    """None unless the dossier is forwarded and the user organises rounds where its product lies. A constant number of
    queries whatever the number of rounds: one sheet look-up per criteria set, not per round."""
    if dossier.status != DossierStatus.FORWARDED or not _allowed(
        lambda: _require_province(user, dossier.product.location)
    ):
        return None
    from evaluation import council
    from evaluation.council_models import EvaluationRound, RoundItem, RoundStatus

    product = dossier.product
    managed = EvaluationRound.objects.for_user(user, ORGANISE)
    items = list(
        RoundItem.objects.filter(
            product=product, evaluation_round__in=managed, evaluation_round__ends_on__gte=dossier.forwarded_on
        )
        .select_related("evaluation_round")
        .order_by("-evaluation_round__starts_on", "-pk")
    )
    rounds = []
    if not items:
        candidates = (
            managed.filter(status=RoundStatus.OPEN, province__in=_provinces_of(product))
            .exclude(items__product=product)
            .select_related("criteria_set")
            .order_by("starts_on", "pk")
        )
        sheets = {}
        for evaluation_round in candidates:
            key = evaluation_round.criteria_set_id
            if key not in sheets:
                try:
                    sheets[key] = council.sheet_for(evaluation_round.criteria_set, product)
                except DomainError:
                    sheets[key] = None
            rounds.append((evaluation_round, sheets[key]))
    return ProvinceView(items=items, rounds=rounds)


def dossier_outcome(dossier) -> list:
    """The certificates decided for the product since the dossier was forwarded: what came of it (one query)."""
    if dossier.status != DossierStatus.FORWARDED or dossier.forwarded_on is None:
        return []
    from certification.models import Certificate

    return list(
        Certificate.objects.filter(product_id=dossier.product_id, decision__date__gte=dossier.forwarded_on)
        .select_related("decision")
        .order_by("decision__date", "pk")
    )


def add_to_round(*, actor, dossier, evaluation_round):
    """The province office puts the product of a forwarded dossier before an open council round of its province
    (26/2026 Điều 7.3 b–d), scored on the sheet of its category; evaluation.council.add_product writes the item, its
    audit entry and the notices. Returns the round item."""
    from evaluation import council
    from evaluation.council_models import RoundStatus

    with transaction.atomic():
        dossier = _lock_dossier(dossier)
        product = dossier.product
        _require_province(actor, product.location)
        if dossier.status != DossierStatus.FORWARDED:
            _refuse_state(
                _("Hồ sơ"), dossier.get_status_display(), _("chỉ đưa vào đợt đánh giá được hồ sơ xã đã chuyển tỉnh.")
            )
        if evaluation_round.status != RoundStatus.OPEN:
            raise DomainError(
                _("Đợt “%(round)s” đã kết thúc, không nhận thêm sản phẩm.") % {"round": evaluation_round.title},
                field="round",
            )
        if evaluation_round.province_id not in _provinces_of(product):
            raise DomainError(
                _("Đợt “%(round)s” là của %(province)s, không phải tỉnh của sản phẩm.")
                % {"round": evaluation_round.title, "province": evaluation_round.province.name},
                field="round",
            )
        return council.add_product(actor=actor, evaluation_round=evaluation_round, product=product)


def return_to_commune(*, actor, dossier, reason: str) -> Dossier:
    """The province office finds the forwarded dossier incomplete and asks the commune and the producer to complete it
    (26/2026 Điều 7.3.a: "thông báo và hướng dẫn UBND cấp xã, chủ thể OCOP hoàn thiện hồ sơ"). The producer completes
    and submits it to the commune again, which checks and forwards it anew. Refused once a council round has the
    product: from then on the advisory group asks for additions on the round (Điều 7.3.c)."""
    from evaluation.council_models import RoundItem

    reason = (reason or "").strip()
    with transaction.atomic():
        dossier = _lock_dossier(dossier)
        product = dossier.product
        require(
            actor,
            ORGANISE,
            product.location,
            _("Chỉ cơ quan quản lý OCOP cấp tỉnh phụ trách địa bàn mới yêu cầu hoàn thiện hồ sơ đã chuyển tỉnh."),
        )
        if dossier.status != DossierStatus.FORWARDED:
            _refuse_state(
                _("Hồ sơ"), dossier.get_status_display(), _("chỉ yêu cầu hoàn thiện được hồ sơ xã đã chuyển tỉnh.")
            )
        in_round = (
            RoundItem.objects.filter(product=product, evaluation_round__ends_on__gte=dossier.forwarded_on)
            .select_related("evaluation_round")
            .first()
        )
        if in_round is not None:
            raise DomainError(
                _(
                    "Sản phẩm đã được đưa vào đợt “%(round)s”: đề nghị bổ sung hồ sơ qua Tổ tư vấn của đợt đó "
                    "(Điều 7 khoản 3 điểm c)."
                )
                % {"round": in_round.evaluation_round.title},
                code="in_round",
            )
        if not reason:
            raise DomainError(
                _("Hãy ghi rõ hồ sơ cần hoàn thiện những gì để xã và chủ thể biết cần bổ sung."), field="reason"
            )
        before = audit.snapshot(dossier, DOSSIER_FIELDS)
        dossier.status = DossierStatus.PROVINCE_RETURNED
        dossier.return_reason = reason
        dossier.updated_at = timezone.now()
        dossier.save(update_fields=["status", "return_reason", "updated_at"])
        _record_dossier(actor, "products.dossier.province_returned", dossier, before)
        events.dossier_province_returned(dossier, actor)
    return dossier
