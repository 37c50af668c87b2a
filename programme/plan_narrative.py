"""One paragraph of plan against actual in the style of the seeds' reports ("Năm 2021, huyện Thuận Châu có kế hoạch 5
sản phẩm OCOP, trong đó 2 sản phẩm đề nghị tỉnh hỗ trợ …; đến 31/12/2021 đã có 1 sản phẩm đạt 3 sao (…), 2 sản phẩm chưa
đạt: … (hồ sơ bị trả lại), … (chưa có hồ sơ)."), built from the same PlanActual as the page's table, so the two cannot
disagree. Numbers are written plainly (5, not 05) throughout. Every fragment goes through gettext: in English the
paragraph is rendered in English.
"""

from collections import Counter

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from programme.choices import FundingSource, SupporterLevel
from programme.plan_actuals import PlanActual, day_text, stars_text

# The blocking step in a few words, as a report writes it in brackets after the product's name.
STEP_SHORT = {
    "no-idea": lambda: _("chưa đăng ký ý tưởng"),
    "idea-submitted": lambda: _("ý tưởng chờ xã sàng lọc"),
    "idea-returned": lambda: _("ý tưởng bị xã trả lại"),
    "no-dossier": lambda: _("chưa có hồ sơ"),
    "dossier-draft": lambda: _("hồ sơ đang chuẩn bị"),
    "dossier-submitted": lambda: _("hồ sơ chờ xã xem xét"),
    "dossier-returned": lambda: _("hồ sơ bị xã trả lại"),
    "dossier-forwarded": lambda: _("hồ sơ chờ tỉnh đưa vào đợt đánh giá"),
    "province-returned": lambda: _("hồ sơ bị tỉnh yêu cầu hoàn thiện"),
    "in-round": lambda: _("đang được hội đồng chấm điểm"),
    "failed": lambda: _("không đạt khi đánh giá"),
    "awaiting-decision": lambda: _("chờ quyết định công nhận"),
    "stars-short": lambda: _("chưa đạt hạng sao phấn đấu"),
    "support-pending": lambda: _("chưa giải ngân hỗ trợ"),
}

SUPPORTER_PHRASE = {
    SupporterLevel.PROVINCE: lambda: _("đề nghị tỉnh hỗ trợ"),
    SupporterLevel.DISTRICT: lambda: _("huyện hỗ trợ"),
    SupporterLevel.COMMUNE: lambda: _("xã hỗ trợ"),
}

# Type words a unit's name starts with; a report writes them in lower case mid-sentence ("huyện Thuận Châu").
TYPE_WORDS = ("Tỉnh", "Thành phố", "Huyện", "Quận", "Thị xã", "Xã", "Phường", "Thị trấn", "Đặc khu", "Toàn quốc")


def area_in_sentence(unit) -> str:
    name = str(unit.name)
    if not (get_language() or "vi").startswith("vi"):
        return name  # English keeps the unit's name as written
    for word in TYPE_WORDS:
        if name.startswith(word):
            return name[0].lower() + name[1:]
    return name


def products_text(n: int) -> str:
    return ngettext("%(n)s sản phẩm", "%(n)s sản phẩm", n) % {"n": n}


def _supporters(lines) -> str:
    """ ", trong đó 2 sản phẩm đề nghị tỉnh hỗ trợ (nguồn …), 3 sản phẩm huyện hỗ trợ" for the lines that say who
    supports them; the funding source is named when all of a level's lines share one."""
    parts = []
    for level in SupporterLevel:
        of_level = [line for line, _p in lines if line.supported_by == level]
        if not of_level:
            continue
        text = f"{products_text(len(of_level))} {SUPPORTER_PHRASE[level]()}"
        sources = Counter(line.funding_source for line in of_level)
        if len(sources) == 1 and next(iter(sources)):
            source = FundingSource(next(iter(sources))).label
            text += " " + _("với nguồn kinh phí từ %(source)s") % {"source": str(source).lower()}
        parts.append(text)
    if not parts:
        return ""
    return _(", trong đó %(parts)s") % {"parts": ", ".join(parts)}


def _achieved_item(line, progress) -> str:
    if progress.certificate is not None:
        return _("%(name)s: %(stars)s") % {"name": line.name, "stars": stars_text(progress.certificate.stars)}
    return line.name


def _pending_item(line, progress) -> str:
    short = STEP_SHORT.get(progress.step)
    return f"{line.name} ({short()})" if short else line.name


def _targets_sentence(result: PlanActual) -> str:
    if not result.targets:
        return ""
    items = []
    for row in result.targets:
        said = {"label": row.label[0].lower() + row.label[1:], "actual": row.actual, "target": row.target}
        if row.percent is None:
            items.append(_("%(label)s đạt %(actual)s/%(target)s") % said)
        else:
            items.append(_("%(label)s đạt %(actual)s/%(target)s (%(percent)s%%)") % {**said, "percent": row.percent})
    return _("Về chỉ tiêu: %(items)s.") % {"items": "; ".join(items)}


def narrative(result: PlanActual) -> str:
    """The paragraph for one area and year."""
    area = area_in_sentence(result.unit)
    if not result.plans:
        return _("Năm %(year)s, %(area)s chưa có kế hoạch OCOP nào được ghi nhận trên hệ thống.") % {
            "year": result.year,
            "area": area,
        }
    said = {"year": result.year, "area": area, "day": day_text(result.as_of)}
    lines = result.lines
    if not lines:
        opening = _("Năm %(year)s, %(area)s có kế hoạch OCOP nhưng chưa nêu sản phẩm cụ thể.") % said
        return " ".join(part for part in (opening, _targets_sentence(result)) if part)
    opening = _("Năm %(year)s, %(area)s có kế hoạch %(products)s OCOP%(supporters)s") % {
        **said,
        "products": products_text(len(lines)),
        "supporters": _supporters(lines),
    }
    achieved, pending = result.achieved, result.in_progress + result.not_started
    position = {line.pk: n for n, (line, _p) in enumerate(lines)}
    pending.sort(key=lambda pair: position[pair[0].pk])
    if achieved:
        done = _("đến %(day)s đã có %(products)s đạt (%(names)s)") % {
            "day": said["day"],
            "products": products_text(len(achieved)),
            "names": ", ".join(_achieved_item(*pair) for pair in achieved),
        }
    else:
        done = _("đến %(day)s chưa có sản phẩm nào đạt") % {"day": said["day"]}
    sentence = f"{opening}; {done}"
    if pending:
        sentence += ", " + _("%(products)s chưa đạt: %(names)s") % {
            "products": products_text(len(pending)),
            "names": ", ".join(_pending_item(*pair) for pair in pending),
        }
    return " ".join(part for part in (sentence + ".", _targets_sentence(result)) if part)
