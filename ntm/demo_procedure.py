"""Demo of the NTM recognition procedure (issue 18): two requests of Điện Biên communes for the demo's year, entered
through the services by the demo accounts (accounts.demo.load_demo_users), after the NTM demo (ntm.demo.load_demo_ntm)
and its assessments. Idempotent: a request already recorded for the commune, year and level is left as it is. No
decision is invented: neither request reaches the province's decision.

- Xã Núa Ngam (2025:03358, xa.nuangam), đạt chuẩn: the dossier was submitted, the province (tinh.dienbien) passed
  every criterion but the first, returned with a reason: waiting on the commune (it answers and submits again).
  (Xã Thanh Yên, xa.thanhyen's commune, cannot register đạt chuẩn: it holds that level, inherited from its three
  predecessor communes; Núa Ngam holds only "cơ bản đạt chuẩn", so đạt chuẩn is its next level.)
- Xã Mường Nhà (2025:03368, xa.muongnha), đạt chuẩn: submitted, waiting on the province's appraisal team.
Both use the national basic set of the year (ntm-2026 from 2026: its 10 criteria).
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from areas.queries import get_unit
from ntm import procedure_services as ps
from ntm.choices import AppraisalVerdict

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PROVINCE_OFFICER = "tinh.dienbien"
RETURN_REASON = "Minh chứng chưa đủ: bổ sung văn bản phê duyệt và số liệu cả năm (dữ liệu minh họa)."

# (commune, commune officer, target level, what happens after the submission)
REQUESTS = [
    ("2025:03358", "xa.nuangam", "dat-chuan", "returned"),
    ("2025:03368", "xa.muongnha", "dat-chuan", "submitted"),
]


def _pdf(name: str):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def load_demo_procedure() -> dict[str, int]:
    """The requests above, through the services; returns the states created (empty on a reload)."""
    from accounts.demo import demo_day
    from accounts.models import User
    from ntm.models import RecognitionRequest

    year = demo_day().year
    users = {u.username: u for u in User.objects.filter(username__in={r[1] for r in REQUESTS} | {PROVINCE_OFFICER})}
    province = users[PROVINCE_OFFICER]
    created: dict[str, int] = {}
    with transaction.atomic():
        for commune_id, username, level, state in REQUESTS:
            commune, officer = get_unit(commune_id), users[username]
            if RecognitionRequest.objects.filter(commune=commune, year=year, target_level=level).exists():
                continue
            request = ps.register(actor=officer, commune=commune, year=year, target_level=level)
            ps.save_dossier(
                actor=officer,
                request=request,
                self_assessment=(
                    f"Báo cáo kết quả tự đánh giá xây dựng nông thôn mới năm {year} của {commune.name}: xã tự đánh "
                    "giá đạt tất cả tiêu chí của bộ tiêu chí (dữ liệu minh họa)."
                ),
            )
            ps.add_document(actor=officer, request=request, upload=_pdf("to-trinh.pdf"), title="Tờ trình đề nghị")
            ps.add_document(
                actor=officer, request=request, upload=_pdf("bao-cao-tu-danh-gia.pdf"), title="Báo cáo tự đánh giá"
            )
            ps.submit(actor=officer, request=request)
            if state == "returned":
                appraisals = list(request.appraisals.select_related("criterion").order_by("criterion__number"))
                for n, appraisal in enumerate(appraisals):
                    ps.appraise_criterion(
                        actor=province,
                        request=request,
                        criterion=appraisal.criterion,
                        verdict=AppraisalVerdict.RETURNED if n == 0 else AppraisalVerdict.PASSED,
                        reason=RETURN_REASON if n == 0 else "",
                    )
                ps.return_request(actor=province, request=request)
            created[state] = created.get(state, 0) + 1
    return created
