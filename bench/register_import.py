"""Register import at province scale, alone: `python bench/register_import.py [ROWS]` (`make bench` measures the
national data set of bench/national.py instead; bench/import_concurrency.py uses this file's generator).

Generates a realistic register XLSX in a temp dir: ~3,000 producers, ROWS rows (default 20,000) over the communes of
two provinces (Điện Biên, Sơn La), official headings, decisions of ~50 rows each from 2020 to 2026 in both boundary
schemes (post-reform rows name the new commune, no district), a share of products re-recognised or upgraded three
years later (certificate chains). Imports it with the real importer: dry run, real run, re-import (all unchanged);
prints rows/s for each, then the peak memory of a dry run (tracemalloc peak, measured separately because tracing
slows Python down) and the process's maxrss. Runs on DATABASE_URL (PostgreSQL is the target) or a throwaway SQLite.
"""

import datetime
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

PROVINCES = ("11", "14")  # Điện Biên, Sơn La: codes kept by the 2025 reform
HEADINGS = [
    "STT",
    "Tên sản phẩm",
    "Chủ thể",
    "Loại hình chủ thể",
    "Tỉnh",
    "Huyện",
    "Xã",
    "Nhóm sản phẩm",
    "Số sao",
    "Điểm",
    "Số quyết định",
    "Ngày quyết định",
]
PRODUCTS = ["Mật ong", "Chè Shan tuyết", "Gạo nếp", "Cà phê", "Rượu ngô", "Thịt trâu gác bếp", "Miến dong", "Măng khô"]
GROUPS = ["thuc-pham", "Đồ uống", "Thực phẩm", "Dược liệu và sản phẩm từ dược liệu", "Rượu trắng", "do-uong"]
TYPES = [("HTX", "htx"), ("Công ty TNHH", "dn"), ("Hộ kinh doanh", "ho"), ("Tổ hợp tác", "tht")]
REFORM = datetime.date(2025, 7, 1)


def _unique_communes(scheme):
    """Communes whose name is unique where the file names it (district before the reform, province after)."""
    from areas.models import AdministrativeUnit

    communes = list(
        AdministrativeUnit.objects.filter(scheme=scheme, level="commune", province__code__in=PROVINCES)
        .select_related("district", "province")
        .order_by("code")
    )
    holder = (lambda c: c.district_id) if scheme == "pre2025" else (lambda c: c.province_id)
    seen = Counter((holder(c), c.search_name) for c in communes)
    return [c for c in communes if seen[(holder(c), c.search_name)] == 1]


def generate(path: Path, n_rows: int, seed: int = 13) -> dict:
    """The register; names carry a token of this run, so each run imports new producers, products and decisions
    into a database that may hold an earlier run's."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    token = format(int(time.time() * 1000) % 0xFFFFF, "x")
    old, new = _unique_communes("pre2025"), _unique_communes("2025")
    n_producers = max(3, n_rows * 3 // 20)  # 3,000 for 20,000 rows
    producers = []
    for i in range(n_producers):
        words, code = TYPES[i % len(TYPES)]
        post_reform = i % 10 == 9  # a tenth first recognised after the reform, in the new scheme
        commune = rng.choice(new if post_reform else old)
        producers.append((f"{words} Sản xuất số {i} {token}", code if i % 3 else "", commune, post_reform))
    rows = []
    product_no = 0
    rerecognised = []
    while len(rows) < n_rows:
        name, type_code, commune, post_reform = producers[product_no % n_producers]
        product = f"{PRODUCTS[product_no % len(PRODUCTS)]} {product_no}"
        if post_reform:
            day = datetime.date(2025, 8, 1) + datetime.timedelta(days=rng.randrange(0, 300))
        else:
            day = datetime.date(2020, 1, 6) + datetime.timedelta(days=rng.randrange(0, 1500))
        stars = rng.choice((3, 3, 3, 4, 4, 5))
        rows.append([product, name, type_code, commune, day, stars, GROUPS[product_no % len(GROUPS)]])
        if not post_reform and day < datetime.date(2022, 1, 1) and len(rerecognised) < n_rows // 12:
            rerecognised.append(len(rows) - 1)
        product_no += 1
        if len(rows) + len(rerecognised) >= n_rows:
            break
    for index in rerecognised:  # 36 months on, before the reform: re-recognised, a third upgraded
        product, name, type_code, commune, day, stars, group = rows[index]
        later = (day if (day.month, day.day) != (2, 29) else day.replace(day=28)).replace(year=day.year + 3)
        rows.append([product, name, type_code, commune, later, min(5, stars + (index % 3 == 0)), group])
    rows = rows[:n_rows]
    rows.sort(key=lambda r: (r[4] >= REFORM, r[3].province.code, r[4]))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP ĐƯỢC CÔNG NHẬN"])
    sheet.append(HEADINGS)
    decision, count, last_key = 0, 0, None
    for number, (product, name, type_code, commune, day, stars, group) in enumerate(rows, start=1):
        key = (commune.province.code, day >= REFORM)
        if count >= 50 or key != last_key:
            decision, count, last_key = decision + 1, 0, key
            decision_day = day
        count += 1
        sheet.append(
            [
                number,
                product,
                name,
                type_code,
                commune.province.name,
                "" if day >= REFORM else commune.district.name,
                commune.name,
                group,
                f"{stars} sao" if number % 4 == 0 else stars,
                round(50 + stars * 9 + rng.random() * 5, 2),
                f"{decision}/QĐ-UBND-{token}",
                decision_day if number % 2 else decision_day.strftime("%d/%m/%Y"),
            ]
        )
    workbook.save(path)
    return {"rows": len(rows), "producers": n_producers, "products": product_no, "decisions": decision}


def _timed(label, n_rows, fn, *args, **kwargs):
    """Run one import; print its rows/s and where the time went: the stages as progress reports them (wall and
    this process's CPU; the rest of the wall time is the database's), and what follows the last write (commit)."""
    marks = {}

    def progress(stage, done, total):
        marks.setdefault(stage, [time.perf_counter(), time.process_time()])
        marks[stage][2:] = [time.perf_counter(), time.process_time()]

    started, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, progress=progress, **kwargs)
    ended, cpu_ended = time.perf_counter(), time.process_time()
    seconds = ended - started
    print(f"{label:<50} {seconds:8.3f} s {n_rows / seconds:8.0f} rows/s  (CPU of this process {cpu_ended - cpu:.1f} s)")
    parts = []
    previous = (started, cpu)
    for stage in ("read", "validate", "write"):
        if stage in marks:
            parts.append(f"{stage} {marks[stage][2] - previous[0]:.1f} s (cpu {marks[stage][3] - previous[1]:.1f})")
            previous = marks[stage][2:]
    parts.append(f"after (commit or roll back) {ended - previous[0]:.1f} s (cpu {cpu_ended - previous[1]:.1f})")
    print(f"{'':<4}{', '.join(parts)}")
    return result


def bench_register_import(n_rows: int = 20000):
    from django.core.management import call_command

    from areas.models import AdministrativeUnit
    from certification.imports import import_register

    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.exists():
        from core.reference import load_all_reference_data

        load_all_reference_data()
    path = Path(tempfile.mkdtemp()) / "register.xlsx"
    started = time.perf_counter()
    shape = generate(path, n_rows)
    print(
        f"{'register XLSX generated':<50} {time.perf_counter() - started:8.3f} s  ({shape['rows']} rows, "
        f"{shape['producers']} producers, {shape['products']} products, {shape['decisions']} decisions, "
        f"{path.stat().st_size // 1024} KiB)"
    )
    result = _timed(f"import_register {n_rows} rows (dry run)", n_rows, import_register, path, dry_run=True)
    print(f"{'  ':<50} {result.summary}")
    result = _timed(f"import_register {n_rows} rows", n_rows, import_register, path)
    print(f"{'  ':<50} {result.summary}; warnings={len(result.warnings)}")
    result = _timed(f"import_register {n_rows} rows again (unchanged)", n_rows, import_register, path)
    print(f"{'  ':<50} {result.summary}")
    tracemalloc.start()
    import_register(path, dry_run=True)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'  peak Python memory of a dry run (tracemalloc)':<50} {peak / 2**20:8.1f} MiB")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"{'  process maxrss (whole benchmark)':<50} {maxrss / 1024:8.1f} MiB")


if __name__ == "__main__":
    bench_register_import(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
