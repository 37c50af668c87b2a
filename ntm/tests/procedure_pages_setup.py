"""Test state for the recognition procedure pages, the matrix rows and the browser test (issue 18): a commune
nâng cao set of a province with three test criteria, a commune holding đạt chuẩn, a PDF to upload."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from ntm.choices import Issuer, SetKind, SetLevel
from ntm.models import CriteriaSet, Criterion

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CRITERIA = ("Thu nhập bình quân đầu người", "Môi trường và cảnh quan", "Chuyển đổi số")


def nang_cao_set(province, code="nc-thu", valid_from=datetime.date(2021, 1, 1)) -> CriteriaSet:
    """A province's commune nâng cao set in force from `valid_from`, with three test criteria."""
    criteria_set = CriteriaSet.objects.create(
        code=code,
        title=f"Bộ tiêu chí xã nông thôn mới nâng cao thử nghiệm {code}",
        kind=SetKind.COMMUNE,
        level=SetLevel.ADVANCED,
        issuer=Issuer.PROVINCE,
        province=province,
        valid_from=valid_from,
    )
    for number, name in enumerate(CRITERIA, start=1):
        Criterion.objects.create(criteria_set=criteria_set, code=f"nc{number}", number=number, name=name)
    return criteria_set


def make_dat_chuan(commune, day=datetime.date(2025, 12, 1), decision_no="DC-THU/QĐ-UBND"):
    """The commune recognised đạt chuẩn on `day` (so nâng cao is its next level)."""
    from ntm.services import record_recognition

    recognition, _created = record_recognition(
        actor=None, commune=commune, level="dat-chuan", decision_no=decision_no, decision_date=day
    )
    return recognition


def pdf(name="bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
