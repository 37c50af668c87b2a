"""Issue 15: the register import's bulk writes are the services' writes, in a number of queries that does not grow
with the rows.

The case measured at 16–18 queries a row: a register that lists again, after the reform, products already on record
(the new commune's name, a new decision, sometimes another group). Each such product is changed (update_product:
its current commune, its group, its places, one audit entry) and gets a new certificate that ends the previous one.
"""

import datetime
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from areas.models import AdministrativeUnit, Succession
from certification import services as certificates
from certification.imports import import_register
from certification.models import Certificate
from certification.rules import recognising_level
from core.models import AuditEntry
from producers.services import find_producer
from products import services as products
from products.models import Product, ProductCategory
from products.placement import PLACE_FIELDS

pytestmark = pytest.mark.django_db

HEADER = "product,producer,producer_type,province,district,commune,group,stars,score,decision_no,decision_date"
CENT = Decimal("0.01")
BEFORE, AFTER = datetime.date(2022, 3, 1), datetime.date(2025, 9, 1)


def _communes(n):
    """n old communes of Điện Biên and Sơn La whose name is unique in their district, each succeeded by one new
    commune whose name is unique in its province (so both registers name them without a district after 2025)."""
    olds = AdministrativeUnit.objects.filter(scheme="pre2025", level="commune", province__code__in=("11", "14"))
    olds = list(olds.select_related("district", "province").order_by("code"))
    successors = {}
    for old, new in Succession.objects.filter(predecessor__in=olds).values_list("predecessor_id", "successor_id"):
        successors.setdefault(old, []).append(new)
    news = {
        u.pk: u for u in AdministrativeUnit.objects.filter(scheme="2025", level="commune").select_related("province")
    }
    in_district = Counter((c.district_id, c.search_name) for c in olds)
    in_province = Counter((u.province_id, u.search_name) for u in news.values())
    pairs = []
    for old in olds:
        found = successors.get(old.pk, [])
        if in_district[(old.district_id, old.search_name)] == 1 and len(found) == 1:
            new = news[found[0]]
            if in_province[(new.province_id, new.search_name)] == 1:
                pairs.append((old, new))
    rank, ranked = Counter(), []
    for old, new in pairs:  # the two provinces in turn, so that a few rows name both as many do
        rank[old.province_id] += 1
        ranked.append((rank[old.province_id], old.province.code, old, new))
    pairs = [(old, new) for _r, _c, old, new in sorted(ranked, key=lambda p: p[:2])]
    return [pairs[i % len(pairs)] for i in range(n)]


def _registers(n, tag):
    """(first register: n products recognised in 2022 at their old commune; second: the same products after the
    reform at the new commune, a third of them in another group, two thirds upgraded)."""
    first, second = [HEADER], [HEADER]
    for i, (old, new) in enumerate(_communes(n)):
        product, producer = f"Sản phẩm {tag} {i}", f"HTX {tag} số {i // 4}"
        first.append(
            f"{product},{producer},htx,{old.province.name},{old.district.name},{old.name},thuc-pham,3,70,"
            f"{i // 50}/QĐ-{tag},{BEFORE:%d/%m/%Y}"
        )
        group = "do-uong" if i % 3 == 0 else "thuc-pham"
        second.append(
            f"{product},{producer},htx,{new.province.name},,{new.name},{group},{3 if i % 3 == 1 else 4},80,"
            f"{i // 50}/QĐ2-{tag},{AFTER:%d/%m/%Y}"
        )
    return "\n".join(first), "\n".join(second)


def _state(product_ids):
    """What is on record about the products, without the ids the database chooses (certificates, audit entries)."""
    fields = ["pk", "name", "group_id", "subgroup_id", "current_location_id", "status", "version"]
    fields += [f"{f}_id" for f in PLACE_FIELDS]
    rows = sorted(Product.objects.filter(pk__in=product_ids).values_list(*fields))
    certs = sorted(
        Certificate.objects.filter(product_id__in=product_ids).values_list(
            "product_id",
            "decision__number",
            "decision__date",
            "decision__issuing_level",
            "stars",
            "score",
            "kind",
            "valid_from",
            "valid_until",
            "ended_on",
            "end_reason",
        )
    )
    return rows, certs


def _entries(since):
    """The audit entries written since `since`, each as (action, type, label, area, before, after), and its object
    id where the object was on record before (new certificates and decisions get ids of their own in each run)."""
    found = Counter()
    for e in AuditEntry.objects.filter(pk__gt=since).exclude(action="certification.register.imported"):
        kept = e.object_id if e.object_type == "products.product" else ""
        found[(e.action, e.object_type, kept, e.object_label, e.area_id, repr(e.before), repr(e.after))] += 1
    return found


def _row_by_row(text):
    """The second register written one row at a time through the services, as the importer did before issue 15."""
    group_of = {g.code: g for g in ProductCategory.objects.filter(system="148", level="group")}
    for line in text.splitlines()[1:]:
        name, producer_name, _type, province, _district, commune, group, stars, score, number, day = line.split(",")
        commune = AdministrativeUnit.objects.get(scheme="2025", level="commune", name=commune, province__name=province)
        day = datetime.datetime.strptime(day, "%d/%m/%Y").date()
        product = products.find_product(producer=find_producer(name=producer_name, unit=commune), name=name)
        changes = {}
        if product.group_id != group_of[group].pk:
            changes["group"] = group_of[group]
        if product.current_location_id != commune.pk and product.location.successions.filter(successor=commune):
            changes["current_location"] = commune
        decision, _created = certificates.get_or_create_decision(
            actor=None,
            number=number,
            date=day,
            kind="recognition",
            issuing_level=recognising_level(int(stars), day),
            province=commune.province,
        )
        certificates.record_certificate(
            actor=None, product=product, decision=decision, stars=int(stars), score=Decimal(score).quantize(CENT)
        )
        if changes:
            products.update_product(actor=None, product=product, **changes)


class _Rollback(Exception):
    pass


def _in_rollback(write):
    """Run `write` and return what it left (state, audit entries), then undo it."""
    since = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = list(Product.objects.values_list("pk", flat=True))
    found = None
    try:
        with transaction.atomic():
            write()
            found = (_state(ids), _entries(since))
            raise _Rollback
    except _Rollback:
        pass
    return found


def test_the_bulk_writes_are_those_of_the_services_row_by_row():
    first, second = _registers(120, "B")
    import_register(io.BytesIO(first.encode()), filename="first.csv")
    bulk = _in_rollback(lambda: import_register(io.BytesIO(second.encode()), filename="second.csv"))
    by_row = _in_rollback(lambda: _row_by_row(second))
    (rows, certs), entries = bulk
    # products updated, certificates created, decisions created (3 numbers, in each of the two provinces)
    assert sum(entries.values()) == 120 + 120 + 6
    assert Counter(e[0] for e in entries.elements())["products.product.updated"] == 120
    assert {r[5] for r in rows} == {"producing"} and all(r[6] == 2 for r in rows)  # one version step each
    assert sum(1 for c in certs if c[9] == AFTER) == 120  # each earlier certificate ended by the new one
    assert bulk == by_row


def test_a_refused_update_is_a_row_error_and_nothing_is_written(monkeypatch):
    from core.errors import DomainError
    from core.imports import ImportErrors

    first, second = _registers(30, "R")
    import_register(io.BytesIO(first.encode()), filename="first.csv")
    before = (Product.objects.count(), Certificate.objects.count(), AuditEntry.objects.count())
    refuse_on = Product.objects.get(name="Sản phẩm R 7").pk
    real = products._validate

    def refuse(product, *args, **kwargs):
        if product.pk == refuse_on:
            raise DomainError("không được sửa.", field="group")
        return real(product, *args, **kwargs)

    monkeypatch.setattr(products, "_validate", refuse)
    with pytest.raises(ImportErrors) as caught:
        import_register(io.BytesIO(second.encode()), filename="second.csv")
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [(9, "group", "không được sửa.")]
    assert (Product.objects.count(), Certificate.objects.count(), AuditEntry.objects.count()) == before
    assert set(Product.objects.values_list("version", flat=True)) == {1}


def _queries(n, tag):
    first, second = _registers(n, tag)
    import_register(io.BytesIO(first.encode()), filename="first.csv")
    with CaptureQueriesContext(connection) as writes:
        result = import_register(io.BytesIO(second.encode()), filename="second.csv")
    assert (
        result.summary == f"products created=0 updated={n} unchanged=0; producers created=0; certificates created={n}"
    )
    return len(writes.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows():
    assert _queries(40, "Q") == _queries(400, "P")


def test_the_audit_chain_holds_after_a_bulk_import():
    first, second = _registers(60, "V")
    import_register(io.BytesIO(first.encode()), filename="first.csv")
    import_register(io.BytesIO(second.encode()), filename="second.csv")
    out = io.StringIO()
    call_command("verify_audit", stdout=out)  # raises (CommandError) on a broken chain
    assert AuditEntry.objects.filter(action="products.product.updated").count() == 60


def _corrections_by_row(text):
    """A register giving other stars or scores for decisions on record, through record_certificate row by row."""
    from certification.models import Decision

    for line in text.splitlines()[1:]:
        name, producer_name, _type, province, district, commune, _group, stars, score, number, day = line.split(",")
        unit = AdministrativeUnit.objects.get(
            scheme="pre2025", level="commune", name=commune, district__name=district, province__name=province
        )
        product = products.find_product(producer=find_producer(name=producer_name, unit=unit), name=name)
        decision = Decision.objects.get(number=number, province=unit.province)
        certificates.record_certificate(
            actor=None, product=product, decision=decision, stars=int(stars), score=Decimal(score).quantize(CENT)
        )


def test_corrections_of_certificates_on_record_are_those_of_record_certificate():
    first, _second = _registers(60, "C")
    import_register(io.BytesIO(first.encode()), filename="first.csv")
    lines = first.splitlines()
    corrected = "\n".join(
        [lines[0], *(line.replace(",3,70,", ",4,75,") if i % 2 else line for i, line in enumerate(lines[1:]))]
    )
    bulk = _in_rollback(lambda: import_register(io.BytesIO(corrected.encode()), filename="corrected.csv"))
    by_row = _in_rollback(lambda: _corrections_by_row(corrected))
    (_rows, certs), entries = bulk
    assert Counter(e[0] for e in entries.elements()) == {"certification.certificate.corrected": 30}
    assert sorted(c[4] for c in certs) == [3] * 30 + [4] * 30
    assert bulk == by_row
