"""The path in through the commune: idea → screening → product and dossier → checks → province.

Services first (every transition, wrong-state refusals, scope, uploads, nothing written on refusal), then the pages
(404 outside scope, downloads only through the permission check, constant query count on the list).
"""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from conftest import make_user
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from core.uploads import check_upload
from notifications.models import Notification
from producers import services as producer_services
from products import workflow
from products.choices import DossierStatus, IdeaStatus, ProductStatus
from products.models import Dossier, DossierDocument, Product, ProductCategory, ProductIdea
from products.tests.helpers import fill_forms, receive_and_report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _image(fmt: str) -> bytes:
    """A real (tiny) image: uploads are decoded, so a bare signature is refused as a damaged file."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, fmt)
    return buffer.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")


def docx_bytes(member="word/document.xml"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<document/>")
    return buffer.getvalue()


def xlsx_bytes():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


MANDATORY = ["business-plan", "organisation", "business-registration"]


# ── Fixtures ───────────────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a temporary directory, never to var/media."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


def stored_files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def food():
    return ProductCategory.objects.get(system="148", level="group", code="thuc-pham")


@pytest.fixture
def tourism():
    return ProductCategory.objects.get(system="148", level="group", code="du-lich")


@pytest.fixture
def htx(unit, producer):
    """A cooperative in Xã Thanh Nưa, linked to the `producer` persona's account."""
    obj = producer_services.create_producer(
        actor=None, name="HTX Thanh Nưa", producer_type="htx", location=unit("2025:03328")
    )
    obj.accounts.add(producer)
    return obj


@pytest.fixture
def neighbour(unit):
    """Another producer of the same commune, not linked to the persona."""
    return producer_services.create_producer(
        actor=None, name="Hộ Lò Văn Páng", producer_type="ho", location=unit("2025:03328")
    )


@pytest.fixture
def far_producer(unit):
    """A producer of Phường Mường Thanh, the other commune officer's commune."""
    return producer_services.create_producer(
        actor=None, name="HTX Mường Thanh", producer_type="htx", location=unit("2025:03334")
    )


@pytest.fixture
def idea(producer, htx, food):
    return workflow.register_idea(
        actor=producer,
        producer=htx,
        product_name="Gạo tám  Điện Biên",
        group=food,
        description="Gạo tám thơm trồng ở cánh đồng Mường Thanh.",
        raw_materials="Lúa của các hộ thành viên",
    )


@pytest.fixture
def dossier(idea, commune_officer):
    return Dossier.objects.get(product=workflow.accept_idea(actor=commune_officer, idea=idea).product)


def fill_mandatory(dossier, actor):
    for code in MANDATORY:
        workflow.upload_document(actor=actor, dossier=dossier, doc_type=code, uploaded=upload(f"{code}.pdf", PDF))


def ready_to_submit(dossier, actor):
    """The mandatory documents and Mẫu số 01, 02 (26/2026/QĐ-TTg Điều 6.1)."""
    fill_mandatory(dossier, actor)
    fill_forms(dossier, actor)


def counts():
    return (
        ProductIdea.objects.count(),
        Product.objects.count(),
        Dossier.objects.count(),
        DossierDocument.objects.count(),
        AuditEntry.objects.count(),
    )


def actions_of(obj):
    return list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# ── Ideas ──────────────────────────────────────────────────────────────────────────────────────────────────────────


def test_a_producer_registers_an_idea_at_its_commune(idea, producer, unit):
    assert idea.status == IdeaStatus.SUBMITTED
    assert idea.product_name == "Gạo tám Điện Biên"  # spaces tidied
    assert idea.location == unit("2025:03328")  # the producer's commune by default
    assert idea.registered_by == producer
    entry = AuditEntry.objects.get(action="products.idea.registered")
    assert entry.area == unit("2025:03328") and entry.actor == producer
    assert entry.after["status"] == "submitted"


def test_a_commune_officer_registers_on_behalf_of_a_producer(commune_officer, neighbour, food, unit):
    idea = workflow.register_idea(
        actor=commune_officer,
        producer=neighbour,
        product_name="Chè Shan tuyết",
        group=food,
        description="Chè cổ thụ",
        location=unit("2025:03328"),
    )
    assert idea.status == IdeaStatus.SUBMITTED and idea.registered_by == commune_officer


def test_a_producer_cannot_register_for_a_producer_it_is_not_linked_to(producer, htx, neighbour, food):
    before = counts()
    with pytest.raises(PermissionRefused):
        workflow.register_idea(actor=producer, producer=neighbour, product_name="Mật ong", group=food, description="x")
    assert counts() == before


def test_a_commune_officer_cannot_register_in_another_commune(other_commune_officer, htx, food, unit):
    before = counts()
    with pytest.raises(PermissionRefused):
        workflow.register_idea(
            actor=other_commune_officer, producer=htx, product_name="Mật ong", group=food, description="x"
        )
    with pytest.raises(PermissionRefused):  # its own commune, but a producer outside it
        workflow.register_idea(
            actor=other_commune_officer,
            producer=htx,
            product_name="Mật ong",
            group=food,
            description="x",
            location=unit("2025:03334"),
        )
    assert counts() == before


@pytest.mark.parametrize("area_id", ["pre2025:03331", "2025:11"])
def test_a_new_idea_is_received_only_at_a_commune_of_the_2025_scheme(producer, htx, food, unit, area_id):
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.register_idea(
            actor=producer, producer=htx, product_name="Mật ong", group=food, description="x", location=unit(area_id)
        )
    assert exc.value.field == "location" and "01/07/2025" in exc.value.message
    assert counts() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"product_name": "  "}, "product_name"),
        ({"description": ""}, "description"),
        ({"group": None}, "group"),
    ],
)
def test_registration_requires_name_group_and_description(producer, htx, food, values, field):
    kwargs = {"product_name": "Mật ong", "group": food, "description": "Mật ong hoa ban"} | values
    with pytest.raises(DomainError) as exc:
        workflow.register_idea(actor=producer, producer=htx, **kwargs)
    assert exc.value.field == field
    assert ProductIdea.objects.count() == 0


def test_registration_refuses_a_1048_category(producer, htx):
    nganh = ProductCategory.objects.filter(system="1048", level="group").first()
    with pytest.raises(DomainError) as exc:
        workflow.register_idea(actor=producer, producer=htx, product_name="Mật ong", group=nganh, description="x")
    assert exc.value.field == "group"


def test_the_same_open_idea_cannot_be_registered_twice(idea, producer, htx, food):
    with pytest.raises(DomainError) as exc:
        workflow.register_idea(
            actor=producer, producer=htx, product_name="gạo tám điện biên", group=food, description="x"
        )
    assert exc.value.field == "product_name"


def test_the_commune_returns_an_idea_with_a_reason_and_the_producer_resubmits_it(idea, commune_officer, producer):
    returned = workflow.return_idea(actor=commune_officer, idea=idea, reason="Chưa nêu nguồn nguyên liệu tại xã.")
    assert returned.status == IdeaStatus.RETURNED and returned.return_reason == "Chưa nêu nguồn nguyên liệu tại xã."
    resubmitted = workflow.resubmit_idea(
        actor=producer, idea=idea, raw_materials="Lúa tám của 40 hộ thành viên ở xã Thanh Nưa"
    )
    assert resubmitted.status == IdeaStatus.SUBMITTED
    assert resubmitted.raw_materials.startswith("Lúa tám của 40 hộ")
    assert actions_of(idea) == ["products.idea.registered", "products.idea.returned", "products.idea.resubmitted"]
    entry = AuditEntry.objects.get(action="products.idea.resubmitted")
    assert entry.before["status"] == "returned" and entry.after["status"] == "submitted"


def test_returning_needs_a_reason_and_writes_nothing_without_one(idea, commune_officer):
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.return_idea(actor=commune_officer, idea=idea, reason="   ")
    assert exc.value.field == "reason"
    assert counts() == before
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED


def test_only_the_receiving_communes_officer_screens(idea, producer, other_commune_officer, province_officer):
    before = counts()
    for actor in (producer, other_commune_officer, province_officer):
        with pytest.raises(PermissionRefused):
            workflow.return_idea(actor=actor, idea=idea, reason="Không")
        with pytest.raises(PermissionRefused):
            workflow.accept_idea(actor=actor, idea=idea)
    assert counts() == before


def test_accepting_creates_a_developing_product_and_an_empty_draft_dossier(idea, commune_officer, unit):
    accepted = workflow.accept_idea(actor=commune_officer, idea=idea)
    assert accepted.status == IdeaStatus.ACCEPTED
    product = accepted.product
    assert product.status == ProductStatus.DEVELOPING
    assert (product.name, product.producer, product.location) == ("Gạo tám Điện Biên", idea.producer, idea.location)
    dossier = product.dossiers.get()
    assert dossier.status == DossierStatus.DRAFT and dossier.business_plan == "" and not dossier.documents.exists()
    assert actions_of(product) == ["products.product.created"]
    assert actions_of(dossier) == ["products.dossier.created"]
    assert actions_of(idea)[-1] == "products.idea.accepted"
    assert AuditEntry.objects.get(action="products.idea.accepted").area == unit("2025:03328")


@pytest.mark.parametrize(
    "transition",
    [
        lambda idea, officer, producer: workflow.accept_idea(actor=officer, idea=idea),
        lambda idea, officer, producer: workflow.return_idea(actor=officer, idea=idea, reason="x"),
        lambda idea, officer, producer: workflow.resubmit_idea(actor=producer, idea=idea, description="y"),
    ],
    ids=["accept", "return", "resubmit"],
)
def test_an_accepted_idea_refuses_every_transition(idea, commune_officer, producer, transition):
    workflow.accept_idea(actor=commune_officer, idea=idea)
    before = counts()
    with pytest.raises(DomainError) as exc:
        transition(idea, commune_officer, producer)
    assert exc.value.code == "wrong_state" and "Xã chấp nhận" in exc.value.message
    assert counts() == before


def test_a_submitted_idea_cannot_be_resubmitted(idea, producer):
    with pytest.raises(DomainError) as exc:
        workflow.resubmit_idea(actor=producer, idea=idea, description="y")
    assert exc.value.code == "wrong_state"


def test_another_producer_cannot_resubmit(idea, commune_officer, neighbour, unit):
    other = make_user("chuthe.khac", "producer", "2025:03328")
    neighbour.accounts.add(other)
    workflow.return_idea(actor=commune_officer, idea=idea, reason="Thiếu")
    with pytest.raises(PermissionRefused):
        workflow.resubmit_idea(actor=other, idea=idea, description="y")


def test_accepting_refuses_a_name_the_producer_already_uses(idea, commune_officer, htx, food, unit):
    from products.services import create_product

    create_product(actor=None, name="Gạo tám Điện Biên", producer=htx, group=food, location=unit("2025:03328"))
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.accept_idea(actor=commune_officer, idea=idea)
    assert exc.value.field == "product_name"
    assert counts() == before
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED


# ── Dossiers ───────────────────────────────────────────────────────────────────────────────────────────────────────


def test_the_dossier_goes_to_the_commune_back_with_a_reason_and_on_to_the_province(
    dossier, producer, commune_officer, media, django_capture_on_commit_callbacks
):
    workflow.save_dossier(actor=producer, dossier=dossier, business_plan="Mở rộng 20 ha, bán qua siêu thị.")
    ready_to_submit(dossier, producer)
    workflow.submit_dossier(actor=producer, dossier=dossier)
    reason = "Bản sao giấy đăng ký kinh doanh bị mờ."
    returned = workflow.return_dossier(actor=commune_officer, dossier=dossier, reason=reason)
    assert returned.status == DossierStatus.RETURNED and returned.return_reason == reason
    blurred = dossier.documents.get(doc_type="business-registration")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.remove_document(actor=producer, document=blurred)
    workflow.upload_document(
        actor=producer, dossier=dossier, doc_type="business-registration", uploaded=upload("dkkd-ro.pdf", PDF)
    )
    workflow.submit_dossier(actor=producer, dossier=dossier)
    receive_and_report(dossier, commune_officer)
    forwarded = workflow.forward_dossier(actor=commune_officer, dossier=dossier)
    assert forwarded.status == DossierStatus.FORWARDED
    assert forwarded.business_plan == "Mở rộng 20 ha, bán qua siêu thị."
    assert actions_of(dossier) == [
        "products.dossier.created",
        "products.dossier.updated",
        *["products.dossier.document_uploaded"] * 3,
        "products.dossier.registration_form_saved",
        "products.dossier.self_assessment_saved",
        "products.dossier.submitted",
        "products.dossier.returned",
        "products.dossier.document_removed",
        "products.dossier.document_uploaded",
        "products.dossier.submitted",
        "products.dossier.received",
        "products.dossier.commune_report_saved",
        "products.dossier.forwarded",
    ]
    assert len(stored_files(media)) == 3


def test_the_commune_officer_may_prepare_and_submit_on_the_producers_behalf(dossier, commune_officer):
    ready_to_submit(dossier, commune_officer)
    workflow.submit_dossier(actor=commune_officer, dossier=dossier)
    receive_and_report(dossier, commune_officer)
    assert workflow.forward_dossier(actor=commune_officer, dossier=dossier).status == DossierStatus.FORWARDED


@pytest.mark.parametrize("who", ["producer", "commune_officer"])
def test_a_dossier_missing_a_mandatory_document_cannot_be_submitted_by_anyone(
    dossier, producer, commune_officer, media, who
):
    """The commune's 15 working days should not start on a file it would have to return: every mandatory document
    first, whoever submits; the refusal names each missing one and nothing changes."""
    actor = {"producer": producer, "commune_officer": commune_officer}[who]
    workflow.upload_document(actor=producer, dossier=dossier, doc_type="business-plan", uploaded=upload("a.pdf", PDF))
    workflow.upload_document(actor=producer, dossier=dossier, doc_type="awards", uploaded=upload("b.pdf", PDF))
    fill_forms(dossier, producer)
    dossier.refresh_from_db()
    state = (dossier.status, dossier.submitted_on, dossier.first_submitted_on, dossier.updated_at)
    before, files = counts(), stored_files(media)
    with pytest.raises(DomainError) as exc:
        workflow.submit_dossier(actor=actor, dossier=dossier)
    assert exc.value.code == "missing_documents"
    message = exc.value.message
    assert "Bản mô tả chủ thể (tổ chức sản xuất)" in message and "Bản sao giấy đăng ký kinh doanh" in message
    assert "Phương án / dự án sản xuất kinh doanh" not in message and "Giải thưởng" not in message
    assert counts() == before and stored_files(media) == files
    dossier.refresh_from_db()
    assert (dossier.status, dossier.submitted_on, dossier.first_submitted_on, dossier.updated_at) == state
    assert not Notification.objects.filter(kind="products.dossier.submitted").exists()


def test_the_refusal_names_missing_forms_and_documents_together(dossier, producer):
    with pytest.raises(DomainError) as exc:
        workflow.submit_dossier(actor=producer, dossier=dossier)
    message = exc.value.message
    for label in ("Phương án / dự án sản xuất kinh doanh", "Bản mô tả chủ thể", "Bản sao giấy đăng ký kinh doanh"):
        assert label in message
    assert "Mẫu số 01" in message and "Mẫu số 02" in message
    gaps = workflow.submission_gaps(dossier)
    assert gaps.labels == [
        "Phương án / dự án sản xuất kinh doanh",
        "Bản mô tả chủ thể (tổ chức sản xuất)",
        "Bản sao giấy đăng ký kinh doanh",
        "Mẫu số 01",
        "Mẫu số 02",
    ]


def test_a_returned_dossier_whose_mandatory_document_was_removed_cannot_be_resubmitted(
    dossier, producer, commune_officer
):
    ready_to_submit(dossier, producer)
    workflow.submit_dossier(actor=producer, dossier=dossier)
    workflow.return_dossier(actor=commune_officer, dossier=dossier, reason="Giấy tờ mờ.")
    workflow.remove_document(actor=producer, document=dossier.documents.get(doc_type="organisation"))
    with pytest.raises(DomainError) as exc:
        workflow.submit_dossier(actor=producer, dossier=dossier)
    assert "Bản mô tả chủ thể (tổ chức sản xuất)" in exc.value.message
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED


def test_forwarding_still_checks_the_mandatory_documents_of_a_dossier_filed_before_that_rule(
    dossier, producer, commune_officer
):
    """A dossier submitted before submission required every mandatory document (here set up directly)."""
    for code in MANDATORY[:2]:
        workflow.upload_document(actor=producer, dossier=dossier, doc_type=code, uploaded=upload("a.pdf", PDF))
    fill_forms(dossier, producer)
    day = workflow.today()
    Dossier.objects.filter(pk=dossier.pk).update(
        status=DossierStatus.SUBMITTED, submitted_on=day, first_submitted_on=day
    )
    receive_and_report(dossier, commune_officer)
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.forward_dossier(actor=commune_officer, dossier=dossier)
    assert exc.value.code == "missing_documents" and "Bản sao giấy đăng ký kinh doanh" in exc.value.message
    assert counts() == before
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_returning_a_dossier_needs_a_reason(dossier, producer, commune_officer):
    ready_to_submit(dossier, producer)
    workflow.submit_dossier(actor=producer, dossier=dossier)
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.return_dossier(actor=commune_officer, dossier=dossier, reason="")
    assert exc.value.field == "reason"
    assert counts() == before


@pytest.mark.parametrize(
    ("state", "transition"),
    [
        ("draft", lambda d, officer, producer: workflow.forward_dossier(actor=officer, dossier=d)),
        ("draft", lambda d, officer, producer: workflow.return_dossier(actor=officer, dossier=d, reason="x")),
        ("submitted", lambda d, officer, producer: workflow.submit_dossier(actor=producer, dossier=d)),
        ("submitted", lambda d, officer, producer: workflow.save_dossier(actor=producer, dossier=d, business_plan="x")),
        (
            "submitted",
            lambda d, officer, producer: workflow.upload_document(
                actor=producer, dossier=d, doc_type="awards", uploaded=upload("a.pdf", PDF)
            ),
        ),
        (
            "submitted",
            lambda d, officer, producer: workflow.remove_document(actor=producer, document=d.documents.first()),
        ),
        ("forwarded", lambda d, officer, producer: workflow.forward_dossier(actor=officer, dossier=d)),
        ("forwarded", lambda d, officer, producer: workflow.submit_dossier(actor=producer, dossier=d)),
        ("forwarded", lambda d, officer, producer: workflow.return_dossier(actor=officer, dossier=d, reason="x")),
    ],
    ids=[
        "forward-draft",
        "return-draft",
        "submit-submitted",
        "edit-submitted",
        "upload-submitted",
        "remove-submitted",
        "forward-forwarded",
        "submit-forwarded",
        "return-forwarded",
    ],
)
def test_dossier_transitions_refuse_the_wrong_state(dossier, producer, commune_officer, media, state, transition):
    if state in ("submitted", "forwarded"):
        ready_to_submit(dossier, producer)
        workflow.submit_dossier(actor=producer, dossier=dossier)
    if state == "forwarded":
        receive_and_report(dossier, commune_officer)
        workflow.forward_dossier(actor=commune_officer, dossier=dossier)
    before, files = counts(), stored_files(media)
    with pytest.raises(DomainError) as exc:
        transition(dossier, commune_officer, producer)
    assert exc.value.code == "wrong_state"
    assert counts() == before and stored_files(media) == files


def test_only_the_communes_officer_returns_or_forwards_a_dossier(dossier, producer, other_commune_officer):
    ready_to_submit(dossier, producer)
    workflow.submit_dossier(actor=producer, dossier=dossier)
    before = counts()
    for actor in (producer, other_commune_officer):
        with pytest.raises(PermissionRefused):
            workflow.forward_dossier(actor=actor, dossier=dossier)
        with pytest.raises(PermissionRefused):
            workflow.return_dossier(actor=actor, dossier=dossier, reason="x")
    assert counts() == before


def test_another_producer_cannot_touch_the_dossier(dossier, neighbour, media):
    other = make_user("chuthe.khac", "producer", "2025:03328")
    neighbour.accounts.add(other)
    before = counts()
    with pytest.raises(PermissionRefused):
        workflow.upload_document(actor=other, dossier=dossier, doc_type="awards", uploaded=upload("a.pdf", PDF))
    with pytest.raises(PermissionRefused):
        workflow.submit_dossier(actor=other, dossier=dossier)
    with pytest.raises(PermissionRefused):
        workflow.save_dossier(actor=other, dossier=dossier, business_plan="x")
    assert counts() == before and stored_files(media) == []


def test_saving_an_unchanged_business_plan_writes_nothing(dossier, producer):
    workflow.save_dossier(actor=producer, dossier=dossier, business_plan="Kế hoạch")
    before = counts()
    workflow.save_dossier(actor=producer, dossier=dossier, business_plan=" Kế hoạch ")
    assert counts() == before


# ── Uploads ────────────────────────────────────────────────────────────────────────────────────────────────────────


def test_an_upload_is_stored_under_our_name_with_its_checked_type(dossier, producer, media):
    document = workflow.upload_document(
        actor=producer, dossier=dossier, doc_type="registration-form", uploaded=upload("Phiếu đăng ký.PDF", PDF)
    )
    assert document.original_name == "Phiếu đăng ký.PDF"
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    assert document.file.name.startswith(f"dossiers/{dossier.pk}/registration-form-")
    assert "Phiếu" not in document.file.name and document.file.name.endswith(".pdf")
    assert document.file.read() == PDF
    entry = AuditEntry.objects.get(action="products.dossier.document_uploaded")
    assert entry.after["name"] == "Phiếu đăng ký.PDF" and entry.after["doc_type"] == "registration-form"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("giay-phep.pdf", PNG, "không phải là PDF"),
        ("anh.png", JPEG, "không phải là PNG"),
        ("phuong-an.docx", docx_bytes("xl/workbook.xml"), "không phải là Word"),
        ("phuong-an.docx", PDF, "không phải là Word"),
        ("giay-phep.exe", PDF, "không đúng loại"),
        ("giay-phep", PDF, "không đúng loại"),
        ("phuong-an.xlsx", xlsx_bytes(), "không đúng loại"),  # the registration form takes no spreadsheet
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_uploads_are_checked_by_extension_and_content(dossier, producer, media, name, content, words):
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.upload_document(
            actor=producer, dossier=dossier, doc_type="registration-form", uploaded=upload(name, content)
        )
    assert words in exc.value.message and exc.value.field == "file"
    assert counts() == before and stored_files(media) == []


def test_a_file_over_the_limit_is_refused(dossier, producer, media, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024 + 300 * 1024)
    with pytest.raises(DomainError) as exc:
        workflow.upload_document(
            actor=producer, dossier=dossier, doc_type="registration-form", uploaded=upload("a.pdf", big)
        )
    # one decimal: 1.3 MB over a 1 MB limit does not read "1 MB; tối đa 1 MB"
    assert exc.value.message.replace("\xa0", " ") == "Tệp 'a.pdf' quá lớn (1,3 MB); tối đa 1,0 MB."
    assert stored_files(media) == []


def test_the_default_limit_is_ten_megabytes(settings):
    del settings.UPLOAD_MAX_BYTES  # absent from settings: the default applies
    big = upload("a.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(DomainError):
        check_upload(big, ["pdf"])
    assert check_upload(upload("a.pdf", PDF + b"0" * (9 * 1024 * 1024)), ["pdf"]).kind == "pdf"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", PDF, "pdf"),
        ("a.JPG", JPEG, "jpeg"),
        ("a.jpeg", JPEG, "jpeg"),
        ("a.png", PNG, "png"),
        ("a.docx", docx_bytes(), "docx"),
        ("a.xlsx", xlsx_bytes(), "xlsx"),
    ],
)
def test_each_allowed_kind_is_recognised(name, content, kind):
    assert check_upload(upload(name, content), ["pdf", "jpeg", "png", "xlsx", "docx"]).kind == kind


def test_unknown_checklist_items_and_goods_only_items_for_tourism_are_refused(
    producer, htx, tourism, commune_officer, dossier
):
    with pytest.raises(DomainError) as exc:
        workflow.upload_document(actor=producer, dossier=dossier, doc_type="passport", uploaded=upload("a.pdf", PDF))
    assert exc.value.field == "doc_type"
    tour = workflow.register_idea(
        actor=producer, producer=htx, product_name="Du lịch bản Mển", group=tourism, description="Homestay"
    )
    tour_dossier = workflow.accept_idea(actor=commune_officer, idea=tour).product.dossiers.get()
    assert "samples" not in [item.code for item in workflow.checklist_for(tour_dossier.product)]
    with pytest.raises(DomainError) as exc:
        workflow.upload_document(
            actor=producer, dossier=tour_dossier, doc_type="samples", uploaded=upload("a.pdf", PDF)
        )
    assert "dịch vụ" in exc.value.message


def test_a_document_can_be_removed_while_the_dossier_is_prepared(
    dossier, producer, media, django_capture_on_commit_callbacks
):
    document = workflow.upload_document(
        actor=producer, dossier=dossier, doc_type="awards", uploaded=upload("a.pdf", PDF)
    )
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the removal is committed
        workflow.remove_document(actor=producer, document=document)
    assert not DossierDocument.objects.exists() and stored_files(media) == []
    assert actions_of(dossier)[-1] == "products.dossier.document_removed"


def test_the_checklist_holds_the_mandatory_items_of_the_domain():
    items = workflow.load_checklist().items
    # every kind of dossier: the three of domain.md §6 (the registration form is Mẫu số 01, filled in on the page)
    assert [item.code for item in items if item.mandatory and not item.dossier_kinds] == MANDATORY
    assert all(item.services for item in items if item.code != "samples")


# ── Pages ──────────────────────────────────────────────────────────────────────────────────────────────────────────


def test_pages_outside_scope_answer_404(client, dossier, idea, producer, other_commune_officer, neighbour):
    document = workflow.upload_document(
        actor=producer, dossier=dossier, doc_type="awards", uploaded=upload("a.pdf", PDF)
    )
    other_producer = make_user("chuthe.khac", "producer", "2025:03328")
    neighbour.accounts.add(other_producer)
    urls = [
        f"/ideas/{idea.pk}/",
        f"/ideas/{idea.pk}/resubmit/",
        f"/ideas/dossiers/{dossier.pk}/",
        f"/ideas/documents/{document.pk}/",
    ]
    posts = [
        f"/ideas/{idea.pk}/return/",
        f"/ideas/{idea.pk}/accept/",
        f"/ideas/dossiers/{dossier.pk}/submit/",
        f"/ideas/dossiers/{dossier.pk}/forward/",
        f"/ideas/documents/{document.pk}/remove/",
    ]
    for user in (other_commune_officer, other_producer):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url, {"reason": "x"}).status_code == 404, (user, url)
        assert "Gạo tám" not in client.get("/ideas/").content.decode()
    assert DossierDocument.objects.count() == 1


def test_anonymous_users_are_sent_to_login(client, dossier):
    document = DossierDocument.objects.create(
        dossier=dossier,
        doc_type="awards",
        file="x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        uploaded_by=dossier.product.idea.registered_by,
    )
    for url in ("/ideas/", f"/ideas/dossiers/{dossier.pk}/", f"/ideas/documents/{document.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_document_is_served_as_an_attachment_to_those_in_scope(
    client, dossier, producer, commune_officer, province_officer, council_member
):
    document = workflow.upload_document(
        actor=producer, dossier=dossier, doc_type="business-registration", uploaded=upload("Giấy ĐKKD.pdf", PDF)
    )
    for user in (producer, commune_officer, province_officer, council_member):
        client.force_login(user)
        response = client.get(f"/ideas/documents/{document.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF


def test_the_list_shows_a_producer_only_its_own_ideas(client, idea, commune_officer, neighbour, food, producer):
    workflow.register_idea(
        actor=commune_officer, producer=neighbour, product_name="Mật ong hoa ban", group=food, description="x"
    )
    client.force_login(producer)
    page = client.get("/ideas/").content.decode()
    assert "Gạo tám Điện Biên" in page and "Mật ong hoa ban" not in page
    client.force_login(commune_officer)
    page = client.get("/ideas/").content.decode()
    assert "Gạo tám Điện Biên" in page and "Mật ong hoa ban" in page


def test_the_list_filters_by_status_and_answers_htmx_with_the_fragment(client, idea, commune_officer, neighbour, food):
    other = workflow.register_idea(
        actor=commune_officer, producer=neighbour, product_name="Mật ong hoa ban", group=food, description="x"
    )
    workflow.return_idea(actor=commune_officer, idea=other, reason="Thiếu")
    workflow.accept_idea(actor=commune_officer, idea=idea)
    client.force_login(commune_officer)
    response = client.get("/ideas/?status=returned", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Mật ong hoa ban" in body and "Gạo tám" not in body and "<html" not in body
    body = client.get("/ideas/?dossier=draft").content.decode()
    assert "Gạo tám" in body and "Mật ong hoa ban" not in body and "<html" in body
    body = client.get("/ideas/?dossier=none").content.decode()
    assert "Mật ong hoa ban" in body and "Gạo tám" not in body


def test_the_list_runs_a_constant_number_of_queries(client, commune_officer, htx, food):
    def register(n):
        idea = workflow.register_idea(
            actor=commune_officer, producer=htx, product_name=f"Sản phẩm {n}", group=food, description="x"
        )
        if n % 2:
            workflow.accept_idea(actor=commune_officer, idea=idea)

    register(0)
    client.force_login(commune_officer)
    client.get("/ideas/")  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        assert client.get("/ideas/").status_code == 200
    for n in range(1, 20):
        register(n)
    with CaptureQueriesContext(connection) as twenty:
        body = client.get("/ideas/").content.decode()
    assert len(re.findall(r"/ideas/dossiers/\d+/", body)) == 10
    assert len(twenty.captured_queries) == len(one.captured_queries)


def test_the_return_form_shows_the_missing_reason_and_the_detail_shows_the_reason(client, idea, commune_officer):
    client.force_login(commune_officer)
    response = client.post(f"/ideas/{idea.pk}/return/", {"reason": ""})
    assert response.status_code == 400 and "Hãy ghi lý do trả lại" in response.content.decode()
    response = client.post(f"/ideas/{idea.pk}/return/", {"reason": "Cần nêu rõ vùng nguyên liệu."}, follow=True)
    body = response.content.decode()
    assert 'data-testid="return-reason"' in body and "Cần nêu rõ vùng nguyên liệu." in body
    assert 'data-testid="accept"' not in body  # nothing left to screen


def test_buttons_follow_permission_and_state(client, idea, producer, commune_officer, province_officer):
    url = f"/ideas/{idea.pk}/"
    client.force_login(commune_officer)
    body = client.get(url).content.decode()
    assert 'data-testid="accept"' in body and 'data-testid="return-form"' in body
    for user in (producer, province_officer):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert 'data-testid="accept"' not in body and 'data-testid="return-form"' not in body
    client.force_login(producer)
    assert client.post(f"/ideas/{idea.pk}/accept/").status_code == 302  # refused with a message, nothing done
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED


def test_registering_and_uploading_through_the_pages(client, producer, htx, food, commune_officer, media):
    client.force_login(producer)
    response = client.get("/ideas/new/")
    assert response.status_code == 200 and "HTX Thanh Nưa" in response.content.decode()
    response = client.post(
        "/ideas/new/",
        {"producer": htx.pk, "product_name": "Gạo nếp cẩm", "group": food.pk, "description": "Nếp cẩm Mường Thanh"},
    )
    idea = ProductIdea.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ideas/{idea.pk}/"
    workflow.accept_idea(actor=commune_officer, idea=idea)
    dossier = Dossier.objects.get()
    response = client.post(
        f"/ideas/dossiers/{dossier.pk}/upload/", {"doc_type": "organisation", "file": upload("mo-ta.pdf", PNG)}
    )
    assert response.status_code == 400 and "không phải là PDF" in response.content.decode()
    response = client.post(
        f"/ideas/dossiers/{dossier.pk}/upload/", {"doc_type": "organisation", "file": upload("mo-ta.pdf", PDF)}
    )
    assert response.status_code == 302
    assert DossierDocument.objects.get().original_name == "mo-ta.pdf"
    body = client.get(f"/ideas/dossiers/{dossier.pk}/").content.decode()
    assert "mo-ta.pdf" in body and 'data-testid="submit-dossier"' in body


def test_the_register_page_is_refused_to_roles_without_the_action(client, province_officer):
    client.force_login(province_officer)
    assert client.get("/ideas/new/").status_code == 403


def row_of(body, code):
    """The checklist row of one item, as rendered."""
    match = re.search(rf'<tr data-testid="item-{code}">(.*?)</tr>', body, re.S)
    assert match, code
    return match.group(1)


def test_the_dossier_page_marks_each_item_and_says_what_is_missing_before_submitting(client, dossier, producer):
    client.force_login(producer)
    url = f"/ideas/dossiers/{dossier.pk}/"
    body = client.get(url).content.decode()
    gaps = re.search(r'data-testid="submit-gaps">(.*?)</div>', body, re.S).group(1)
    for label in ("Phương án / dự án sản xuất kinh doanh", "Bản mô tả chủ thể", "Bản sao giấy đăng ký kinh doanh"):
        assert label in gaps
    assert "Mẫu số 01" in gaps and "Mẫu số 02" in gaps
    assert re.search(r'data-testid="submit-dossier"[^>]*>Nộp hồ sơ cho xã \(còn thiếu 5 mục\)</button>', body)
    assert "còn thiếu" in row_of(body, "organisation") and "bắt buộc" in row_of(body, "organisation")
    assert "còn thiếu" not in row_of(body, "awards") and "nếu có" in row_of(body, "awards")

    workflow.upload_document(actor=producer, dossier=dossier, doc_type="organisation", uploaded=upload("o.pdf", PDF))
    body = client.get(url).content.decode()
    assert "đã có" in row_of(body, "organisation") and "còn thiếu" not in row_of(body, "organisation")
    assert "còn thiếu 4 mục" in body

    ready_to_submit(dossier, producer)
    body = client.get(url).content.decode()
    assert 'data-testid="submit-gaps"' not in body and 'data-testid="missing"' not in body
    assert "Hồ sơ đã đủ để nộp." in body
    assert client.post(f"/ideas/dossiers/{dossier.pk}/submit/", follow=True).status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


@pytest.mark.parametrize("who", ["producer", "commune_officer"])
def test_submitting_an_incomplete_dossier_from_its_page_says_what_is_missing_and_changes_nothing(
    client, dossier, producer, commune_officer, media, who
):
    fill_forms(dossier, producer)
    workflow.upload_document(actor=producer, dossier=dossier, doc_type="business-plan", uploaded=upload("a.pdf", PDF))
    client.force_login({"producer": producer, "commune_officer": commune_officer}[who])
    before, files = counts(), stored_files(media)
    response = client.post(f"/ideas/dossiers/{dossier.pk}/submit/", follow=True)
    assert response.redirect_chain == [(f"/ideas/dossiers/{dossier.pk}/", 302)]
    body = response.content.decode()
    alert = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', body, re.S).group(1)
    assert "Chưa nộp được hồ sơ cho xã" in alert
    assert "Bản mô tả chủ thể (tổ chức sản xuất)" in alert and "Bản sao giấy đăng ký kinh doanh" in alert
    assert "Phương án / dự án sản xuất kinh doanh" not in alert
    assert counts() == before and stored_files(media) == files
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and dossier.submitted_on is None
