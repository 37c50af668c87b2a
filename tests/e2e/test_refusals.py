"""Refusals are seen where the person is looking, and leave nothing behind (issue 12).

A producer on the dossier page uploads a fake PDF, an .exe and a file over the size limit: each time the reason is on
screen and nothing is stored; then it presses "submit" with a mandatory document missing: the message names it and
the dossier stays in preparation. A commune officer returns an idea without a reason: the message is on screen and
the idea is unchanged. The people, the log-in and the idea page come from the idea flow's test.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from accounts.roles import Role
from core.models import AuditEntry
from producers.models import Producer
from products import workflow
from products.choices import DossierStatus, IdeaStatus
from products.models import DossierDocument, ProductCategory
from products.tests.helpers import fill_forms
from tests.e2e import test_idea_flow as flow
from tests.e2e.test_idea_flow import PDF, log_in, open_idea

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

people = flow.people  # the idea flow's fixture: its producer and commune officer of Xã Thanh Nưa, the HTX, the media

LIMIT = 2048  # bytes: the test makes the upload limit small so that the oversize file stays small


def register(people, name="Gạo tám Thanh Nưa"):
    return workflow.register_idea(
        actor=people[Role.PRODUCER],
        producer=Producer.objects.get(),
        product_name=name,
        group=ProductCategory.objects.get(system="148", level="group", code="thuc-pham"),
        description="Gạo tám thơm của cánh đồng Mường Thanh.",
    )


def stored(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def upload(page, code, name, content):
    form = page.get_by_test_id("upload-form")
    form.get_by_label("Loại giấy tờ").select_option(code)
    form.get_by_label("Tệp").set_input_files(files=[{"name": name, "mimeType": "application/pdf", "buffer": content}])
    form.get_by_role("button", name="Tải lên").click()


def test_a_producers_refused_uploads_and_submission_are_seen_and_change_nothing(
    browser_page, live_server, people, settings, tmp_path
):
    settings.UPLOAD_MAX_BYTES = LIMIT
    page = browser_page
    producer = people[Role.PRODUCER]
    idea = workflow.accept_idea(actor=people[Role.COMMUNE_OFFICER], idea=register(people))
    dossier = idea.product.dossiers.get()
    log_in(page, live_server, producer)
    page.goto(f"{live_server.url}/ideas/dossiers/{dossier.pk}/")
    expect(page.get_by_test_id("upload-form")).to_contain_text("tối đa 2,0 KB")
    entries = AuditEntry.objects.count()

    refusals = [
        ("gia-mao.pdf", b"MZ\x90\x00 this is not a PDF at all", "Nội dung tệp 'gia-mao.pdf' không phải là PDF"),
        ("cai-dat.exe", b"MZ\x90\x00\x03\x00\x00\x00", "Tệp 'cai-dat.exe' không đúng loại được nhận"),
        ("qua-lon.pdf", PDF + b"0" * (2 * LIMIT), "Tệp 'qua-lon.pdf' quá lớn (4,0 KB); tối đa 2,0 KB."),
    ]
    for name, content, message in refusals:
        upload(page, "business-registration", name, content)
        refusal = page.get_by_text(message)
        expect(refusal).to_be_visible()
        expect(refusal).to_be_in_viewport()
        assert not DossierDocument.objects.exists() and stored(tmp_path) == []
        assert AuditEntry.objects.count() == entries
        expect(page.get_by_test_id("item-business-registration").get_by_test_id("mark")).to_contain_text("còn thiếu")

    # Before pressing submit, the page says what is missing; pressing it is refused with the same names.
    fill_forms(dossier, producer)
    for code in ("business-plan", "organisation"):
        uploaded = SimpleUploadedFile(f"{code}.pdf", PDF, content_type="application/pdf")
        workflow.upload_document(actor=producer, dossier=dossier, doc_type=code, uploaded=uploaded)
    entries = AuditEntry.objects.count()
    page.reload()
    expect(page.get_by_test_id("item-organisation").get_by_test_id("mark")).to_contain_text("đã có")
    expect(page.get_by_test_id("item-business-registration").get_by_test_id("mark")).to_contain_text("còn thiếu")
    gaps = page.get_by_test_id("submit-gaps")
    expect(gaps).to_contain_text("Bản sao giấy đăng ký kinh doanh")
    expect(gaps).not_to_contain_text("Bản mô tả chủ thể")
    expect(page.get_by_test_id("submit-dossier")).to_have_text("Nộp hồ sơ cho xã (còn thiếu 1 mục)")
    page.get_by_test_id("submit-dossier").click()
    alert = page.locator(".alert-danger").filter(has_text="Chưa nộp được hồ sơ cho xã")
    expect(alert).to_be_visible()
    expect(alert).to_be_in_viewport()
    expect(alert).to_contain_text("Còn thiếu giấy tờ bắt buộc: Bản sao giấy đăng ký kinh doanh.")
    expect(page.get_by_test_id("dossier-status")).to_have_text("Đang chuẩn bị")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and dossier.submitted_on is None
    assert AuditEntry.objects.count() == entries

    # With the document, the same button files the dossier and says what happens next.
    upload(page, "business-registration", "dkkd.pdf", PDF)
    expect(page.get_by_test_id("item-business-registration").get_by_test_id("mark")).to_contain_text("đã có")
    expect(page.get_by_test_id("submit-gaps")).to_have_count(0)
    page.get_by_test_id("submit-dossier").click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Đã nộp xã")
    expect(page.locator(".alert-success")).to_contain_text("15 ngày làm việc")


def test_a_commune_officer_returning_an_idea_without_a_reason_sees_why_and_the_idea_is_unchanged(
    browser_page, live_server, people
):
    page = browser_page
    idea = register(people)
    entries = AuditEntry.objects.count()
    log_in(page, live_server, people[Role.COMMUNE_OFFICER])
    open_idea(page, live_server, idea.product_name)
    page.get_by_test_id("return-form").get_by_label("Lý do trả lại").fill("   ")
    page.get_by_role("button", name="Trả lại ý tưởng").click()
    refusal = page.get_by_text("Hãy ghi lý do trả lại để chủ thể biết cần sửa gì.")
    expect(refusal).to_be_visible()
    expect(refusal).to_be_in_viewport()
    expect(page.get_by_test_id("idea-status")).to_have_text("Đã gửi, chờ xã sàng lọc")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED and idea.return_reason == ""
    assert AuditEntry.objects.count() == entries
