"""What the OCOP dashboard, its Excel and PDF exports and its narrative show: one object built from the engine."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit
from areas.queries import COUNTRY_LEVEL
from core.templatetags.ui import num, vdate
from evaluation import process
from evaluation.choices import ProcessLevel
from producers.choices import ProducerType
from products.choices import CategoryLevel, CategorySystem
from products.models import ProductCategory
from reports.cache import data_version
from reports.queries import EXPIRY_WINDOWS, STARS, OcopReport, Period, ocop_figures, ocop_watch

# The same formatting the templates use (17,05 · 8.565 · 31/03/2022 in Vietnamese), so the narrative matches the page.
n = num
d = vdate


@dataclass
class OcopDashboard:
    unit: AdministrativeUnit
    as_of: datetime.date
    period: Period
    figures: dict
    watch: dict
    groups: list = field(default_factory=list)  # (code, name)

    @property
    def total(self) -> int:
        return self.figures["products"]["total"]

    @property
    def not_placed(self) -> int:
        return self.total - sum(c["products"] for c in self.figures["children"])

    @property
    def children_with_products(self) -> int:
        return sum(1 for c in self.figures["children"] if c["products"])

    @property
    def change(self) -> int:
        return self.total - self.watch["previous_total"]

    @property
    def decrease(self) -> int:
        return -self.change

    def star_rows(self):
        return [(s, self.figures["products"]["by_stars"][str(s)]) for s in STARS]

    def group_rows(self):
        return [(code, name, self.figures["products"]["by_group"].get(code, 0)) for code, name in self.groups]

    def type_rows(self):
        return [(t.value, t.label, self.figures["producers"]["by_type"][t.value]) for t in ProducerType]

    def year_rows(self):
        """(year, products): the year of the decision of the certificate now in force."""
        return [(int(y), c) for y, c in self.figures["products"]["by_recognition_year"].items()]

    def first_year_rows(self):
        """(year, products): the year each product was first recognised (its earliest certificate)."""
        return [(int(y), c) for y, c in self.figures["products"]["by_first_recognition_year"].items()]

    @property
    def potential(self) -> int:
        return self.figures["products"]["potential_5_star"]

    @property
    def potential_certified(self) -> int:
        """Potential 5★ products that also hold a valid certificate, so are in the total too."""
        return self.watch["potential_certified"]

    @property
    def potential_not_placed(self) -> int:
        return self.potential - sum(c["potential_5_star"] for c in self.figures["children"])

    @property
    def potential_help(self) -> str:
        return potential_help(self.as_of)

    def watch_rows(self):
        """(key, label, count, selection params) for the comparison cards."""
        rows = [
            (
                f"expiring_{days}",
                _("Sắp hết hạn trong %(n)s ngày") % {"n": days},
                self.watch["expiring"][days],
                {"metric": "expiring", "days": days},
            )
            for days in EXPIRY_WINDOWS
        ]
        rows += [
            ("expired", _("Đã hết hạn, chưa được công nhận lại"), self.watch["expired"], {"metric": "expired"}),
            ("revoked", _("Bị thu hồi trong kỳ"), self.watch["revoked"], {"metric": "revoked"}),
            ("recognized", _("Công nhận mới trong kỳ"), self.watch["recognized"], {"metric": "recognized"}),
            ("renewed", _("Công nhận lại, nâng hạng trong kỳ"), self.watch["renewed"], {"metric": "renewed"}),
        ]
        return rows

    def child_word(self) -> str:
        if self.unit.level == COUNTRY_LEVEL:
            return _("đơn vị cấp tỉnh")
        if self.unit.scheme == Scheme.PRE2025 and self.unit.level == Level.PROVINCE:
            return _("đơn vị cấp huyện")
        return _("đơn vị cấp xã")

    def narrative(self) -> str:
        return ocop_narrative(self)


def build_dashboard(unit: AdministrativeUnit, as_of: datetime.date, period: Period | None = None) -> OcopDashboard:
    report = OcopReport(unit, as_of, period)
    version = data_version()
    groups = list(
        ProductCategory.objects.filter(system=CategorySystem.S148, level=CategoryLevel.GROUP)
        .order_by("position")
        .values_list("code", "name")
    )
    return OcopDashboard(
        unit=unit,
        as_of=as_of,
        period=report.period,
        figures=ocop_figures(unit, as_of, version),
        watch=ocop_watch(report, version),
        groups=groups,
    )


# Where the rule behind "tiềm năng 5 sao" is written, by period code of evaluation/data/process_rules.yaml (that file
# says which level forwards products from which score; the article is named here because the help is UI text).
# A period not listed here is named as the rules file names it.
FORWARDING_SOURCE = {
    "26-2026": gettext_lazy("Quyết định 26/2026/QĐ-TTg, Điều 7 khoản 3 điểm e"),
}
# What domain.md §5 marks [practice] (provincial practice, no national text at hand) about who scored the products the
# province forwarded in a period.
FORWARDING_PRACTICE = {
    "148": gettext_lazy(
        "[thực tiễn] Với Quyết định 148/QĐ-TTg như ban hành, việc cấp huyện chuyển sản phẩm từ 70 điểm lên tỉnh và "
        "Hội đồng cấp tỉnh chấm lại (nên điểm từ 90 là điểm của tỉnh) là thực tiễn của các tỉnh, không phải quy định "
        "trong văn bản."
    ),
}


def potential_help(day: datetime.date) -> str:
    """What "tiềm năng 5 sao" counts on `day` and the text its rule comes from, for the period in force that day."""
    period = process.period_on(day)
    forwarding = [step for step in period.steps if step.forwards_from is not None]
    if not forwarding:
        return _("Theo quy trình giai đoạn %(period)s, không có cấp nào đề nghị Bộ công nhận 5 sao.") % {
            "period": period.name
        }
    step = forwarding[-1]  # the last forwarding before the ministry (1048 era: district ≥ 50, then province ≥ 90)
    text = _(
        "Sản phẩm có kết quả đánh giá từ %(score)s điểm đã được phê duyệt và %(level)s đề nghị Bộ công nhận 5 sao, "
        "chưa có kết quả của Bộ vào ngày %(day)s. Không tính vào tổng số sản phẩm OCOP, trừ sản phẩm đang có giấy "
        "chứng nhận còn hiệu lực. Căn cứ: %(source)s."
    ) % {
        "score": step.forwards_from,
        "level": ProcessLevel(step.level).label.lower(),
        "day": d(day),
        "source": FORWARDING_SOURCE.get(period.code) or _("quy trình giai đoạn %(p)s") % {"p": period.name},
    }
    practice = FORWARDING_PRACTICE.get(period.code)
    return f"{text} {practice}" if practice else text


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s và %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _type_phrase(code: str, count: int) -> str:
    phrases = {
        ProducerType.HTX: ngettext("%(n)s hợp tác xã", "%(n)s hợp tác xã", count),
        ProducerType.DN: ngettext("%(n)s doanh nghiệp", "%(n)s doanh nghiệp", count),
        ProducerType.HO: ngettext("%(n)s hộ, cơ sở sản xuất", "%(n)s hộ, cơ sở sản xuất", count),
        ProducerType.THT: ngettext("%(n)s tổ hợp tác", "%(n)s tổ hợp tác", count),
    }
    return phrases[code] % {"n": n(count)}


def where_phrase(unit) -> str:
    """Where the figures lie, as official reports write it: "trên địa bàn Tỉnh Điện Biên", but "trên phạm vi cả
    nước" for the whole country."""
    if unit.pk is None:
        return _("trên phạm vi cả nước")
    return _("trên địa bàn %(place)s") % {"place": unit.name}


def ocop_narrative(board: OcopDashboard) -> str:
    """The paragraph an officer pastes into a report, in the official style; every number is the dashboard's."""
    producers = board.figures["producers"]
    where = where_phrase(board.unit)
    if board.total == 0:
        text = _("Tính đến ngày %(day)s, %(where)s chưa có sản phẩm OCOP còn hiệu lực.") % {
            "day": d(board.as_of),
            "where": where,
        }
    else:
        text = ngettext(
            "Tính đến ngày %(day)s, %(where)s có %(total)s sản phẩm OCOP còn hiệu lực của %(producers)s chủ thể",
            "Tính đến ngày %(day)s, %(where)s có %(total)s sản phẩm OCOP còn hiệu lực của %(producers)s chủ thể",
            board.total,
        ) % {"day": d(board.as_of), "where": where, "total": n(board.total), "producers": n(producers["total"])}
        if board.figures["children"]:
            text += _(", thuộc %(some)s/%(all)s %(word)s") % {
                "some": n(board.children_with_products),
                "all": n(len(board.figures["children"])),
                "word": board.child_word(),
            }
        stars = [
            ngettext("%(n)s sản phẩm %(s)s sao", "%(n)s sản phẩm %(s)s sao", count) % {"n": n(count), "s": s}
            for s, count in board.star_rows()
            if count
        ]
        text += _("; trong đó %(stars)s.") % {"stars": _join(stars)}
        kinds = [_type_phrase(code, count) for code, _label, count in board.type_rows() if count]
        text += " " + _("Theo loại hình chủ thể: %(kinds)s.") % {"kinds": _join(kinds)}
    if board.potential:
        text += " " + _potential_sentence(board)
    change = board.change
    previous = {"before": d(board.watch["previous_as_of"]), "prev": n(board.watch["previous_total"])}
    if change > 0:
        text += " " + _("So với cùng kỳ năm trước (%(before)s: %(prev)s sản phẩm), tăng %(n)s sản phẩm.") % {
            **previous,
            "n": n(change),
        }
    elif change < 0:
        text += " " + _("So với cùng kỳ năm trước (%(before)s: %(prev)s sản phẩm), giảm %(n)s sản phẩm.") % {
            **previous,
            "n": n(-change),
        }
    else:
        text += " " + _("Không thay đổi so với cùng kỳ năm trước (%(before)s: %(prev)s sản phẩm).") % previous
    return text


def _potential_sentence(board: OcopDashboard) -> str:
    text = ngettext(
        "Có %(n)s sản phẩm tiềm năng 5 sao đã được đề nghị Bộ công nhận, đang chờ kết quả",
        "Có %(n)s sản phẩm tiềm năng 5 sao đã được đề nghị Bộ công nhận, đang chờ kết quả",
        board.potential,
    ) % {"n": n(board.potential)}
    if board.potential_certified:
        # They are already in the total above: say so, so that nobody adds the two figures.
        text += ngettext(
            " (trong đó %(n)s sản phẩm đang có giấy chứng nhận còn hiệu lực, đã tính ở trên)",
            " (trong đó %(n)s sản phẩm đang có giấy chứng nhận còn hiệu lực, đã tính ở trên)",
            board.potential_certified,
        ) % {"n": n(board.potential_certified)}
    return text + "."
