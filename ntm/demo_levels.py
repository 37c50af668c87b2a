"""Demo data of the advanced level (issue 18), loaded by `load_demo` after the demo accounts.

Seed 003 (Điện Biên, 2020): "xã Thanh Hưng (huyện Điện Biên) mới đạt 14/16 tiêu chí theo Bộ tiêu chí xã nông thôn
mới nâng cao". The province's decision issuing that set is not in shared/criteria, so the demo set is count-only
(declared_criteria 16, no criterion names: none are invented) with illustrative dates, and Xã Thanh Hưng's 2020 result
is recorded as 14/16 and approved through the services. Idempotent.
"""

import datetime

from django.db import transaction

from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.text import fold
from ntm.choices import AssessmentStatus, Issuer, SetKind, SetLevel

SET_CODE = "dienbien-nang-cao-minh-hoa"
SET_TITLE = "Bộ tiêu chí xã nông thôn mới nâng cao (tỉnh Điện Biên, minh họa)"
PROVINCE_ID = "pre2025:11"  # Tỉnh Điện Biên before the 2025 reform
DISTRICT_ID = "pre2025:100"  # Huyện Điện Biên
COMMUNE_NAME = "Thanh Hưng"
YEAR, MET, DECLARED = 2020, 14, 16
MISSING = (
    "Quyết định của UBND tỉnh Điện Biên ban hành Bộ tiêu chí xã nông thôn mới nâng cao (giai đoạn đến 2020) chưa được"
    " nạp: chỉ biết bộ có 16 tiêu chí (báo cáo năm 2020 của tỉnh)."
)
NOTE = (
    "Dữ liệu minh họa: ngày áp dụng 01/01/2020–31/12/2020 là giả định; số tiêu chí theo báo cáo năm 2020 của tỉnh"
    " Điện Biên (“xã Thanh Hưng mới đạt 14/16 tiêu chí”)."
)
PROVINCE_OFFICER = "tinh.dienbien"


def demo_set():
    """The illustrative count-only nâng cao set of Điện Biên (created or brought back to its demo values)."""
    from ntm.models import CriteriaSet

    criteria_set, _created = CriteriaSet.objects.update_or_create(
        code=SET_CODE,
        defaults={
            "title": SET_TITLE,
            "decision": "Minh họa: quyết định của UBND tỉnh Điện Biên (chưa nạp văn bản)",
            "kind": SetKind.COMMUNE,
            "level": SetLevel.ADVANCED,
            "issuer": Issuer.PROVINCE,
            "province": get_unit(PROVINCE_ID),
            "valid_from": datetime.date(2020, 1, 1),
            "valid_until": datetime.date(2021, 1, 1),
            "declared_criteria": DECLARED,
            "missing_texts": MISSING,
            "source": "ntm.demo_levels (dữ liệu minh họa)",
        },
    )
    return criteria_set


def thanh_hung():
    district = get_unit(DISTRICT_ID)
    return AdministrativeUnit.objects.get(
        scheme=Scheme.PRE2025, level=Level.COMMUNE, district=district, search_name__contains=fold(COMMUNE_NAME)
    )


def load_demo_levels() -> dict:
    """The set and Xã Thanh Hưng's 14/16 for 2020, approved by the province's demo officer (or the system when the
    demo accounts are missing). A result already approved is left as it is."""
    from accounts.models import User
    from ntm import level_services, services
    from ntm.models import Assessment

    officer = User.objects.filter(username=PROVINCE_OFFICER).first()
    with transaction.atomic():
        criteria_set = demo_set()
        commune = thanh_hung()
        assessment = Assessment.objects.filter(commune=commune, year=YEAR, criteria_set=criteria_set).first()
        if assessment is not None and assessment.status == AssessmentStatus.APPROVED:
            return {"set": criteria_set.code, "assessment": assessment.pk, "created": False}
        if assessment is None or assessment.status == AssessmentStatus.DRAFT:
            assessment = level_services.record_count(
                actor=officer,
                commune=commune,
                year=YEAR,
                criteria_set=criteria_set,
                criteria_met=MET,
                note=NOTE,
                submit=True,
                expected_version=assessment.version if assessment else None,
            )
        assessment = services.approve_assessment(actor=officer, assessment=assessment)
    return {"set": criteria_set.code, "assessment": assessment.pk, "created": True}
