"""Training courses, communication campaigns and honours: who may record them, validation, pages and API."""

import datetime

import pytest
from django.urls import reverse

from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product
from programme import training_services as services
from programme.models import CommunicationCampaign, Honour, TrainingCourse

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def course_values(unit):
    def values(**changes):
        data = {
            "title": "Tập huấn giới thiệu chương trình OCOP",
            "kind": "training",
            "organiser": "Văn phòng điều phối nông thôn mới tỉnh",
            "province": unit("2025:11"),
            "area": None,
            "place": "Hội trường UBND tỉnh",
            "start_date": DAY,
            "end_date": DAY,
            "audience": ["cooperatives", "officers"],
            "participants": 120,
            "participants_women": 45,
            "participants_ethnic_minority": 60,
            "cost": 25_000_000,
            "funding_source": "ntm",
            "note": "",
        }
        data.update(changes)
        return data

    return values


@pytest.fixture
def campaign_values(unit):
    def values(**changes):
        data = {
            "title": "Chuyên mục OCOP trên Đài Phát thanh – Truyền hình tỉnh",
            "channel": "television",
            "organiser": "Đài Phát thanh – Truyền hình tỉnh",
            "province": unit("2025:11"),
            "area": None,
            "start_date": DAY,
            "end_date": DAY + datetime.timedelta(days=30),
            "audience": ["households"],
            "reach": 50_000,
            "items": 12,
            "note": "",
        }
        data.update(changes)
        return data

    return values


@pytest.fixture
def goods(unit):
    """A producer and product of Thanh Nưa (Điện Biên) and of a Sơn La commune."""
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    own_place, foreign_place = unit("2025:03328"), unit("2025:03724")
    own = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=own_place)
    foreign = create_producer(actor=None, name="HTX Bình Thuận", producer_type="htx", location=foreign_place)
    rice = create_product(actor=None, name="Gạo Điện Biên", producer=own, location=own_place, group=group)
    coffee = create_product(actor=None, name="Cà phê Thuận Châu", producer=foreign, location=foreign_place, group=group)
    return {"own": own, "foreign": foreign, "rice": rice, "coffee": coffee}


# --- courses: who may record them ---------------------------------------------------------------------------------


def test_province_officer_records_a_course_with_its_communes_and_an_audit_entry(province_officer, course_values, unit):
    communes = [unit("2025:03328"), unit("2025:03334")]
    course = services.create_course(actor=province_officer, communes=communes, **course_values())
    assert set(course.communes.all()) == set(communes)
    entry = AuditEntry.objects.get(action="programme.training.created", object_id=str(course.pk))
    assert entry.after["participants"] == 120
    assert sorted(entry.after["communes"]) == sorted(c.pk for c in communes)


def test_commune_officer_records_only_their_own_communes_courses(
    commune_officer, other_commune_officer, course_values, unit
):
    own = services.create_course(actor=commune_officer, **course_values(area=unit("2025:03328")))
    assert own.area == unit("2025:03328")
    with pytest.raises(PermissionRefused):  # another commune's course
        services.create_course(actor=commune_officer, **course_values(area=unit("2025:03334")))
    with pytest.raises(PermissionRefused):  # a province course
        services.create_course(actor=commune_officer, **course_values())
    assert TrainingCourse.objects.count() == 1
    with pytest.raises(PermissionRefused):  # the neighbour may not edit it
        services.update_course(actor=other_commune_officer, course=own, participants=5)
    with pytest.raises(PermissionRefused):  # nor move a course away to another commune
        services.update_course(actor=commune_officer, course=own, area=unit("2025:03334"))
    own.refresh_from_db()
    assert own.area == unit("2025:03328")


def test_commune_officer_cannot_edit_the_province_course_their_commune_attended(
    province_officer, commune_officer, course_values, unit, client
):
    course = services.create_course(actor=province_officer, communes=[unit("2025:03328")], **course_values())
    with pytest.raises(PermissionRefused):
        services.update_course(actor=commune_officer, course=course, participants=1)
    client.force_login(commune_officer)
    assert client.get(reverse("programme:training_detail", args=[course.pk])).status_code == 200
    assert client.get(reverse("programme:training_edit", args=[course.pk])).status_code == 404
    assert client.post(reverse("programme:training_cancel", args=[course.pk]), {"reason": "x"}).status_code == 404


def test_son_la_is_refused_and_sees_nothing_of_dien_bien(
    province_officer, other_province_officer, course_values, client
):
    course = services.create_course(actor=province_officer, **course_values())
    with pytest.raises(PermissionRefused):
        services.create_course(actor=other_province_officer, **course_values())
    with pytest.raises(PermissionRefused):
        services.cancel_course(actor=other_province_officer, course=course, reason="nhầm")
    client.force_login(other_province_officer)
    for name in ("training_detail", "training_edit"):
        assert client.get(reverse(f"programme:{name}", args=[course.pk])).status_code == 404
    response = client.get(reverse("programme:training_list"))
    assert response.status_code == 200 and course.title not in response.content.decode()
    assert TrainingCourse.objects.count() == 1


def test_producer_and_council_cannot_record(producer, council_member, course_values, client):
    with pytest.raises(PermissionRefused):
        services.create_course(actor=producer, **course_values())
    client.force_login(producer)
    assert client.get(reverse("programme:training_create")).status_code == 403
    client.force_login(council_member)
    assert client.get(reverse("programme:training_list")).status_code == 403


# --- courses: validation; a failed write leaves nothing -----------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"participants_women": 121}, "participants_women"),
        ({"participants_ethnic_minority": 500}, "participants_ethnic_minority"),
        ({"participants": -1}, "participants"),
        ({"end_date": DAY - datetime.timedelta(days=1)}, "end_date"),
        ({"cost": -5}, "cost"),
        ({"cost": 10**15 + 1}, "cost"),
        ({"audience": ["aliens"]}, "audience"),
        ({"start_date": datetime.date(2017, 5, 1), "end_date": datetime.date(2017, 5, 1)}, "start_date"),
    ],
)
def test_invalid_course_is_refused_on_its_field_and_leaves_nothing(province_officer, course_values, changes, field):
    with pytest.raises(DomainError) as caught:
        services.create_course(actor=province_officer, **course_values(**changes))
    assert caught.value.field == field
    assert not TrainingCourse.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="programme.training").exists()


def test_area_and_communes_must_lie_in_the_province(province_officer, course_values, unit):
    with pytest.raises(DomainError) as caught:
        services.create_course(actor=province_officer, **course_values(area=unit("2025:03724")))
    assert caught.value.field == "area"
    with pytest.raises(DomainError) as caught:
        services.create_course(actor=province_officer, communes=[unit("2025:03724")], **course_values())
    assert caught.value.field == "communes"
    assert not TrainingCourse.objects.exists()
    # an old-scheme district of the province is a valid organiser (seed 004: a district's conference)
    old_district = unit("pre2025:03322").district
    course = services.create_course(
        actor=province_officer, communes=[unit("pre2025:03322")], **course_values(area=old_district)
    )
    assert course.area == old_district


def test_update_that_fails_leaves_the_course_unchanged(province_officer, course_values, unit):
    course = services.create_course(actor=province_officer, communes=[unit("2025:03328")], **course_values())
    with pytest.raises(DomainError):
        services.update_course(actor=province_officer, course=course, participants=10, communes=[unit("2025:03724")])
    course.refresh_from_db()
    assert course.participants == 120
    assert list(course.communes.all()) == [unit("2025:03328")]
    assert not AuditEntry.objects.filter(action="programme.training.updated").exists()


def test_cancel_needs_a_reason_and_is_final(province_officer, course_values):
    course = services.create_course(actor=province_officer, **course_values())
    with pytest.raises(DomainError):
        services.cancel_course(actor=province_officer, course=course, reason="  ")
    services.cancel_course(actor=province_officer, course=course, reason="Mưa lũ")
    course.refresh_from_db()
    assert course.is_cancelled and course.cancel_reason == "Mưa lũ"
    with pytest.raises(DomainError):
        services.update_course(actor=province_officer, course=course, participants=3)
    assert AuditEntry.objects.filter(action="programme.training.cancelled").count() == 1


# --- course pages ---------------------------------------------------------------------------------------------------


def test_create_page_records_a_course_and_shows_errors_where_they_are(province_officer, client, unit):
    client.force_login(province_officer)
    url = reverse("programme:training_create")
    assert client.get(url).status_code == 200
    data = {
        "title": "Hội nghị giới thiệu OCOP",
        "kind": "conference",
        "organiser": "UBND tỉnh",
        "province": unit("2025:11").pk,
        "area": "",
        "place": "Hội trường",
        "start_date": "2026-04-02",
        "end_date": "2026-04-02",
        "audience": ["agencies", "enterprises"],
        "communes": [unit("2025:03328").pk],
        "participants": "80",
        "participants_women": "90",
        "participants_ethnic_minority": "10",
        "cost": "",
        "funding_source": "",
        "note": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Số người nữ không được lớn hơn số người tham dự." in response.content.decode()
    assert not TrainingCourse.objects.exists()
    data["participants_women"] = "30"
    response = client.post(url, data)
    course = TrainingCourse.objects.get()
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert course.audience == ["agencies", "enterprises"]
    assert list(course.communes.all()) == [unit("2025:03328")]
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Xã Thanh Nưa" in page and "Doanh nghiệp" in page


def test_edit_and_cancel_pages(province_officer, client, course_values, unit):
    course = services.create_course(actor=province_officer, **course_values())
    client.force_login(province_officer)
    url = reverse("programme:training_edit", args=[course.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(province=unit("2025:11").pk, area="", start_date="2026-03-10", end_date="2026-03-11", participants=99)
    data["audience"] = ["households"]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    course.refresh_from_db()
    assert course.participants == 99 and course.audience == ["households"]
    response = client.post(reverse("programme:training_cancel", args=[course.pk]), {"reason": ""})
    assert response.status_code == 302
    course.refresh_from_db()
    assert not course.is_cancelled
    client.post(reverse("programme:training_cancel", args=[course.pk]), {"reason": "Hoãn"})
    course.refresh_from_db()
    assert course.is_cancelled


def test_course_list_queries_do_not_grow_with_rows(
    province_officer, client, course_values, unit, django_assert_max_num_queries
):
    client.force_login(province_officer)
    services.create_course(actor=province_officer, communes=[unit("2025:03328")], **course_values())
    client.get(reverse("programme:training_list"))  # warm caches (session, scope)
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("programme:training_list"))
    for n in range(15):
        services.create_course(
            actor=province_officer,
            communes=[unit("2025:03328"), unit("2025:03334")],
            **course_values(title=f"Lớp {n}", area=unit("2025:03334")),
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("programme:training_list"))
    assert response.content.decode().count('href="/programme/training/') >= 16


def test_commune_officer_sees_their_communes_courses_not_the_others(
    province_officer, commune_officer, course_values, unit, client
):
    attended = services.create_course(
        actor=province_officer, communes=[unit("2025:03328")], **course_values(title="Có Thanh Nưa")
    )
    services.create_course(actor=province_officer, communes=[unit("2025:03334")], **course_values(title="Xã khác"))
    client.force_login(commune_officer)
    page = client.get(reverse("programme:training_list")).content.decode()
    assert attended.title in page and "Xã khác" not in page


# --- campaigns ------------------------------------------------------------------------------------------------------


def test_campaign_create_update_cancel_are_audited(province_officer, campaign_values):
    campaign = services.create_campaign(actor=province_officer, **campaign_values())
    services.update_campaign(actor=province_officer, campaign=campaign, reach=60_000)
    services.cancel_campaign(actor=province_officer, campaign=campaign, reason="Trùng lịch")
    actions = list(
        AuditEntry.objects.filter(object_id=str(campaign.pk), action__startswith="programme.campaign")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["programme.campaign.created", "programme.campaign.updated", "programme.campaign.cancelled"]


def test_campaign_scope_and_validation(
    commune_officer, other_province_officer, campaign_values, unit, client, province_officer
):
    own = services.create_campaign(actor=commune_officer, **campaign_values(area=unit("2025:03328")))
    with pytest.raises(PermissionRefused):
        services.create_campaign(actor=commune_officer, **campaign_values())
    with pytest.raises(DomainError) as caught:
        services.create_campaign(actor=province_officer, **campaign_values(reach=-3))
    assert caught.value.field == "reach"
    assert CommunicationCampaign.objects.count() == 1
    client.force_login(other_province_officer)
    assert client.get(reverse("programme:campaign_detail", args=[own.pk])).status_code == 404
    client.force_login(commune_officer)
    assert client.get(reverse("programme:campaign_edit", args=[own.pk])).status_code == 200


def test_campaign_pages(province_officer, client, unit):
    client.force_login(province_officer)
    response = client.post(
        reverse("programme:campaign_create"),
        {
            "title": "Tờ rơi OCOP",
            "channel": "print",
            "organiser": "Sở Nông nghiệp",
            "province": unit("2025:11").pk,
            "area": "2025:03328",
            "start_date": "2026-05-01",
            "end_date": "2026-05-30",
            "audience": ["households"],
            "reach": "3000",
            "items": "",
            "note": "",
        },
    )
    campaign = CommunicationCampaign.objects.get()
    assert response.status_code == 302 and campaign.area == unit("2025:03328") and campaign.items is None
    assert "Tờ rơi OCOP" in client.get(reverse("programme:campaign_list")).content.decode()
    assert client.get(campaign.get_absolute_url()).status_code == 200


# --- honours --------------------------------------------------------------------------------------------------------


def test_province_officer_honours_products_and_producers_of_their_province(province_officer, goods, unit):
    province = unit("2025:11")
    product_honour = services.create_honour(
        actor=province_officer,
        province=province,
        year=2026,
        kind="product",
        product=goods["rice"],
        producer=None,
        title="Sản phẩm OCOP tiêu biểu",
        decision_no="12/QĐ-UBND",
        decision_date=datetime.date(2026, 12, 1),
        citation="",
    )
    assert AuditEntry.objects.filter(action="programme.honour.created", object_id=str(product_honour.pk)).exists()
    with pytest.raises(DomainError) as caught:  # the honouree must lie in the province
        services.create_honour(
            actor=province_officer, province=province, year=2026, kind="product", product=goods["coffee"], title="X"
        )
    assert caught.value.field == "product"
    with pytest.raises(DomainError):  # a producer honour names a producer, not a product
        services.create_honour(
            actor=province_officer, province=province, year=2026, kind="producer", product=goods["rice"], title="X"
        )
    with pytest.raises(DomainError):  # not both
        services.create_honour(
            actor=province_officer,
            province=province,
            year=2026,
            kind="other",
            product=goods["rice"],
            producer=goods["own"],
            title="X",
        )
    with pytest.raises(DomainError) as caught:
        services.create_honour(
            actor=province_officer, province=province, year=2017, kind="producer", producer=goods["own"], title="X"
        )
    assert caught.value.field == "year"
    assert Honour.objects.count() == 1


def test_only_province_officers_record_honours(commune_officer, other_province_officer, goods, unit):
    for actor in (commune_officer, other_province_officer):
        with pytest.raises(PermissionRefused):
            services.create_honour(
                actor=actor, province=unit("2025:11"), year=2026, kind="producer", producer=goods["own"], title="X"
            )
    assert not Honour.objects.exists()


def test_old_scheme_honouree_lies_in_the_2025_province(province_officer, unit):
    old = create_producer(actor=None, name="HTX cũ", producer_type="htx", location=unit("pre2025:03322"))
    honour = services.create_honour(
        actor=province_officer, province=unit("2025:11"), year=2024, kind="producer", producer=old, title="Tiêu biểu"
    )
    assert honour.producer == old


def test_honour_pages_edit_delete_and_product_slot(province_officer, other_province_officer, goods, unit, client):
    honour = services.create_honour(
        actor=province_officer,
        province=unit("2025:11"),
        year=2025,
        kind="producer",
        producer=goods["own"],
        title="Chủ thể OCOP tiêu biểu",
    )
    client.force_login(province_officer)
    page = client.get(reverse("programme:honour_list"), {"year": 2025}).content.decode()
    assert "Chủ thể OCOP tiêu biểu" in page
    assert "Chủ thể OCOP tiêu biểu" not in client.get(reverse("programme:honour_list"), {"year": 2024}).content.decode()
    slot = client.get(reverse("programme:product_honours", args=[goods["rice"].pk])).content.decode()
    assert "Chủ thể OCOP tiêu biểu" in slot  # the producer's honour shows on its product
    response = client.post(
        reverse("programme:honour_edit", args=[honour.pk]),
        {
            "province": unit("2025:11").pk,
            "year": 2025,
            "kind": "producer",
            "producer": goods["own"].pk,
            "product": "",
            "title": "Chủ thể OCOP xuất sắc",
            "decision_no": "",
            "decision_date": "",
            "citation": "",
        },
    )
    assert response.status_code == 302
    honour.refresh_from_db()
    assert honour.title == "Chủ thể OCOP xuất sắc"
    client.force_login(other_province_officer)
    assert client.get(reverse("programme:honour_edit", args=[honour.pk])).status_code == 404
    assert client.post(reverse("programme:honour_delete", args=[honour.pk])).status_code == 404
    assert client.get(reverse("programme:product_honours", args=[goods["rice"].pk])).status_code == 404
    assert "xuất sắc" not in client.get(reverse("programme:honour_list")).content.decode()
    client.force_login(province_officer)
    client.post(reverse("programme:honour_delete", args=[honour.pk]))
    assert not Honour.objects.exists()
    assert AuditEntry.objects.filter(action="programme.honour.deleted", object_id=str(honour.pk)).exists()


def test_honour_list_needs_a_login(client):
    response = client.get(reverse("programme:honour_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_honour_list_queries_do_not_grow(province_officer, goods, unit, client, django_assert_max_num_queries):
    def honour(n):
        services.create_honour(
            actor=province_officer,
            province=unit("2025:11"),
            year=2026,
            kind="product" if n % 2 else "producer",
            product=goods["rice"] if n % 2 else None,
            producer=None if n % 2 else goods["own"],
            title=f"Tiêu biểu {n}",
        )

    honour(0)
    client.force_login(province_officer)
    client.get(reverse("programme:honour_list"))
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("programme:honour_list"))
    for n in range(1, 12):
        honour(n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("programme:honour_list")).content.decode()
    assert page.count("Tiêu biểu ") == 12


# --- API ------------------------------------------------------------------------------------------------------------


def _api_body(**changes):
    body = {
        "title": "Tập huấn xây dựng hồ sơ OCOP",
        "kind": "training",
        "organiser": "Sở Nông nghiệp và Môi trường",
        "province": "2025:11",
        "place": "Thành phố Điện Biên Phủ",
        "start_date": "2026-06-01",
        "end_date": "2026-06-02",
        "audience": ["producers"],
        "communes": ["2025:03328"],
        "participants": 40,
        "participants_women": 20,
        "participants_ethnic_minority": 25,
        "cost": 8000000,
    }
    body.update(changes)
    return body


def test_api_creates_lists_and_reads_courses(province_officer, other_province_officer, client):
    client.force_login(province_officer)
    response = client.post("/api/v1/programme/training-courses", _api_body(), content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["communes"] == [{"id": "2025:03328", "name": "Xã Thanh Nưa"}] and created["cost"] == 8000000
    listed = client.get("/api/v1/programme/training-courses", {"year": 2026}).json()
    assert [c["id"] for c in listed["items"]] == [created["id"]]
    assert client.get("/api/v1/programme/training-courses", {"year": 2025}).json()["items"] == []
    assert client.get(f"/api/v1/programme/training-courses/{created['id']}").json()["participants"] == 40
    client.force_login(other_province_officer)
    assert client.get(f"/api/v1/programme/training-courses/{created['id']}").status_code == 404
    assert client.get("/api/v1/programme/training-courses").json()["items"] == []


def test_api_refusals_name_the_field_and_leave_nothing(province_officer, producer, client):
    client.force_login(province_officer)
    post = lambda body: client.post("/api/v1/programme/training-courses", body, content_type="application/json")  # noqa: E731
    response = post(_api_body(participants_women=41))
    assert response.status_code == 400 and response.json()["field"] == "participants_women"
    response = post(_api_body(communes=["2025:99999"]))
    assert response.status_code == 400 and response.json()["field"] == "communes"
    response = post(_api_body(province="2025:14"))
    assert response.status_code == 403
    assert post({"title": "x"}).status_code == 400
    client.force_login(producer)
    assert post(_api_body()).status_code == 403
    assert not TrainingCourse.objects.exists()


def test_api_campaigns_honours_and_report(province_officer, campaign_values, goods, unit, client):
    services.create_campaign(actor=province_officer, **campaign_values())
    services.create_honour(
        actor=province_officer, province=unit("2025:11"), year=2025, kind="product", product=goods["rice"], title="A"
    )
    client.force_login(province_officer)
    campaigns = client.get("/api/v1/programme/campaigns", {"year": 2026}).json()["items"]
    assert [c["channel"] for c in campaigns] == ["television"]
    assert client.get("/api/v1/programme/honours", {"year": 2025}).json()["items"][0]["product_name"] == "Gạo Điện Biên"
    assert client.get("/api/v1/programme/honours", {"year": 2026}).json()["items"] == []
    report = client.get("/api/v1/programme/training-report", {"area": "2025:11", "year": 2026}).json()
    assert report["campaigns"] == {"campaigns": 1, "reach": 50000, "items": 12}
    assert report["by_channel"][0]["channel"] == "television"
    assert len(report["children"]) == 45  # Điện Biên's communes since 07/2025
    assert client.get("/api/v1/programme/training-report", {"area": "2025:xx", "year": 2026}).status_code == 400
    assert client.get("/api/v1/programme/training-report", {"year": 1990}).status_code == 400
