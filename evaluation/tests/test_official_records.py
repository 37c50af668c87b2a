"""The council's records as official documents, read back: the minutes (letterhead, meeting date and place, the
council and the advisory team by full name and role, each product's result and who presided, the signatures with
names) and a long scoresheet, whose criterion rows are never split across pages (checked on WeasyPrint's layout)."""

import datetime
import io
import os

import pytest
from pypdf import PdfReader

from evaluation import council, documents
from evaluation.council_models import MemberRole, Scoresheet
from evaluation.models import Criterion, Option
from evaluation.tests.scoring_setup import build_round, score, score_all

pytestmark = pytest.mark.django_db

FULL_NAMES = {
    "chu.tich": "Lò Văn Chiến",
    "tv1": "Nguyễn Thị Hoa",
    "tv2": "Quàng Văn Bình",
    "tv3": "Lường Thị Mai",
    "tu.van": "Trần Minh Tuấn",
    "thu.ky": "Vũ Thị Thu",
}


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    if os.environ.get("HELPERC_DUMP"):  # pragma: no cover - a look at the print while writing it
        with open(os.environ["HELPERC_DUMP"], "wb") as f:
            f.write(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def scored(province_officer, unit):
    rnd, (rice, tea), people = build_round(
        province_officer, unit, products=("Gạo tám thơm", "Chè Shan tuyết"), reported=True
    )
    for username, full_name in FULL_NAMES.items():
        people[username].full_name = full_name
        people[username].save(update_fields=["full_name"])
    council.declare_conflict(actor=people["tv3"], item=tea, reason="Người thân của chủ thể")
    score_all(rice, people, {"chu.tich": (2, 2, 1), "tv1": (2, 1, 2), "tv2": (1, 2, 2), "tv3": (1, 2, 2)})
    score(tea, people["chu.tich"], (2, 2, 2))  # tea is still being scored
    return rnd, rice, tea, people


def test_the_minutes_carry_the_letterhead_the_meeting_and_the_council_by_full_name_and_role(scored):
    rnd, rice, tea, people = scored
    rnd.meeting_date = datetime.date(2026, 10, 15)
    rnd.meeting_place = "Hội trường Sở Nông nghiệp và Môi trường tỉnh Điện Biên"
    rnd.save(update_fields=["meeting_date", "meeting_place"])
    text = text_of(documents.render_minutes_pdf(rnd))
    for expected in [
        "UBND TỈNH ĐIỆN BIÊN",
        "HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Điện Biên, ngày 15 tháng 10 năm 2026",
        "BIÊN BẢN",
        "Thời gian: ngày 15/10/2026",
        "Địa điểm: Hội trường Sở Nông nghiệp và Môi trường tỉnh Điện Biên",
        "Lò Văn Chiến Chủ tịch hội đồng",
        "Nguyễn Thị Hoa Thành viên",
        "Vũ Thị Thu Thư ký",
        "Tổ tư vấn giúp việc hội đồng",
        "Trần Minh Tuấn Thành viên tổ tư vấn",
        "Chủ trì: Lò Văn Chiến",
        "Gạo tám thơm HTX Thử 82,50 4 sao Lò Văn Chiến",  # the summary row: mean, stars, who presided
        "Chè Shan tuyết HTX Thử Chưa khoá phiếu",
        "Người thân của chủ thể",
    ]:
        assert expected in text, expected
    assert "chu.tich" not in text and "thu.ky" not in text  # names, not usernames
    # The signatures: the secretary's and the chair's, each with the name under the space for the signature.
    signatures = text[text.rindex("THƯ KÝ HỘI ĐỒNG") :]
    assert "CHỦ TỊCH HỘI ĐỒNG" in signatures and "(Ký, ghi rõ họ tên)" in signatures
    assert signatures.index("Vũ Thị Thu") < signatures.index("Lò Văn Chiến") < signatures.index("In lúc")


def test_minutes_without_a_recorded_meeting_leave_lines_to_fill_in_by_hand(scored):
    rnd, *_ = scored
    text = text_of(documents.render_minutes_pdf(rnd))
    assert "Điện Biên, ngày ….. tháng ….. năm ……" in text
    assert text.count("(chưa ghi trên hệ thống)") == 2  # date and place
    assert "Đợt đánh giá từ ngày 01/10/2026 đến ngày 30/10/2026" in text


def test_minutes_name_the_vice_chair_who_presided_for_a_conflicted_chair(province_officer, unit):
    rnd, (rice,), people = build_round(province_officer, unit, products=("Mật ong bạc hà",), reported=True)
    from conftest import make_user

    deputy = make_user("pho.chu.tich", "council_member", "2025:11")
    deputy.full_name = "Cà Văn Dũng"
    deputy.save(update_fields=["full_name"])
    council.add_member(actor=province_officer, evaluation_round=rnd, user=deputy, role=MemberRole.VICE_CHAIR)
    council.declare_conflict(actor=people["chu.tich"], item=rice, reason="Góp vốn vào chủ thể")
    for member in (deputy, people["tv1"], people["tv2"], people["tv3"]):
        score(rice, member, (2, 2, 2))
    council.lock_item(actor=deputy, item=rice)
    council.approve_item(actor=deputy, item=rice)
    context = documents.minutes_context(rnd)
    (record,) = context["records"]
    assert record.presided_by.user == deputy and record.presided_by_name == "Cà Văn Dũng"
    text = text_of(documents.render_minutes_pdf(rnd))
    assert "Mật ong bạc hà HTX Thử 100,00 5 sao Cà Văn Dũng" in text


# --------------------------------------------------------------------------------------------------------------------
# A long scoresheet, laid out by WeasyPrint


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _long_sheet(province_officer, unit) -> Scoresheet:
    """The test set's sheet grown to 45 criteria of varied length, each with notes, so rows meet page ends."""
    rnd, (item,), people = build_round(province_officer, unit, products=("Gạo tám thơm",), reported=True)
    score(item, people["chu.tich"], (2, 2, 2), submit=False)  # three answers; the rest print as not yet scored
    first = Criterion.objects.filter(scope=item.sheet).order_by("position").first()
    for n in range(4, 49):
        criterion = Criterion.objects.create(
            scope=item.sheet,
            section=first.section,
            code=f"C{n}",
            text=f"Tiêu chí dài số {n}: " + "sản phẩm có hồ sơ, tài liệu chứng minh đầy đủ; " * (n % 7 + 2),
            notes=[
                f"Ghi chú {n}.{k}: yêu cầu minh chứng bằng văn bản của cơ quan có thẩm quyền." for k in range(n % 3)
            ],
            position=n,
            max_points=5,
        )
        Option.objects.create(criterion=criterion, text="Đạt yêu cầu " * (n % 4 + 1), points=5, position=0)
    return Scoresheet.objects.get(item=item, member__user=people["chu.tich"])


def test_a_long_scoresheet_never_splits_a_criterion_row_and_repeats_its_header(province_officer, unit):
    from weasyprint import HTML

    sheet = _long_sheet(province_officer, unit)
    html = documents.render_to_string("evaluation/pdf/scoresheet.html", documents.scoresheet_context(sheet))
    document = HTML(string=html).render()
    assert len(document.pages) >= 3  # long enough to run over several page ends

    pages_of_row = {}  # criterion code → the pages its row box appears on
    header_pages = set()
    for number, page in enumerate(document.pages):
        for box in _boxes(page._page_box):
            element = getattr(box, "element", None)
            if element is None:
                continue
            if box.element_tag == "tr" and element.get("data-criterion"):
                pages_of_row.setdefault(element.get("data-criterion"), set()).add(number)
            if box.element_tag == "thead":
                header_pages.add(number)
    assert len(pages_of_row) == 48  # every criterion row was laid out
    split = {code: sorted(pages) for code, pages in pages_of_row.items() if len(pages) > 1}
    assert not split, f"rows split across pages: {split}"
    row_pages = set().union(*pages_of_row.values())
    assert row_pages <= header_pages  # the header row repeats on every page that holds criteria
    # And the PDF written from that layout holds every row's text.
    text = text_of(document.write_pdf())
    assert "Tiêu chí dài số 48" in text and "Chưa chấm" in text and "Người chấm" in text
