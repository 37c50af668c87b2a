"""The home page after login is a to-do list for the person's roles: each item a link with its count, only what is in
their area, in a constant number of queries per provider; the anonymous home stays as it was."""

import datetime
import itertools

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.module_loading import import_string

from certification import services as certification_services
from core.views import todo_list
from evaluation import council
from evaluation.tests.scoring_setup import build_round, build_round_2026, record_minimums, score, score_to
from ntm import services as ntm_services
from producers import services as producer_services
from products import services as product_services
from products.choices import DossierStatus, IdeaStatus
from products.models import Dossier, ProductCategory, ProductIdea

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year
_numbers = itertools.count(1)


def labels(user):
    return [item["label"] for item in todo_list(user)]


def item_for(user, start):
    return next(item for item in todo_list(user) if item["label"].startswith(start))


@pytest.fixture
def food():
    return ProductCategory.objects.get(system="148", level="group", code="thuc-pham")


@pytest.fixture
def make(unit, food, producer):
    """make(name, area, linked): a producer and its product; `linked` links the `producer` persona's account."""

    def run(name, area="2025:03328", linked=False):
        holder = producer_services.create_producer(
            actor=None, name=f"HTX {name}", producer_type="htx", location=unit(area)
        )
        if linked:
            holder.accounts.add(producer)
        return product_services.create_product(actor=None, name=name, producer=holder, location=unit(area), group=food)

    return run


def idea(product, status=IdeaStatus.SUBMITTED):
    return ProductIdea.objects.create(
        producer=product.producer,
        product_name=f"Ý tưởng {product.name}",
        group=product.group,
        description="Mô tả",
        location=product.location,
        status=status,
        registered_by=product.producer.accounts.first() or _anyone(),
    )


def _anyone():
    from accounts.models import User

    return User.objects.order_by("pk").first()


def dossier(product, status, forwarded_on=None):
    return Dossier.objects.create(product=product, status=status, forwarded_on=forwarded_on)


def certify(product, valid_until):
    decision, _ = certification_services.get_or_create_decision(
        actor=None,
        number=f"{next(_numbers)}/QĐ-UBND",
        date=datetime.date(2023, 5, 4),
        kind="recognition",
        issuing_level="province",
        province=product.location.province,
    )
    certificate, _ = certification_services.record_certificate(
        actor=None, product=product, decision=decision, stars=3, valid_until=valid_until
    )
    return certificate


def test_the_providers_are_named_in_settings_and_core_stays_free_of_domain_apps():
    assert len(settings.HOME_TODO_PROVIDERS) == 4
    assert all(callable(import_string(path)) for path in settings.HOME_TODO_PROVIDERS)


def test_a_visitor_gets_no_todo_list(client):
    page = client.get("/", follow=True).content.decode()  # the public catalogue
    assert 'data-testid="todo"' not in page and "Đăng nhập" in page and "Đơn vị hành chính" in page


# ── Commune officer ────────────────────────────────────────────────────────────────────────────────────────────────


def test_the_commune_officer_sees_ideas_dossiers_and_this_years_ntm_form(
    client, make, commune_officer, other_commune_officer, producer
):
    for n in range(3):
        idea(make(f"Gạo {n}", linked=True))
    dossier(make("Chè"), DossierStatus.SUBMITTED)
    dossier(make("Mật ong"), DossierStatus.DRAFT)  # not the commune's turn yet
    idea(make("Xa", area="2025:03334"))  # another commune's
    assert labels(commune_officer) == [
        "3 ý tưởng chờ xã sàng lọc",
        "1 hồ sơ chờ xã kiểm tra",
        f"Phiếu tự đánh giá NTM năm {YEAR} chưa nộp",
    ]
    assert item_for(commune_officer, "3 ý tưởng")["url"] == "/ideas/?status=submitted"
    assert item_for(commune_officer, "1 hồ sơ")["url"] == "/ideas/dossiers/?status=submitted"
    assert labels(other_commune_officer)[0] == "1 ý tưởng chờ xã sàng lọc"

    client.force_login(commune_officer)
    page = client.get("/").content.decode()
    assert 'data-testid="todo"' in page and 'href="/ideas/?status=submitted"' in page
    assert "3 ý tưởng chờ xã sàng lọc" in page
    # one click from the home page opens this year's form
    ntm = item_for(commune_officer, "Phiếu tự đánh giá NTM")
    assert ntm["post"] == {"year": YEAR} and f'action="{ntm["url"]}"' in page
    response = client.post(ntm["url"], ntm["post"])
    assert response.status_code == 302 and response.url.startswith("/ntm/assessments/")
    assert client.get(response.url).status_code == 200
    # started, not sent: still to do, now a link to the form itself
    assert item_for(commune_officer, "Phiếu tự đánh giá NTM")["url"] == response.url


def test_a_returned_ntm_form_is_first_on_the_list_and_shows_the_reason_on_the_form(
    client, commune_officer, province_officer, unit
):
    form, _ = ntm_services.start_assessment(actor=commune_officer, commune=unit("2025:03328"), year=YEAR)
    ntm_services.submit_assessment(actor=commune_officer, assessment=form)
    assert not any("NTM" in label for label in labels(commune_officer))  # sent: nothing to do
    assert labels(province_officer) == [f"1 phiếu NTM năm {YEAR} chờ duyệt"]
    ntm_services.return_assessment(actor=province_officer, assessment=form, reason="Tiêu chí 17 thiếu minh chứng")
    first = todo_list(commune_officer)[0]
    assert first["label"] == f"Phiếu tự đánh giá NTM năm {YEAR} bị tỉnh trả lại, cần sửa và gửi lại"
    assert first["url"] == f"/ntm/assessments/{form.pk}/" and first["priority"] == 10
    client.force_login(commune_officer)
    page = client.get(first["url"]).content.decode()
    assert 'data-testid="return-reason"' in page and "Tiêu chí 17 thiếu minh chứng" in page
    ntm_services.submit_assessment(actor=commune_officer, assessment=form)
    page = client.get(first["url"]).content.decode()
    assert 'data-testid="return-reason"' not in page  # sent again: the reason was dealt with


# ── Province officer ───────────────────────────────────────────────────────────────────────────────────────────────


def test_the_province_officer_sees_dossiers_ntm_forms_and_certificates_of_the_province(
    client, make, province_officer, other_province_officer, commune_officer, unit
):
    dossier(make("Gạo"), DossierStatus.FORWARDED, forwarded_on=TODAY)
    dossier(make("Chè"), DossierStatus.FORWARDED, forwarded_on=TODAY)
    dossier(make("Miến"), DossierStatus.SUBMITTED)  # still at the commune
    form, _ = ntm_services.start_assessment(actor=commune_officer, commune=unit("2025:03328"), year=YEAR - 1)
    ntm_services.submit_assessment(actor=commune_officer, assessment=form)
    certify(make("Mật ong"), TODAY + datetime.timedelta(days=10))
    certify(make("Rượu"), TODAY + datetime.timedelta(days=300))  # far from expiry
    assert labels(province_officer) == [
        "2 hồ sơ chờ tỉnh",
        f"1 phiếu NTM năm {YEAR - 1} chờ duyệt",
        "1 giấy chứng nhận sắp hết hạn",
    ]
    assert item_for(province_officer, "2 hồ sơ")["url"] == "/ideas/dossiers/?status=forwarded"
    assert item_for(province_officer, "1 phiếu NTM")["url"] == f"/ntm/completeness/?year={YEAR - 1}"
    assert item_for(province_officer, "1 giấy")["url"] == "/certificates/expiring/"
    assert labels(other_province_officer) == []
    client.force_login(other_province_officer)
    assert 'data-testid="todo-empty"' in client.get("/").content.decode()


def test_a_dossier_before_a_council_no_longer_waits_for_the_province(make, province_officer, unit):
    product = make("Gạo")
    dossier(product, DossierStatus.FORWARDED, forwarded_on=datetime.date(2026, 9, 1))
    assert labels(province_officer)[0] == "1 hồ sơ chờ tỉnh"
    rnd, _items, _people = build_round(province_officer, unit, products=())
    council.add_product(actor=province_officer, evaluation_round=rnd, product=product)
    assert "1 hồ sơ chờ tỉnh" not in labels(province_officer)


# ── Council member ─────────────────────────────────────────────────────────────────────────────────────────────────


def test_council_members_see_the_products_waiting_for_their_sheet_and_the_chair_the_results_to_approve(
    province_officer, unit
):
    rnd, (rice, tea), people = build_round(province_officer, unit, products=("Gạo thử", "Chè thử"), reported=True)
    tv1 = people["tv1"]
    assert labels(tv1) == ["2 sản phẩm chờ bạn chấm"]
    assert item_for(tv1, "2 sản phẩm")["url"] == f"/evaluation/{rnd.pk}/"
    assert labels(people["thu.ky"]) == []  # the secretary does not score
    score(rice, tv1, (2, 2, 2))
    assert labels(tv1) == ["1 sản phẩm chờ bạn chấm"]
    for name in ("chu.tich", "tv2", "tv3"):
        score(rice, people[name], (2, 2, 1))
    council.lock_item(actor=people["chu.tich"], item=rice)
    assert labels(people["chu.tich"]) == ["1 sản phẩm chờ bạn chấm", "1 kết quả đã khoá phiếu chờ bạn phê duyệt"]
    assert labels(tv1) == ["1 sản phẩm chờ bạn chấm"]


def test_before_the_advisory_report_a_26_2026_product_is_not_yet_to_score(province_officer, unit):
    rnd, items, people = build_round(province_officer, unit, products=("Gạo thử",), reported=False)
    assert labels(people["tv1"]) == []
    assert labels(people["tu.van"]) == ["1 sản phẩm chờ bạn chấm"]  # the team's own sheet is its working tool


def test_the_secretary_sees_the_products_whose_star_minimums_wait_for_the_record(province_officer, unit):
    """While scored, any minimum of the sheet not judged; once locked, only those at or below the band hold it back."""
    rnd, (honey,), people = build_round_2026(province_officer, unit)
    secretary = people["thu.ky"]
    assert labels(secretary) == ["1 sản phẩm chờ thư ký ghi nhận yêu cầu tối thiểu theo hạng sao"]
    assert item_for(secretary, "1 sản phẩm")["url"] == f"/evaluation/{rnd.pk}/"
    assert labels(people["tv1"]) == ["1 sản phẩm chờ bạn chấm"]  # members are not asked to record
    for name in ("chu.tich", "tv1", "tv2", "tv3"):
        score_to(honey, people[name], 60)
    council.lock_item(actor=people["chu.tich"], item=honey)
    honey.refresh_from_db()
    assert honey.band_stars == 3
    record_minimums(honey, secretary, max_stars=2)  # nothing: the sheet's minimums start at 3★
    assert labels(secretary) == ["1 sản phẩm chờ thư ký ghi nhận yêu cầu tối thiểu theo hạng sao"]
    assert record_minimums(honey, secretary, max_stars=3) > 0
    assert labels(secretary) == []  # the 4★ and 5★ minimums do not hold a 3★ result back
    assert not [x for x in labels(province_officer) if "chờ quyết định công nhận" in x]
    council.approve_item(actor=people["chu.tich"], item=honey)
    # the approved 3★ result waits for the province's recognition decision, on the office's list, until recorded
    waiting = item_for(province_officer, "1 kết quả đã phê duyệt chờ quyết định công nhận")
    assert waiting["url"] == f"/evaluation/{rnd.pk}/board/"
    assert not [x for x in labels(people["chu.tich"]) if "chờ quyết định công nhận" in x]
    from evaluation import proposals

    proposals.issue_decision(
        actor=province_officer, evaluation_round=rnd, level="province", number="77/QĐ-UBND", date=TODAY
    )
    assert not [x for x in labels(province_officer) if "chờ quyết định công nhận" in x]


def test_a_conflicted_secretary_is_not_asked_to_record(province_officer, unit):
    rnd, (honey,), people = build_round_2026(province_officer, unit)
    council.declare_conflict(actor=people["thu.ky"], item=honey, reason="Người nhà của chủ thể.")
    assert labels(people["thu.ky"]) == []


# ── Producer ───────────────────────────────────────────────────────────────────────────────────────────────────────


def test_the_producer_sees_what_was_returned_and_certificates_to_renew(make, producer):
    returned = make("Gạo", linked=True)
    dossier(returned, DossierStatus.RETURNED)
    idea(make("Chè", linked=True), status=IdeaStatus.RETURNED)
    dossier(make("Miến", linked=True), DossierStatus.DRAFT)
    dossier(make("Của người khác"), DossierStatus.RETURNED)
    certify(make("Mật ong", linked=True), TODAY + datetime.timedelta(days=10))
    certify(make("Rượu"), TODAY + datetime.timedelta(days=10))  # another producer's
    assert labels(producer) == [
        "1 ý tưởng bị xã trả lại, cần sửa và gửi lại",
        "1 hồ sơ bị xã trả lại, cần bổ sung và nộp lại",
        "1 giấy chứng nhận của bạn sắp hết hạn",
        "1 hồ sơ đang chuẩn bị, chưa nộp xã",
    ]
    assert item_for(producer, "1 hồ sơ bị")["url"] == "/ideas/dossiers/?status=returned"


# ── Constant query counts ──────────────────────────────────────────────────────────────────────────────────────────


def queries_per_provider(user) -> list[int]:
    counts = []
    for path in settings.HOME_TODO_PROVIDERS:
        provider = import_string(path)
        user.__dict__.pop("_area_scope_cache", None)
        with CaptureQueriesContext(connection) as ctx:
            provider(user)
        counts.append(len(ctx))
    return counts


def test_each_provider_runs_a_constant_number_of_queries(
    make, province_officer, commune_officer, producer, unit, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            product = make(f"Sản phẩm {next(_numbers)}", linked=True)
            idea(product)
            dossier(product, [DossierStatus.SUBMITTED, DossierStatus.RETURNED, DossierStatus.DRAFT][i % 3])
            dossier(make(f"Chuyển tỉnh {next(_numbers)}"), DossierStatus.FORWARDED, forwarded_on=TODAY)
            certify(product, TODAY + datetime.timedelta(days=5 + i))

    people = (province_officer, commune_officer, producer)
    add(1)
    one = {user.username: queries_per_provider(user) for user in people}
    add(6)
    many = {user.username: queries_per_provider(user) for user in people}
    assert one == many
    assert labels(province_officer)[0] == "7 hồ sơ chờ tỉnh"
    for user in people:
        user.__dict__.pop("_area_scope_cache", None)
        with django_assert_max_num_queries(24):  # four providers; NTM's includes the recognition procedure
            todo_list(user)


def test_the_council_members_count_is_constant_too(province_officer, unit):
    rnd, items, people = build_round(province_officer, unit, products=("Gạo thử",), reported=True)
    member = people["tv1"]
    provider = import_string("evaluation.todo.todo_items")
    member.__dict__.pop("_area_scope_cache", None)
    with CaptureQueriesContext(connection) as one:
        provider(member)
    for name in ("Chè thử", "Miến thử", "Mật thử"):
        product = product_services.create_product(
            actor=None,
            name=name,
            producer=items[0].product.producer,
            location=unit("2025:03328"),
            group=items[0].product.group,
        )
        council.add_product(actor=province_officer, evaluation_round=rnd, product=product)
    member.__dict__.pop("_area_scope_cache", None)  # each page view starts without it
    with CaptureQueriesContext(connection) as four:
        assert provider(member)[0]["count"] == 1  # the three new ones wait for the advisory report
    assert len(one) == len(four)
