"""The assessment form with indicators: threshold of the commune's group, value, note and evidence file per
indicator, uploads checked, locks and scope respected, downloads only in scope (issue 18)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from ntm import services
from ntm.models import Assessment, CriteriaSet, IndicatorValue
from ntm.tests.indicator_helpers import assessment_for, ind, load_group_set

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(tmp_path):
    s = load_group_set(tmp_path)
    return s, assessment_for(s, group=3)


def _post(client, assessment, extra=None, **files):
    data = {"version": assessment.version, "met_tc3": "on", "note": "", **(extra or {})}
    data.update(files)
    return client.post(reverse("ntm:assessment", args=[assessment.pk]), data)


def test_the_form_shows_each_indicator_with_its_groups_threshold(client, commune_officer, world):
    s, a = world
    client.force_login(commune_officer)
    html = client.get(reverse("ntm:assessment", args=[a.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in html
    i11 = ind(s, "1.1")
    block = html[html.index(f'data-testid="indicator-{i11.pk}"') :]
    block = block[: block.index("</li>")]
    assert "Ngưỡng đạt: ≥ 80%" in block and "≥ 95%" not in block  # group 3's threshold only
    assert f'name="indicator_{i11.pk}"' in block and f'name="indicator_note_{i11.pk}"' in block
    assert f'name="indicator_file_{i11.pk}"' in block and 'type="file"' in block
    assert "Tự xét: đạt khi ít nhất 1 chỉ tiêu đạt" in html  # tc2's rule
    assert 'data-testid="group-missing"' not in html and 'data-testid="missing-texts"' not in html


def test_saving_a_value_and_a_file_shows_the_result_and_the_file(client, commune_officer, province_officer, world):
    s, a = world
    i11 = ind(s, "1.1")
    client.force_login(commune_officer)
    response = _post(
        client,
        a,
        {f"indicator_{i11.pk}": "85,5", f"indicator_note_{i11.pk}": "Theo báo cáo của trạm"},
        **{f"indicator_file_{i11.pk}": pdf()},
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(assessment=a, indicator=i11)
    assert (value.value, value.note, value.met) == ("85,5", "Theo báo cáo của trạm", True)
    assert (value.evidence_name, value.evidence_type, value.evidence_size) == (
        "bien-ban.pdf",
        "application/pdf",
        len(PDF),
    )
    assert "bien-ban" not in value.evidence.name  # the stored name is ours
    a.refresh_from_db()
    assert a.results.get(criterion__code="tc1").met is True and a.criteria_met == 2  # tc1 by indicators, tc3 ticked
    assert AuditEntry.objects.filter(action="ntm.indicator.evidence_added", object_id=str(a.pk)).count() == 1
    html = client.get(reverse("ntm:assessment", args=[a.pk])).content.decode()
    assert "bien-ban.pdf" in html and 'data-testid="indicator-result">Đạt<' in html
    url = reverse("ntm:indicator_evidence", args=[a.pk, i11.pk])
    assert url in html
    # the province officer of the commune's province downloads it, as an attachment
    client.force_login(province_officer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]


def test_downloads_are_scoped(client, commune_officer, other_commune_officer, other_province_officer, world, producer):
    s, a = world
    i11 = ind(s, "1.1")
    services.attach_indicator_evidence(actor=commune_officer, assessment=a, indicator=i11, upload=pdf())
    url = reverse("ntm:indicator_evidence", args=[a.pk, i11.pk])
    for user, status in ((other_commune_officer, 404), (other_province_officer, 404), (producer, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(commune_officer)
    assert client.get(reverse("ntm:indicator_evidence", args=[a.pk, ind(s, "2.1").pk])).status_code == 404  # no file


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "không đúng loại được nhận"),
        ("anh.pdf", b"not a pdf at all", "không phải là PDF"),
        ("rong.pdf", b"", "rỗng"),  # Django's own refusal of an empty upload
    ],
)
def test_a_bad_file_is_refused_with_its_indicator_and_nothing_is_stored(
    client, commune_officer, world, name, content, message
):
    s, a = world
    i11 = ind(s, "1.1")
    client.force_login(commune_officer)
    response = _post(
        client,
        a,
        {f"indicator_{i11.pk}": "90", f"indicator_note_{i11.pk}": "ghi chú"},
        **{f"indicator_file_{i11.pk}": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    errors = re.findall(r'data-testid="file-error">([^<]*)<', html)
    assert errors and message in errors[0]
    assert "1.1" in errors[0] or not content  # the service names the indicator; Django refuses an empty file first
    a.refresh_from_db()
    assert not IndicatorValue.objects.filter(assessment=a).exists() and a.version == 1
    assert not a.results.filter(met=True).exists()
    assert 'value="90"' in html  # what was typed is still in the form


def test_a_locked_or_submitted_assessment_refuses_values_and_files(client, commune_officer, province_officer, world):
    s, a = world
    i11 = ind(s, "1.1")
    services.submit_assessment(actor=commune_officer, assessment=a)
    with pytest.raises(DomainError) as exc:
        services.attach_indicator_evidence(actor=commune_officer, assessment=a, indicator=i11, upload=pdf())
    assert exc.value.code == "submitted"
    services.approve_assessment(actor=province_officer, assessment=a)
    with pytest.raises(DomainError) as exc:
        services.attach_indicator_evidence(actor=commune_officer, assessment=a, indicator=i11, upload=pdf())
    assert exc.value.code == "locked"
    client.force_login(commune_officer)
    response = _post(client, a, {f"indicator_{i11.pk}": "99"}, **{f"indicator_file_{i11.pk}": pdf()})
    assert response.status_code == 302
    assert not IndicatorValue.objects.filter(assessment=a).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Đã khóa" in page and 'type="file"' not in page


def test_another_communes_officer_cannot_post_or_attach(client, other_commune_officer, world):
    s, a = world
    i11 = ind(s, "1.1")
    client.force_login(other_commune_officer)
    response = _post(client, a, {f"indicator_{i11.pk}": "99"}, **{f"indicator_file_{i11.pk}": pdf()})
    assert response.status_code == 404
    with pytest.raises(PermissionRefused):
        services.attach_indicator_evidence(actor=other_commune_officer, assessment=a, indicator=i11, upload=pdf())
    assert not IndicatorValue.objects.exists()


def test_removing_the_file_keeps_the_value(client, commune_officer, province_officer, world):
    s, a = world
    i11 = ind(s, "1.1")
    client.force_login(commune_officer)
    _post(client, a, {f"indicator_{i11.pk}": "81"}, **{f"indicator_file_{i11.pk}": pdf()})
    a.refresh_from_db()
    url = reverse("ntm:indicator_evidence_remove", args=[a.pk, i11.pk])
    client.force_login(province_officer)  # reads it, may not change the commune's form
    assert client.post(url).status_code == 403
    client.force_login(commune_officer)
    assert 'data-testid="evidence-remove"' in client.get(a.get_absolute_url()).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    value = IndicatorValue.objects.get(assessment=a, indicator=i11)
    assert not value.evidence and value.evidence_name == "" and value.value == "81"
    entry = AuditEntry.objects.get(action="ntm.indicator.evidence_removed", object_id=str(a.pk))
    assert entry.before["name"] == "bien-ban.pdf"
    # nothing left to remove: the download and the removal answer 404
    assert client.post(url).status_code == 404


def test_replacing_a_file_keeps_one(commune_officer, world):
    s, a = world
    i11 = ind(s, "1.1")
    services.attach_indicator_evidence(actor=commune_officer, assessment=a, indicator=i11, upload=pdf("a.pdf"))
    value = services.attach_indicator_evidence(actor=commune_officer, assessment=a, indicator=i11, upload=pdf("b.pdf"))
    assert value.evidence_name == "b.pdf" and IndicatorValue.objects.filter(assessment=a).count() == 1
    assert Assessment.objects.get(pk=a.pk).version == 3


def test_without_a_group_the_form_says_so_and_shows_every_groups_threshold(client, commune_officer, tmp_path):
    s = load_group_set(tmp_path)
    a = assessment_for(s, group=None)
    client.force_login(commune_officer)
    html = client.get(reverse("ntm:assessment", args=[a.pk])).content.decode()
    assert 'data-testid="group-missing"' in html and "Xã chưa được xếp nhóm" in html
    assert "Ngưỡng đạt: Nhóm 1: ≥ 95% · Nhóm 3: ≥ 80%" in html


def test_a_set_without_indicators_says_which_texts_are_missing(client, commune_officer, unit):
    a, _created = services.start_assessment(actor=commune_officer, commune=unit("2025:03328"), year=2026)
    client.force_login(commune_officer)
    html = client.get(reverse("ntm:assessment", args=[a.pk])).content.decode()
    assert 'data-testid="missing-texts"' in html
    assert "Chưa nạp chỉ tiêu của bộ tiêu chí:" in html and "51/2025/QĐ-TTg" in html
    assert CriteriaSet.objects.get(code="ntm-2026").missing_texts.startswith("47 chỉ tiêu")


def test_the_page_reads_in_the_same_number_of_queries_for_one_or_many_indicators(client, commune_officer, tmp_path):
    from ntm.models import Indicator

    s = load_group_set(tmp_path)
    a = assessment_for(s, group=1)
    client.force_login(commune_officer)
    url = reverse("ntm:assessment", args=[a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    criterion = s.criteria.get(code="tc3")
    for n in range(5):
        Indicator.objects.create(criterion=criterion, code=f"3.{n}", name=f"Chỉ tiêu {n}", thresholds={"all": "≥ 1"})
    services.save_assessment(
        actor=commune_officer,
        assessment=a,
        results={},
        indicator_values={i.pk: "2" for i in Indicator.objects.filter(criterion=criterion)},
    )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count('data-testid="indicator-result"') == 5
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_pages_show_no_code_names(client, commune_officer, world):
    s, a = world
    client.force_login(commune_officer)
    html = client.get(reverse("ntm:assessment", args=[a.pk])).content.decode()
    for raw in ("indicators", "manual", "None", "not-met", "unjudged"):
        assert re.search(rf">[^<]*\b{raw}\b[^<]*<", html) is None, raw
