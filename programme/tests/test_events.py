"""Trade-promotion events: who may record them, producers' registration and the officer's decision, results."""

import datetime
import decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product
from programme import event_services as services
from programme.event_queries import events_attended, upcoming_public_events
from programme.models import Event, Participation, ParticipationStatus

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def event_values(unit, today):
    def values(**changes):
        data = {
            "name": "Hội chợ OCOP Điện Biên",
            "kind": "fair",
            "level": "province",
            "organiser": "Sở Công Thương",
            "start_date": today + D(10),
            "end_date": today + D(12),
            "place": "Quảng trường 7/5",
            "area": None,
            "province": unit("2025:11"),
            "description": "",
            "is_public": True,
        }
        data.update(changes)
        return data

    return values


@pytest.fixture
def farm(unit, producer):
    """A producer linked to the `producer` account, with two products, and a second producer with one."""
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    commune = unit("2025:03328")
    own = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=commune)
    own.accounts.add(producer)
    other = create_producer(actor=None, name="HTX Mường Phăng", producer_type="htx", location=commune)
    rice = create_product(actor=None, name="Gạo tám", producer=own, location=commune, group=group)
    tea = create_product(actor=None, name="Chè Tủa Chùa", producer=own, location=commune, group=group)
    honey = create_product(actor=None, name="Mật ong", producer=other, location=commune, group=group)
    return {"own": own, "other": other, "rice": rice, "tea": tea, "honey": honey}


# --- permissions --------------------------------------------------------------------------------------------


def test_province_officer_creates_an_event_with_an_audit_entry(province_officer, event_values):
    event = services.create_event(actor=province_officer, **event_values())
    assert AuditEntry.objects.filter(action="programme.event.created", object_id=str(event.pk)).exists()


def test_producer_cannot_create_an_event(producer, event_values, client):
    with pytest.raises(PermissionRefused):
        services.create_event(actor=producer, **event_values())
    client.force_login(producer)
    assert client.get(reverse("programme:event_create")).status_code == 403
    assert client.post(reverse("programme:event_create"), {"name": "x"}).status_code == 403
    assert not Event.objects.exists()


def test_officer_cannot_create_an_event_for_another_province(other_province_officer, event_values):
    with pytest.raises(PermissionRefused):
        services.create_event(actor=other_province_officer, **event_values())


def test_other_province_officer_gets_404_on_a_private_event_and_its_edit_pages(
    province_officer, other_province_officer, event_values, farm, client, today
):
    event = services.create_event(actor=province_officer, **event_values(is_public=False))
    part = services.add_participant(actor=province_officer, event=event, producer=farm["own"], products=[farm["rice"]])
    client.force_login(other_province_officer)
    for url in [
        reverse("programme:event_detail", args=[event.pk]),
        reverse("programme:event_edit", args=[event.pk]),
        reverse("programme:participant_add", args=[event.pk]),
        reverse("programme:participation_results", args=[part.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("programme:event_cancel", args=[event.pk]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("programme:participation_accept", args=[part.pk])).status_code == 404
    event.refresh_from_db()
    assert not event.is_cancelled


def test_other_province_officer_may_read_a_public_event_but_not_edit_it(
    province_officer, other_province_officer, event_values, client
):
    event = services.create_event(actor=province_officer, **event_values())
    client.force_login(other_province_officer)
    assert client.get(reverse("programme:event_detail", args=[event.pk])).status_code == 200
    assert client.get(reverse("programme:event_edit", args=[event.pk])).status_code == 404


def test_event_form_refuses_end_before_start_and_keeps_the_input(province_officer, client, today):
    client.force_login(province_officer)
    response = client.post(
        reverse("programme:event_create"),
        {
            "name": "Triển lãm nông sản",
            "kind": "exhibition",
            "level": "national",
            "organiser": "Bộ Công Thương",
            "start_date": (today + D(5)).isoformat(),
            "end_date": (today + D(3)).isoformat(),
            "place": "Hà Nội",
            "province": str(province_officer.memberships.get().area_id),
            "is_public": "on",
        },
    )
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    assert "Triển lãm nông sản" in response.content.decode()
    assert not Event.objects.exists()


def test_officer_creates_an_event_through_the_page(province_officer, client, today, unit):
    client.force_login(province_officer)
    response = client.post(
        reverse("programme:event_create"),
        {
            "name": "Livestream gạo tám",
            "kind": "livestream",
            "level": "province",
            "organiser": "Sở Công Thương",
            "start_date": today.isoformat(),
            "end_date": today.isoformat(),
            "place": "Trực tuyến",
            "province": str(unit("2025:11").pk),
            "is_public": "on",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert event.kind == "livestream" and event.province == unit("2025:11")


def test_cancelling_needs_a_reason_and_hides_the_event_from_upcoming(province_officer, event_values, today):
    event = services.create_event(actor=province_officer, **event_values())
    with pytest.raises(DomainError):
        services.cancel_event(actor=province_officer, event=event, reason="  ")
    assert upcoming_public_events(today=today) == [event]
    services.cancel_event(actor=province_officer, event=event, reason="Mưa bão")
    assert upcoming_public_events(today=today) == []


# --- registration and decision ---------------------------------------------------------------------------------


def test_producer_registers_interest_and_officer_accepts(province_officer, producer, event_values, farm, client):
    event = services.create_event(actor=province_officer, **event_values())
    client.force_login(producer)
    assert client.get(reverse("programme:event_detail", args=[event.pk])).status_code == 200
    response = client.post(
        reverse("programme:event_register", args=[event.pk]),
        {"producer": farm["own"].pk, "products": [farm["rice"].pk, farm["tea"].pk]},
    )
    assert response.status_code == 302
    part = Participation.objects.get()
    assert part.status == ParticipationStatus.REGISTERED
    assert set(part.products.all()) == {farm["rice"], farm["tea"]}
    assert AuditEntry.objects.filter(action="programme.participation.registered").count() == 1

    client.force_login(province_officer)
    client.post(reverse("programme:participation_accept", args=[part.pk]))
    part.refresh_from_db()
    assert part.status == ParticipationStatus.ACCEPTED
    assert AuditEntry.objects.filter(action="programme.participation.accepted").count() == 1
    assert events_attended([farm["rice"].pk, farm["honey"].pk]) == {farm["rice"].pk: [event]}


def test_producer_cannot_register_another_producers_product(province_officer, producer, event_values, farm):
    event = services.create_event(actor=province_officer, **event_values())
    with pytest.raises(DomainError) as refused:
        services.register_interest(actor=producer, event=event, producer=farm["own"], products=[farm["honey"]])
    assert "không thuộc chủ thể" in refused.value.message
    assert not Participation.objects.exists()


def test_producer_cannot_register_for_a_producer_they_do_not_represent(province_officer, producer, event_values, farm):
    event = services.create_event(actor=province_officer, **event_values())
    with pytest.raises(DomainError):
        services.register_interest(actor=producer, event=event, producer=farm["other"], products=[farm["honey"]])


def test_registration_closes_once_the_event_has_started(province_officer, producer, event_values, farm, today):
    event = services.create_event(actor=province_officer, **event_values(start_date=today - D(1)))
    with pytest.raises(DomainError) as refused:
        services.register_interest(actor=producer, event=event, producer=farm["own"], products=[farm["rice"]])
    assert "đã bắt đầu" in refused.value.message


def test_private_event_refuses_registration(province_officer, producer, event_values, farm, client):
    event = services.create_event(actor=province_officer, **event_values(is_public=False))
    client.force_login(producer)
    assert client.get(reverse("programme:event_register", args=[event.pk])).status_code == 404
    assert client.get(reverse("programme:event_detail", args=[event.pk])).status_code == 404


def test_declining_needs_a_reason_the_producer_sees(province_officer, producer, event_values, farm, client):
    event = services.create_event(actor=province_officer, **event_values())
    part = services.register_interest(actor=producer, event=event, producer=farm["own"], products=[farm["rice"]])
    with pytest.raises(DomainError):
        services.decline_participation(actor=province_officer, participation=part, reason="")
    services.decline_participation(actor=province_officer, participation=part, reason="Đủ gian hàng")
    part.refresh_from_db()
    assert part.status == ParticipationStatus.DECLINED
    client.force_login(producer)
    assert "Đủ gian hàng" in client.get(reverse("programme:event_detail", args=[event.pk])).content.decode()
    assert events_attended([farm["rice"].pk]) == {}


def test_registering_twice_is_refused(province_officer, producer, event_values, farm):
    event = services.create_event(actor=province_officer, **event_values())
    services.register_interest(actor=producer, event=event, producer=farm["own"], products=[farm["rice"]])
    with pytest.raises(DomainError):
        services.register_interest(actor=producer, event=event, producer=farm["own"], products=[farm["tea"]])


# --- results --------------------------------------------------------------------------------------------------


@pytest.fixture
def ended_participation(province_officer, event_values, farm, today):
    event = services.create_event(
        actor=province_officer, **event_values(start_date=today - D(5), end_date=today - D(3))
    )
    return services.add_participant(actor=province_officer, event=event, producer=farm["own"], products=[farm["rice"]])


def test_results_are_refused_before_the_event_ends(province_officer, event_values, farm, today):
    event = services.create_event(actor=province_officer, **event_values(start_date=today - D(1), end_date=today))
    part = services.add_participant(actor=province_officer, event=event, producer=farm["own"], products=[farm["rice"]])
    with pytest.raises(DomainError) as refused:
        services.record_results(
            actor=province_officer, participation=part, contracts_signed=1, sales_value=1000, new_buyers=1
        )
    assert "sau khi sự kiện kết thúc" in refused.value.message
    part.refresh_from_db()
    assert part.results_recorded_at is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"sales_value": -1}, "sales_value"),
        ({"sales_value": 10**16}, "sales_value"),
        ({"contracts_signed": -2}, "contracts_signed"),
        ({"new_buyers": 10**7}, "new_buyers"),
    ],
)
def test_results_out_of_bounds_are_refused_on_their_field(province_officer, ended_participation, values, field):
    data = {"contracts_signed": 1, "sales_value": 1000, "new_buyers": 1} | values
    with pytest.raises(DomainError) as refused:
        services.record_results(actor=province_officer, participation=ended_participation, **data)
    assert refused.value.field == field


def test_results_recorded_after_the_end_are_kept_and_audited(province_officer, ended_participation, client):
    client.force_login(province_officer)
    url = reverse("programme:participation_results", args=[ended_participation.pk])
    bad = client.post(url, {"contracts_signed": "3", "sales_value": "-5", "new_buyers": "2"})
    assert bad.status_code == 200 and 'value="3"' in bad.content.decode()
    assert client.post(url, {"contracts_signed": "3", "sales_value": "125000000", "new_buyers": "2"}).status_code == 302
    ended_participation.refresh_from_db()
    assert ended_participation.contracts_signed == 3
    assert ended_participation.sales_value == decimal.Decimal(125_000_000)
    assert AuditEntry.objects.filter(action="programme.participation.results_recorded").count() == 1


def test_results_of_a_declined_registration_are_refused(province_officer, producer, event_values, farm, today):
    event = services.create_event(actor=province_officer, **event_values())
    part = services.register_interest(actor=producer, event=event, producer=farm["own"], products=[farm["rice"]])
    services.decline_participation(actor=province_officer, participation=part, reason="Đủ gian hàng")
    with pytest.raises(DomainError):
        services.record_results(
            actor=province_officer,
            participation=part,
            contracts_signed=1,
            sales_value=1,
            new_buyers=1,
            today=today + D(30),
        )


def test_producer_cannot_record_results(producer, ended_participation):
    with pytest.raises(PermissionRefused):
        services.record_results(
            actor=producer, participation=ended_participation, contracts_signed=1, sales_value=1, new_buyers=1
        )


# --- lists ---------------------------------------------------------------------------------------------------


def test_upcoming_public_events_of_a_province_and_of_the_nation(
    province_officer, other_province_officer, event_values, unit, today
):
    here = services.create_event(actor=province_officer, **event_values(name="Ở đây"))
    there = services.create_event(
        actor=other_province_officer, **event_values(name="Ở Sơn La", province=unit("2025:14"), start_date=today + D(1))
    )
    services.create_event(actor=province_officer, **event_values(name="Kín", is_public=False))
    services.create_event(
        actor=province_officer, **event_values(name="Đã qua", start_date=today - D(5), end_date=today - D(1))
    )
    assert upcoming_public_events(today=today) == [there, here]
    assert upcoming_public_events(today=today, province=unit("2025:11")) == [here]
    assert upcoming_public_events(today=today, limit=1) == [there]


def test_event_list_runs_constant_queries(province_officer, event_values, farm, client, django_assert_num_queries):
    client.force_login(province_officer)
    url = reverse("programme:event_list")
    event = services.create_event(actor=province_officer, **event_values())
    services.add_participant(actor=province_officer, event=event, producer=farm["own"], products=[farm["rice"]])
    client.get(url)  # warm the session and the scope
    queries = _count_queries(client, url)
    for n in range(4):
        extra = services.create_event(actor=province_officer, **event_values(name=f"Hội chợ {n}"))
        services.add_participant(actor=province_officer, event=extra, producer=farm["other"], products=[farm["honey"]])
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.content.decode().count("Hội chợ") >= 5


def test_events_attended_runs_one_query(province_officer, event_values, farm, django_assert_num_queries, today):
    events = []
    for n in range(3):
        event = services.create_event(
            actor=province_officer,
            **event_values(name=f"Sự kiện {n}", start_date=today - D(30 - n), end_date=today - D(29 - n)),
        )
        services.add_participant(
            actor=province_officer, event=event, producer=farm["own"], products=[farm["rice"], farm["tea"]]
        )
        events.append(event)
    with django_assert_num_queries(1):
        found = events_attended([farm["rice"].pk, farm["tea"].pk, farm["honey"].pk])
    assert found == {farm["rice"].pk: events[::-1], farm["tea"].pk: events[::-1]}


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def test_editing_an_event_keeps_its_place_unit_and_records_the_change(province_officer, event_values, unit, client):
    event = services.create_event(actor=province_officer, **event_values(area=unit("2025:03328")))
    client.force_login(province_officer)
    url = reverse("programme:event_edit", args=[event.pk])
    page = client.get(url)
    assert "[2025:03328]" in page.content.decode()  # the picker shows the unit, ready to post back
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["area"] = "2025:03328"
    data["is_public"] = "on"
    data["name"] = "Hội chợ OCOP mở rộng"
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.name == "Hội chợ OCOP mở rộng" and event.area == unit("2025:03328")
    entry = AuditEntry.objects.get(action="programme.event.updated")
    assert entry.before["name"] == "Hội chợ OCOP Điện Biên" and entry.after["name"] == "Hội chợ OCOP mở rộng"
