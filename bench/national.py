"""A national-size, realistic data set, deterministic from a seed, loaded through the project's own import paths.

`generate(size, seed, directory)` reads the reference data already in the database (every province, district and
commune of both schemes, their successions, the 26 sub-groups of 1048) and writes the files an office would import:

- register.csv — CONTRACT §5: one row per recognition decision of one product, 2019–2026; producers of the four types
  across every province; products spread over the 26 sub-groups; each product's chain of certificates
  (re-recognition at the end of its 36-month term, some upgraded a star, some mid-term upgrades, some left to expire);
  decisions of one province on one day; before 01/07/2025 the old province, district and commune are named, after it
  the new province and commune (a product recognised before the reform is re-recognised in its commune's successor);
- revocations.csv — revocations of a share of the products' current certificates (3★ and 4★: the province's power);
- ntm.csv — CONTRACT §7: one row per rural commune per year 2019–2026 (old communes up to 2024 with ntm-2016 then
  ntm-2021, new communes for 2025 with ntm-2021 and 2026 with ntm-2026), criteria met growing year by year, a
  recognition decision (đạt chuẩn, nâng cao, kiểu mẫu) in the year a commune gets there.

`load(files)` imports them with certification.imports.import_register / import_revocations and ntm.imports.import_ntm
and measures each: seconds, rows/s, the peak resident memory during the import.

Not generated (they do not exist yet): annual plans and targets, post-recognition monitoring reports.
Communes whose name is not unique where a file names it (within the old district, or the new province) are left out:
an import refuses an ambiguous name rather than guessing, and so would an office's file.
"""

import csv
import datetime
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REFORM = datetime.date(2025, 7, 1)
FIRST_DAY = datetime.date(2019, 1, 15)
LAST_DAY = datetime.date(2026, 10, 30)  # nothing is decided in the future
YEARS = range(2019, 2027)


@dataclass(frozen=True)
class Size:
    products: int
    producers: int
    certificates: int
    ntm_provinces: int | None  # old provinces whose rural communes get NTM rows (None: all 63)


SIZES = {
    "tiny": Size(products=150, producers=110, certificates=400, ntm_provinces=1),
    "small": Size(products=2000, producers=1500, certificates=6000, ntm_provinces=2),
    "medium": Size(products=20000, producers=15000, certificates=30000, ntm_provinces=8),
    "full": Size(products=20000, producers=15000, certificates=60000, ntm_provinces=None),
}
# First in the NTM files, so the report rows have data: Điện Biên (old 11 with Huyện Điện Biên pre2025:100, new 11),
# then Hà Nội (old 01, new 01).
NTM_ALWAYS = ("11", "01")

REGISTER_HEADINGS = [
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
REVOCATION_HEADINGS = ["Tên sản phẩm", "Chủ thể", "Tỉnh", "Số quyết định", "Ngày quyết định", "Lý do"]
REVOCATION_REASONS = [
    "Không duy trì chất lượng sản phẩm theo tiêu chuẩn đã công bố",
    "Chủ thể ngừng sản xuất sản phẩm",
    "Sử dụng biểu trưng OCOP không đúng quy định",
]
TYPES = [("htx", "HTX", 35), ("dn", "Công ty TNHH", 30), ("ho", "Hộ kinh doanh", 30), ("tht", "Tổ hợp tác", 5)]
PRODUCT_WORDS = [
    "Mật ong",
    "Chè Shan tuyết",
    "Gạo nếp cái hoa vàng",
    "Cà phê rang xay",
    "Rượu ngô",
    "Thịt trâu gác bếp",
    "Miến dong",
    "Măng khô",
    "Nước mắm",
    "Bánh chưng",
    "Tinh dầu sả",
    "Giỏ mây tre đan",
    "Lụa tơ tằm",
    "Cao dược liệu",
    "Homestay bản",
    "Bưởi",
    "Nhãn sấy",
    "Tương bần",
]


def _date(rng, start, end):
    return start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _months_later(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


class Places:
    """The reference data a file can name without ambiguity, read once."""

    def __init__(self):
        from areas.models import AdministrativeUnit, Succession
        from products.models import ProductCategory

        units = list(
            AdministrativeUnit.objects.filter(level="commune")
            .select_related("province", "district")
            .order_by("scheme", "code")
        )
        old = [u for u in units if u.scheme == "pre2025"]
        new = [u for u in units if u.scheme == "2025"]
        seen_old = Counter((u.district_id, u.search_name) for u in old)
        seen_new = Counter((u.province_id, u.search_name) for u in new)
        self.new_ok = {u.pk: u for u in new if seen_new[(u.province_id, u.search_name)] == 1}
        successors = defaultdict(list)
        for s in Succession.objects.filter(predecessor__level="commune", successor__level="commune"):
            successors[s.predecessor_id].append(s.successor_id)
        # an old commune that went whole into one nameable new commune: a product there is followed over the reform
        self.successor = {
            pk: self.new_ok[targets[0]]
            for pk, targets in successors.items()
            if len(targets) == 1 and targets[0] in self.new_ok
        }
        self.old = [u for u in old if seen_old[(u.district_id, u.search_name)] == 1 and u.district_id]
        self.old_followed = [u for u in self.old if u.pk in self.successor]
        self.new = list(self.new_ok.values())
        self.old_rural = [u for u in self.old if u.is_rural_commune]
        self.new_rural = [u for u in self.new if u.is_rural_commune]
        self.new_of_old_province = defaultdict(set)  # old province code → new province codes its communes went to
        for u in self.old_followed:
            self.new_of_old_province[u.province.code].add(self.successor[u.pk].province.code)
        self.subgroups = list(
            ProductCategory.objects.filter(system="1048", level="subgroup").order_by("position", "code")
        )


def generate(size: str | Size, seed: int, directory: Path) -> dict:
    """Write register.csv, revocations.csv and ntm.csv into `directory`; return their paths and the data's shape."""
    shape = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(seed)
    places = Places()
    directory.mkdir(parents=True, exist_ok=True)
    info = {}
    info.update(_register(shape, rng, places, directory))
    info.update(_ntm(shape, rng, places, directory))
    return info


def _register(shape: Size, rng, places: Places, directory: Path) -> dict:
    # producers: 9 in 10 set up before the reform (in an old commune that has a successor), 1 in 10 after it
    weights = [w for _c, _w, w in TYPES]
    producers = []
    for i in range(shape.producers):
        code, words, _w = rng.choices(TYPES, weights)[0]
        if rng.random() < 0.9:
            commune, since = rng.choice(places.old_followed), _date(rng, FIRST_DAY, REFORM)
        else:
            commune, since = rng.choice(places.new), _date(rng, REFORM, datetime.date(2026, 6, 30))
        producers.append((f"{words} {rng.choice(PRODUCT_WORDS)} {commune.short_name} số {i + 1}", code, commune, since))
    # products: every producer has one, the rest go to producers at random
    owners = list(range(shape.producers)) + [rng.randrange(shape.producers) for _ in range(shape.products)]
    owners = owners[: shape.products]
    events = []  # (date, product index, stars) — one certificate each
    products = []
    for p, owner in enumerate(owners):
        name, code, commune, since = producers[owner]
        subgroup = places.subgroups[p % len(places.subgroups)]
        day = _date(rng, since, min(LAST_DAY, since + datetime.timedelta(days=900)))
        stars = rng.choices((3, 4, 5), (75, 22, 3))[0]
        products.append((f"{rng.choice(PRODUCT_WORDS)} {subgroup.code}-{p + 1}", owner, subgroup.name))
        chain = [(day, p, stars)]
        while True:  # at the end of each term: re-recognised (4 in 5), a tenth of those a star up; else it expires
            day = _months_later(day, 36) - datetime.timedelta(days=rng.randrange(0, 60))
            if day > LAST_DAY or rng.random() < 0.2:
                break
            stars = min(5, stars + (rng.random() < 0.1))
            chain.append((day, p, stars))
        events.extend(chain)
    # certificates to reach the size: mid-term upgrades (a star up) of products below 5★, in the middle of a term
    by_product = defaultdict(list)
    for e in events:
        by_product[e[1]].append(e)
    candidates = list(range(len(products)))
    rng.shuffle(candidates)
    tries = 0
    while len(events) < shape.certificates and tries < 10 * shape.certificates:
        tries += 1
        p = candidates[tries % len(candidates)]
        chain = sorted(by_product[p])
        k = rng.randrange(len(chain))
        start, _p, stars = chain[k]
        end = chain[k + 1][0] if k + 1 < len(chain) else min(LAST_DAY, _months_later(start, 36))
        if stars == 5 or (end - start).days < 120:
            continue
        upgrade = (start + datetime.timedelta(days=60 + rng.randrange((end - start).days - 90)), p, stars + 1)
        by_product[p].append(upgrade)
        events.append(upgrade)
    events.sort()
    events = events[: max(shape.certificates, len(products))]

    def place(owner, day):
        commune = producers[owner][2]
        if day >= REFORM and commune.scheme == "pre2025":
            commune = places.successor[commune.pk]
        return commune

    # decisions: a province decides on its own days (every other month, on a day of its own), many products at once
    def decision_day(province_code, day):
        offset = int(province_code) % 2
        for months in range(3):
            candidate = _months_later(day.replace(day=1), months).replace(day=3 + int(province_code) % 25)
            if candidate >= day and (candidate.month + offset) % 2 == 0:
                return candidate
        return day

    numbers = {}
    rows = []
    decided = set()
    last = {}  # product → (day, stars) of its current certificate
    for day, p, stars in events:
        product, owner, group = products[p]
        name, code, _c, _s = producers[owner]
        commune = place(owner, day)
        day = decision_day(commune.province.code, day)
        if commune.scheme == "pre2025" and day >= REFORM:
            day = REFORM - datetime.timedelta(days=1)  # an old province decides until the reform
        if day > LAST_DAY or (p, day) in decided:
            continue
        decided.add((p, day))
        last[p] = (day, stars)
        key = (commune.province.code, commune.scheme, day)
        if key not in numbers:
            numbers[key] = f"{len(numbers) + 1}/QĐ-UBND"
        rows.append(
            [
                day,
                product,
                name,
                code,
                commune.province.name,
                commune.district.name if commune.scheme == "pre2025" else "",
                commune.name,
                group,
                stars,
                f"{50 + stars * 9 + rng.random() * 5:.2f}",
                numbers[key],
                day.strftime("%d/%m/%Y"),
            ]
        )
    rows.sort(key=lambda r: r[0])
    for n, r in enumerate(rows, start=1):
        r[0] = n
    # revocations: 2 % of the products lose their current (last) 3★ or 4★ certificate, within its term
    revoked = []
    for p in rng.sample(sorted(last), len(last) // 50):
        room = min(660, (LAST_DAY - last[p][0]).days - 30)
        if last[p][1] < 5 and room > 0:
            revoked.append((last[p][0] + datetime.timedelta(days=30 + rng.randrange(room)), p))
    revoked.sort()

    register = directory / "register.csv"
    with register.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(REGISTER_HEADINGS)
        w.writerows(rows)
    revocations = directory / "revocations.csv"
    with revocations.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(REVOCATION_HEADINGS)
        for k, (day, p) in enumerate(revoked, start=1):
            product, owner, _g = products[p]
            w.writerow(
                [
                    product,
                    producers[owner][0],
                    place(owner, day).province.name,
                    f"{9000 + k}/QĐ-UBND",
                    day.strftime("%d/%m/%Y"),
                    rng.choice(REVOCATION_REASONS),
                ]
            )
    return {
        "register": register,
        "register_rows": len(rows),
        "revocations": revocations,
        "revocation_rows": len(revoked),
        "producers": len({products[p][1] for p in last}),
        "products": len(last),
        "decisions": len(numbers),
    }


def _set_for(year):
    return "ntm-2016" if year <= 2021 else "ntm-2021" if year <= 2025 else "ntm-2026"


def _ntm(shape: Size, rng, places: Places, directory: Path) -> dict:
    provinces = sorted({u.province.code for u in places.old_rural})
    chosen = set(NTM_ALWAYS[: shape.ntm_provinces or len(NTM_ALWAYS)])
    others = [c for c in provinces if c not in NTM_ALWAYS]
    rng.shuffle(others)
    if shape.ntm_provinces is None:
        chosen = set(provinces)
    else:
        chosen |= set(others[: max(0, shape.ntm_provinces - len(chosen))])
    new_chosen = set().union(*(places.new_of_old_province[c] for c in chosen))
    old_communes = [u for u in places.old_rural if u.province.code in chosen]
    new_communes = [u for u in places.new_rural if u.province.code in new_chosen]
    headings = ["Năm", "Tỉnh", "Huyện", "Xã", "Bộ tiêu chí"] + [f"tc{i}" for i in range(1, 20)]
    headings += ["Công nhận", "Số quyết định", "Ngày quyết định"]
    rows = []
    decision_no = 0

    def row(year, commune, met_count, total, recognition):
        nonlocal decision_no
        met = set(rng.sample(range(1, total + 1), met_count))
        cells = ["1" if i in met else "0" if i <= total else "" for i in range(1, 20)]
        number = day = ""
        if recognition:
            decision_no += 1
            number = f"{decision_no}/QĐ-UBND"
            day = _date(rng, datetime.date(year, 3, 1), min(LAST_DAY, datetime.date(year, 12, 20))).strftime("%d/%m/%Y")
        district = commune.district.name if commune.scheme == "pre2025" else ""
        rows.append(
            [year, commune.province.name, district, commune.name, _set_for(year), *cells, recognition, number, day]
        )

    levels = ("dat-chuan", "nang-cao", "kieu-mau")
    for commune in old_communes:  # 2019–2024, 19 criteria; recognised when all are met, later nâng cao, kiểu mẫu
        met, level = max(3, min(19, int(rng.gauss(14, 4)))), -1
        for year in range(2019, 2025):
            met = min(19, met + rng.choice((0, 0, 1, 1, 2)))
            recognition = ""
            if met == 19 and level < 2 and (level == -1 or rng.random() < 0.15):
                level += 1
                recognition = levels[level]
            row(year, commune, met, 19, recognition)
    for commune in new_communes:  # 2025 (ntm-2021, 19 criteria), 2026 (ntm-2026, 10 criteria)
        met = max(5, min(19, int(rng.gauss(15, 3))))
        row(2025, commune, met, 19, "")
        met10 = max(2, min(10, met * 10 // 19 + rng.choice((-1, 0, 0, 1))))
        row(2026, commune, met10, 10, "dat-chuan" if met10 == 10 and rng.random() < 0.5 else "")
    path = directory / "ntm.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(headings)
        w.writerows(rows)
    return {
        "ntm": path,
        "ntm_rows": len(rows),
        "ntm_provinces": len(chosen),
        "ntm_communes": len(old_communes) + len(new_communes),
    }


class PeakMemory:
    """The process's peak resident memory while the block runs (sampled from /proc every 20 ms: no slowdown,
    unlike tracemalloc), in MiB above what it held when the block began, and in all."""

    def __init__(self):
        self.start = self.peak = 0
        self._stop = threading.Event()

    @staticmethod
    def rss() -> int:
        try:
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * 4096
        except OSError:
            import resource

            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.rss())

    def __enter__(self):
        self.start = self.peak = self.rss()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())

    @property
    def above_mib(self) -> float:
        return (self.peak - self.start) / 2**20

    @property
    def peak_mib(self) -> float:
        return self.peak / 2**20


def timed_import(fn, path: Path, rows: int, **kwargs) -> dict:
    with PeakMemory() as memory:
        started = time.perf_counter()
        result = fn(path, filename=path.name, **kwargs)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": rows,
        "rows_per_s": rows / seconds if seconds else 0.0,
        "memory_above_mib": memory.above_mib,
        "memory_peak_mib": memory.peak_mib,
        "summary": result.summary,
    }


def load(info: dict) -> dict:
    """Import the generated files with the project's importers; every file must import whole (an error is a bug of
    the generator or the importer, and stops the benchmark)."""
    from certification.imports import import_register, import_revocations
    from ntm.imports import import_ntm

    return {
        "register": timed_import(import_register, info["register"], info["register_rows"]),
        "revocations": timed_import(import_revocations, info["revocations"], info["revocation_rows"]),
        "ntm": timed_import(import_ntm, info["ntm"], info["ntm_rows"]),
    }


if (
    __name__ == "__main__"
):  # python bench/national.py SIZE [SEED]: generate and import into DATABASE_URL or a temp SQLite
    import os
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from areas.models import AdministrativeUnit
    from core.reference import load_all_reference_data

    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    started = time.perf_counter()
    files = generate(
        sys.argv[1] if len(sys.argv) > 1 else "small",
        int(sys.argv[2]) if len(sys.argv) > 2 else 2026,
        Path(tempfile.mkdtemp()),
    )
    print(f"generated in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{k}={v}" for k, v in files.items()))
    for kind, figures in load(files).items():
        print(kind, {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()})
