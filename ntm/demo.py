"""NTM demo data for Điện Biên (`make setup` → `manage.py load_demo`): each rule of docs/ntm-rules.md on some page.

Everything goes in through the import and the services, as a province's spreadsheet and its officers would; running it
again changes nothing. Decision numbers start with "DEMO-": they are illustrations, not real decisions.

Where to look (year, area on the NTM dashboard; commune pages under /ntm/commune/<id>/):
- 2021, pre2025:100 Huyện Điện Biên (set ntm-2016): 19/21 communes with data (Xã Thanh Xương, Xã Na Ư: "chưa có số
  liệu"), three "cơ bản đạt chuẩn" decisions of 2020 (Mường Pồn, Hẹ Muông, Na Tông), Sam Mứn meeting all 19 without a
  decision (basically meeting by the computed rule).
- Nested levels: Xã Thanh Yên (pre2025:03346) đạt chuẩn 2019 then nâng cao 2023; Xã Pom Lót (pre2025:03356) nâng cao
  2024 with no đạt chuẩn on record: recorded with a warning, shown on its page.
- 2025, 2025:11 Tỉnh Điện Biên (set ntm-2021): Xã Thanh Yên (2025:03349) inherits đạt chuẩn from its three predecessors
  (one of them nâng cao: the lowest wins); Xã Núa Ngam (2025:03358) inherits "cơ bản đạt chuẩn" (two predecessors held
  only that); Xã Thanh An (2025:03352) is a partial merge (Sam Mứn was not recognised); Xã Mường Nhà (2025:03368) lost
  it because Mường Nhà's recognition was revoked on 15/05/2025; Xã Thanh Nưa (2025:03328) has the province's "thừa
  nhận" decision of 20/10/2025, which replaces the inherited level.

Assessments being worked on, entered by the communes' officers and handled by the province office through the
services, for the demo's year (accounts.demo.demo_day: the year the demo was first loaded) and the year before, on
the set each year uses (/ntm/, the commune pages and each officer's to-do list):
- this year: Xã Thanh Yên draft (partly filled, xa.thanhyen), Xã Thanh Nưa submitted, Xã Núa Ngam returned with the
  province's reason, Xã Mường Nhà approved; Sơn La: Xã Chiềng La submitted;
- last year: Xã Mường Phăng approved, Sơn La's Xã Chiềng La submitted, Xã Núa Ngam returned, Xã Mường Nhà still a
  draft (Thanh Yên, Thanh Nưa and Thanh An of 2025 come approved from the import above).
An assessment already recorded for the commune and year is left as it is. They need the demo accounts
(accounts.demo.load_demo_users): `load_demo` loads them after the import (`load_demo_assessments`).
"""

import csv
import datetime
import io

from django.db import transaction

from areas.queries import get_unit
from ntm import services
from ntm.imports import import_ntm
from ntm.models import Recognition

HEADER = [
    "year",
    "province",
    "district",
    "commune",
    "criteria_set",
    *[f"tc{i}" for i in range(1, 20)],
    "recognition",
    "decision_no",
    "decision_date",
    "decision_kind",
]
DISTRICT = "Huyện Điện Biên"

# (year, commune, criteria met, recognition, decision number, decision date, decision kind); pre-2025 rows in
# Huyện Điện Biên, 2025 rows in the new scheme (no district).
ROWS = [
    (2019, "Xã Thanh Nưa", 19, "dat-chuan", "DEMO-01/QĐ-UBND", "15/11/2019", ""),
    (2019, "Xã Hua Thanh", 19, "dat-chuan", "DEMO-02/QĐ-UBND", "15/11/2019", ""),
    (2019, "Xã Thanh Yên", 19, "dat-chuan", "DEMO-03/QĐ-UBND", "15/11/2019", ""),
    (2020, "Xã Thanh Luông", 19, "dat-chuan", "DEMO-04/QĐ-UBND", "10/12/2020", ""),
    (2020, "Xã Thanh Hưng", 19, "dat-chuan", "DEMO-05/QĐ-UBND", "10/12/2020", ""),
    (2020, "Xã Thanh Chăn", 19, "dat-chuan", "DEMO-06/QĐ-UBND", "10/12/2020", ""),
    (2020, "Xã Pa Thơm", 19, "dat-chuan", "DEMO-07/QĐ-UBND", "10/12/2020", ""),
    (2020, "Xã Noong Luống", 19, "dat-chuan", "DEMO-08/QĐ-UBND", "10/12/2020", ""),
    (2020, "Xã Thanh An", 19, "dat-chuan", "DEMO-09/QĐ-UBND", "10/12/2020", ""),
    (2020, "Xã Noọng Hẹt", 19, "dat-chuan", "DEMO-10/QĐ-UBND", "10/12/2020", ""),
    (2020, "Xã Núa Ngam", 19, "dat-chuan", "DEMO-11/QĐ-UBND", "10/12/2020", ""),
    (2020, "Xã Mường Nhà", 19, "dat-chuan", "DEMO-12/QĐ-UBND", "10/12/2020", ""),
    (2020, "Xã Mường Lói", 19, "dat-chuan", "DEMO-13/QĐ-UBND", "10/12/2020", ""),
    (2020, "Xã Phu Luông", 19, "dat-chuan", "DEMO-14/QĐ-UBND", "10/12/2020", ""),
    # Điện Biên recognises communes not yet meeting every criterion as "cơ bản đạt chuẩn" by decision [practice]
    (2020, "Xã Mường Pồn", 16, "co-ban-dat-chuan", "DEMO-20/QĐ-UBND", "28/12/2020", ""),
    (2020, "Xã Hẹ Muông", 17, "co-ban-dat-chuan", "DEMO-20/QĐ-UBND", "28/12/2020", ""),
    (2020, "Xã Na Tông", 15, "co-ban-dat-chuan", "DEMO-20/QĐ-UBND", "28/12/2020", ""),
    # 2021 (ntm-2016): every commune but Xã Thanh Xương and Xã Na Ư reports
    *[
        (2021, name, met, "", "", "", "")
        for name, met in [
            ("Xã Mường Pồn", 17),
            ("Xã Thanh Nưa", 19),
            ("Xã Hua Thanh", 19),
            ("Xã Thanh Luông", 19),
            ("Xã Thanh Hưng", 19),
            ("Xã Thanh Chăn", 19),
            ("Xã Pa Thơm", 19),
            ("Xã Thanh An", 19),
            ("Xã Thanh Yên", 19),
            ("Xã Noong Luống", 19),
            ("Xã Noọng Hẹt", 19),
            ("Xã Sam Mứn", 19),
            ("Xã Pom Lót", 12),
            ("Xã Núa Ngam", 19),
            ("Xã Hẹ Muông", 17),
            ("Xã Mường Nhà", 18),
            ("Xã Na Tông", 16),
            ("Xã Mường Lói", 19),
            ("Xã Phu Luông", 19),
        ]
    ],
    # levels nest: nâng cao on top of đạt chuẩn; and one nâng cao with no đạt chuẩn on record (imported, warned)
    (2023, "Xã Thanh Yên", 19, "nang-cao", "DEMO-30/QĐ-UBND", "20/09/2023", ""),
    (2024, "Xã Pom Lót", 19, "nang-cao", "DEMO-31/QĐ-UBND", "05/08/2024", ""),
    # 2025, new scheme: the province's thừa nhận for Xã Thanh Nưa (its five predecessors were all đạt chuẩn)
    (2025, "Xã Thanh Nưa", 19, "dat-chuan", "DEMO-40/QĐ-UBND", "20/10/2025", "thua-nhan"),
    (2025, "Xã Thanh Yên", 18, "", "", "", ""),
    (2025, "Xã Thanh An", 17, "", "", "", ""),
]
REVOCATION = {
    "commune": "pre2025:03364",  # Xã Mường Nhà: revoked before 30/06/2025, so the new Xã Mường Nhà inherits nothing
    "decision_no": "DEMO-12/QĐ-UBND",
    "revoked_on": datetime.date(2025, 5, 15),
    "reason": "Không duy trì tiêu chí thu nhập (dữ liệu minh họa)",
}


def demo_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for year, commune, met, recognition, decision_no, decision_date, kind in ROWS:
        writer.writerow(
            [
                year,
                "Điện Biên",
                DISTRICT if year < 2025 else "",
                commune,
                "ntm-2016" if year <= 2021 else "ntm-2021",
                *(["1"] * met + ["0"] * (19 - met)),
                recognition,
                decision_no,
                decision_date,
                kind,
            ]
        )
    return buffer.getvalue().encode("utf-8")


# (years before the demo's year, commune, commune officer, province officer, state, criteria met, reason if returned)
ASSESSMENTS = [
    (0, "2025:03349", "xa.thanhyen", "tinh.dienbien", "draft", 6, ""),
    (0, "2025:03328", "xa.thanhnua", "tinh.dienbien", "submitted", 10, ""),
    (
        0,
        "2025:03358",
        "xa.nuangam",
        "tinh.dienbien",
        "returned",
        9,
        "Tiêu chí môi trường chưa có minh chứng: bổ sung biên bản kiểm tra thu gom rác thải (dữ liệu minh họa).",
    ),
    (0, "2025:03368", "xa.muongnha", "tinh.dienbien", "approved", 8, ""),
    (0, "2025:03754", "xa.chiengla", "tinh.sonla", "submitted", 7, ""),
    # last year: Xã Mường Nhà stays without an approved assessment (in 2025 it shows "chưa có số liệu" after the
    # revocation above), and only approved assessments count in reports
    (1, "2025:03325", "xa.muongphang", "tinh.dienbien", "approved", 17, ""),
    (1, "2025:03754", "xa.chiengla", "tinh.sonla", "submitted", 15, ""),
    (
        1,
        "2025:03358",
        "xa.nuangam",
        "tinh.dienbien",
        "returned",
        16,
        "Số liệu thu nhập bình quân chưa khớp báo cáo thống kê của huyện cũ: rà soát lại (dữ liệu minh họa).",
    ),
    (1, "2025:03368", "xa.muongnha", "tinh.dienbien", "draft", 12, ""),
]


def load_demo_assessments() -> dict[str, int]:
    """The assessments above, through the services; idempotent. Returns the states created."""
    from accounts.demo import demo_day
    from accounts.models import User
    from ntm.models import Assessment

    year = demo_day().year
    users = {
        u.username: u
        for u in User.objects.filter(username__in={a[2] for a in ASSESSMENTS} | {a[3] for a in ASSESSMENTS})
    }
    created: dict[str, int] = {}
    with transaction.atomic():
        for back, commune_id, officer, province_officer, state, met, reason in ASSESSMENTS:
            commune = get_unit(commune_id)
            if Assessment.objects.filter(commune=commune, year=year - back).exists():
                continue
            assessment, _created = services.start_assessment(actor=users[officer], commune=commune, year=year - back)
            codes = sorted(assessment.results.values_list("criterion__code", flat=True), key=lambda c: (len(c), c))
            results = {code: (n < met, "") for n, code in enumerate(codes)}
            note = "Đang nhập, còn chờ số liệu của các thôn (dữ liệu minh họa)." if state == "draft" else ""
            services.save_assessment(actor=users[officer], assessment=assessment, results=results, note=note)
            if state != "draft":
                services.submit_assessment(actor=users[officer], assessment=assessment)
            if state == "returned":
                services.return_assessment(actor=users[province_officer], assessment=assessment, reason=reason)
            elif state == "approved":
                services.approve_assessment(actor=users[province_officer], assessment=assessment)
            created[state] = created.get(state, 0) + 1
    return created


def load_demo_ntm():
    """Import the demo rows, then revoke the one recognition; idempotent (a second run reports everything unchanged)."""
    with transaction.atomic():
        result = import_ntm(io.BytesIO(demo_csv()), actor=None, filename="demo_ntm.csv")
        recognition = Recognition.objects.get(
            commune=get_unit(REVOCATION["commune"]), decision_no=REVOCATION["decision_no"]
        )
        if recognition.revoked_on is None:
            services.revoke_recognition(
                actor=None,
                recognition=recognition,
                revoked_on=REVOCATION["revoked_on"],
                reason=REVOCATION["reason"],
            )
        load_demo_villages()
    return result


# ---- villages (issue 18) ----------------------------------------------------------------------------------------
# Seed 000: "Xây dựng nông thôn mới cấp thôn, bản, năm 2021, có thêm 28 thôn, bản nông thôn mới kiểu mẫu và 15 thôn,
# bản nông thôn mới, nâng tổng số thôn, bản nông thôn mới kiểu mẫu trên địa bàn huyện lên 38 thôn, bản và thôn bản
# nông thôn [mới] trên địa bàn huyện lên 24 thôn, bản" (Huyện Điện Biên). The seed names none of these villages: they
# are "Thôn minh họa NN" (visibly demo records), spread over the district's communes, with the figures reproduced:
# 10 kiểu mẫu and 9 đạt chuẩn before 2021, 28 and 15 more in 2021, and some villages not recognised.
# Seed 003: "Có thêm 2 bản được công nhận đạt chuẩn NTM (bản Phiêng Đất B, xã Nậm Nèn và bản Mường Anh 1, xã Pa Ham,
# huyện Mường Chà)" in 2021: the two real names, with a DEMO- decision number (the decision is not in the seed).
DEMO_VILLAGE_PLAN = [  # (how many, level, year recognised; "" = not recognised)
    (10, "thon-kieu-mau", 2020),
    (9, "thon-ntm", 2020),
    (28, "thon-kieu-mau", 2021),
    (15, "thon-ntm", 2021),
    (18, "", None),
]
NAMED_VILLAGES = [("pre2025:03194", "Phiêng Đất B"), ("pre2025:03193", "Mường Anh 1")]
DISTRICT_ID = "pre2025:100"


def load_demo_villages() -> dict[str, int]:
    """The villages above, through the services (idempotent: a village already in its commune is reused, a decision
    already recorded is found), then placed in the 2025 communes that succeeded theirs."""
    from areas.choices import REFORM_DATE, Level
    from areas.models import AdministrativeUnit
    from ntm import village_services
    from ntm.models import Village, VillageKind

    district = get_unit(DISTRICT_ID)
    communes = list(
        AdministrativeUnit.objects.filter(district=district, level=Level.COMMUNE, unit_type="xa").order_by("code")
    )
    counts = {"villages": 0, "recognitions": 0}

    def village(commune, name, kind):
        found = Village.objects.filter(placements__commune=commune, name=name).first()
        if found is not None:
            return found
        counts["villages"] += 1
        return village_services.create_village(actor=None, commune=commune, name=name, kind=kind)

    def recognise(found, commune, level, year, number):
        _recognition, created = services.record_recognition(
            actor=None,
            commune=commune,
            level=level,
            village=found,
            decision_no=f"DEMO-V{number:02d}/QĐ-UBND",
            decision_date=datetime.date(year, 12, 1),
        )
        counts["recognitions"] += created

    with transaction.atomic():
        number = 0
        for how_many, level, year in DEMO_VILLAGE_PLAN:
            for _i in range(how_many):
                number += 1
                commune = communes[(number - 1) % len(communes)]
                found = village(commune, f"Thôn minh họa {number:02d}", VillageKind.THON)
                if level:
                    recognise(found, commune, level, year, 1 if year == 2020 else 2)
        for commune_id, name in NAMED_VILLAGES:
            commune = get_unit(commune_id)
            found = village(commune, name, VillageKind.BAN)
            _recognition, created = services.record_recognition(
                actor=None, commune=commune, level="thon-ntm", village=found, decision_no="DEMO-V03/QĐ-UBND", year=2021
            )
            counts["recognitions"] += created
        for area_id in (DISTRICT_ID, "pre2025:097"):
            moved, _choices = village_services.place_villages_after_merger(
                actor=None, day=REFORM_DATE, area=get_unit(area_id)
            )
            counts["villages_placed_2025"] = counts.get("villages_placed_2025", 0) + len(moved)
    return counts
