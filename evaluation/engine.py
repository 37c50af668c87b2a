"""The council's arithmetic for an OCOP evaluation: star bands, mean, quorum, flags and mandatory caps.

Pure functions over plain dataclasses and ``Decimal`` (never ``float``): no Django, no models, no database,
so the rules can be tested and reused by the views, the API and the reports alike.

Rules (the official texts and provincial practice, docs/criteria-26-2026.md):

- Star bands on the council's average total, compared with ``>=`` on decimals (89.5 is 4★); only 3–5★ are certified.
  The bands live in ``evaluation/data/star_bands.yaml``.
- A product whose total reaches a band but misses that band's mandatory criteria (the star markers of the 26/2026
  sheets) is ranked lower, down to the highest band whose mandatory criteria it meets. Whether a minimum is met is a
  fact of the dossier judged once per product (the advisory team proposes, the council confirms, the secretary
  records it), never an average of the members' options: one member's 0 cannot decertify a product.
- Members score independently; the product's score is the arithmetic mean of the counted members' totals, shown
  rounded half-up to 2 decimals; the star band is taken on the exact mean (issue "figures officials can trust" §5).
  Two totals more than 10 points apart are flagged for discussion and re-scoring; nothing is dropped. Quorum is at
  least 75% of the council's members and must include the chair. The advisory team's scores are shown beside the
  council's but never count. A member with a declared conflict of interest does not score that
  product and is left out of its average and of the quorum base.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import combinations
from pathlib import Path
from typing import Literal

import yaml

DEFAULT_BANDS_PATH = Path(__file__).resolve().parent / "data" / "star_bands.yaml"
MAX_TOTAL = Decimal("100")
CENT = Decimal("0.01")

Role = Literal["chair", "member", "advisory"]
ROLES: tuple[str, ...] = ("chair", "member", "advisory")


# --------------------------------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Band:
    """A star band: a total ``>= min_total`` (and below the next band's minimum) earns ``stars``."""

    stars: int
    min_total: Decimal
    certified: bool


@dataclass
class Sheet:
    """One person's scoring sheet for one product.

    ``role`` is "chair", "member" or "advisory" (advisory team, tổ tư vấn: shown, never counted).
    ``points`` maps a criterion code to the points given on that criterion. Only ``submitted`` sheets are used.
    """

    member_id: Hashable
    role: Role
    total: Decimal
    points: dict[str, Decimal]
    submitted: bool


@dataclass(frozen=True)
class MandatoryRule:
    """A mandatory minimum for ``stars`` on ``criterion_code`` (at least ``min_points``, the marked option).

    ``met``: the recorded judgement for this product (True / False), or None while it is not yet recorded; a rule not
    yet judged cannot be counted as met, and is listed in ``Result.pending_minimums``.
    """

    stars: int
    criterion_code: str
    min_points: Decimal
    text: str
    met: bool | None = None
    note: str = ""


@dataclass
class Result:
    """The outcome of ``council_result``. Numbers are ``Decimal``; "no data" is ``None``.

    - ``mean``: the product's score (mean of counted totals, half-up to 2 decimals); ``None`` with no counted sheet.
    - ``median``, ``spread`` (max − min of counted totals): advice for the discussion only.
    - ``counted``: member ids of the counted sheets, in input order.
    - ``quorum_met`` / ``quorum_needed`` / ``quorum_base``: counted sheets needed out of the non-conflicted
      council members (chair included); ``quorum_notes`` says in Vietnamese why the quorum is not met.
    - ``flagged_pairs``: ``(member_a, member_b, difference)`` for every pair of counted totals more than
      ``flag_gap`` apart, largest difference first.
    - ``diverging``: ``(criterion_code, spread)`` where counted members disagree, largest spread first.
    - ``band_stars``: the band of ``mean``; ``final_stars``: after mandatory caps; ``certified``: 3–5★.
    - ``cap_reasons``: Vietnamese, one per unmet mandatory rule at or below ``band_stars``.
    - ``criterion_means``: mean counted points per criterion (half-up, 2 decimals), shown to the council.
    - ``pending_minimums``: rules at or below ``band_stars`` not yet judged (they hold the stars back until recorded).
    - ``advisory_mean``: the advisory team's mean total, shown beside the council's; used for nothing else.
    """

    mean: Decimal | None
    median: Decimal | None
    spread: Decimal | None
    counted: list[Hashable]
    quorum_met: bool
    quorum_needed: int
    flagged_pairs: list[tuple[Hashable, Hashable, Decimal]]
    diverging: list[tuple[str, Decimal]]
    band_stars: int | None
    final_stars: int | None
    cap_reasons: list[str]
    advisory_mean: Decimal | None
    quorum_base: int = 0
    quorum_notes: list[str] = field(default_factory=list)
    certified: bool | None = None
    criterion_means: dict[str, Decimal] = field(default_factory=dict)
    pending_minimums: list[MandatoryRule] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------------------------
# Numbers


def to_decimal(value, what: str = "value") -> Decimal:
    """``Decimal`` from a Decimal, int or numeric string; floats and bools are refused (no binary rounding)."""
    if isinstance(value, bool | float):
        raise TypeError(f"{what} must be a Decimal, int or string, not {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValueError(f"{what} is not a number: {value!r}") from None
    else:
        raise TypeError(f"{what} must be a Decimal, int or string, not {type(value).__name__}: {value!r}")
    if not result.is_finite():
        raise ValueError(f"{what} is not a finite number: {value!r}")
    return result


def round2(value: Decimal) -> Decimal:
    """Half-up to 2 decimals (70.005 → 70.01), the council's rounding."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal | None:
    return round2(sum(values, Decimal(0)) / len(values)) if values else None


def _median(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    middle = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return round2(middle)


def format_vi(value: Decimal, places: int | None = 2) -> str:
    """Vietnamese decimal comma: 1.5 → "1,50" (``places=2``); ``places=None`` drops trailing zeros: 2.0 → "2"."""
    if places is None:
        text = format(value.normalize(), "f")
    else:
        text = format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")
    return text.replace(".", ",")


# --------------------------------------------------------------------------------------------------------------------
# Bands


def load_bands(path: str | Path = DEFAULT_BANDS_PATH) -> list[Band]:
    """Read the star bands from YAML (``bands: [{stars, min_total, certified}]``), highest minimum first.

    Checks: at least one band, distinct stars and minimums, more stars for a higher minimum, the lowest minimum 0.
    Minimums must be ints or quoted strings (an unquoted ``89.5`` is a YAML float and is refused).
    """
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    rows = data.get("bands") if isinstance(data, dict) else None
    if not rows:
        raise ValueError(f"{path}: no 'bands' list")
    bands = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not {"stars", "min_total"} <= row.keys():
            raise ValueError(f"{path}: band {i} needs 'stars' and 'min_total'")
        stars = row["stars"]
        if isinstance(stars, bool) or not isinstance(stars, int) or stars < 1:
            raise ValueError(f"{path}: band {i}: stars must be a positive integer, not {stars!r}")
        bands.append(
            Band(
                stars=stars,
                min_total=to_decimal(row["min_total"], f"{path}: band {i}: min_total"),
                certified=bool(row.get("certified", False)),
            )
        )
    bands.sort(key=lambda b: b.min_total, reverse=True)
    if len({b.stars for b in bands}) != len(bands) or len({b.min_total for b in bands}) != len(bands):
        raise ValueError(f"{path}: stars and minimums must be distinct")
    for higher, lower in zip(bands, bands[1:], strict=False):
        if higher.stars <= lower.stars:
            raise ValueError(f"{path}: a higher minimum must give more stars ({higher} vs {lower})")
    if bands[-1].min_total != 0:
        raise ValueError(f"{path}: the lowest band must start at 0")
    if bands[0].min_total > MAX_TOTAL:
        raise ValueError(f"{path}: a band starts above {MAX_TOTAL}")
    return bands


def star_band(total: Decimal, bands: Iterable[Band]) -> int:
    """Stars for a total: the band with the highest ``min_total <= total`` (``>=`` on Decimals; 89.5 → 4)."""
    total = to_decimal(total, "total")
    if total < 0 or total > MAX_TOTAL:
        raise ValueError(f"total must be between 0 and {MAX_TOTAL}, not {total}")
    for band in sorted(bands, key=lambda b: b.min_total, reverse=True):
        if total >= band.min_total:
            return band.stars
    raise ValueError(f"no band for total {total}")


def is_certified(stars: int, bands: Iterable[Band]) -> bool:
    """Whether a star level is a certified OCOP result (3–5★ with the shipped bands)."""
    for band in bands:
        if band.stars == stars:
            return band.certified
    raise ValueError(f"no band with {stars} stars")


# --------------------------------------------------------------------------------------------------------------------
# Council


def council_result(
    sheets: Iterable[Sheet],
    *,
    council_member_ids: set,
    chair_id: Hashable,
    conflicted_ids: set | frozenset = frozenset(),
    mandatory: Iterable[MandatoryRule] = (),
    bands: Iterable[Band],
    quorum_ratio: Decimal = Decimal("0.75"),
    flag_gap: Decimal = Decimal("10"),
    presiding_title: str = "chủ tịch hội đồng",
) -> Result:
    """Combine the sheets of one product into the council's result.

    Counted sheets: submitted, not advisory, from a council member (the chair is a member even if absent from
    ``council_member_ids``), not in ``conflicted_ids``. Unsubmitted sheets, advisory sheets and sheets from outsiders
    never reach the mean, the quorum, the flags or the caps.

    Quorum: ``ceil(quorum_ratio × non-conflicted council members)`` counted sheets, the chair's among them.
    ``chair_id`` is the member presiding over the product: the chair, or the vice-chair presiding for a chair who
    declared a conflict (``presiding_title`` names them in the notes). A conflicted presiding member cannot score,
    so the quorum cannot be met; ``quorum_notes`` says why. Stars are computed
    whenever at least one sheet counts; whether an inquorate result may be used is the caller's decision.

    Flags: every pair of counted totals differing by more than ``flag_gap`` (exactly ``flag_gap`` is not flagged).
    Diverging criteria: per criterion, max − min of the counted members' points (members who left it out are skipped),
    only where that spread is above 0.

    Mandatory rules — the choices made here:

    - A rule is met when its recorded judgement (``rule.met``) is True. It is judged once for the product from the
      dossier, not from the members' options (issue "figures officials can trust" §3); a rule not yet judged holds
      the stars back like an unmet one and is listed in ``pending_minimums``, so the result cannot be locked early.
    - Rules are cumulative: reaching a star level needs the rules of that level and of every lower level (a 5★
      product must also meet the 3★ minimums). ``final_stars`` is the highest band ``<= band_stars`` whose rules and
      lower levels' rules are all met, never below the lowest band.
    - ``cap_reasons`` names every unmet rule at or below ``band_stars``, highest level first; rules above
      ``band_stars`` are irrelevant and not reported.
    """
    bands = list(bands)
    band_stars_set = {b.stars for b in bands}
    mandatory = list(mandatory)
    for rule in mandatory:
        if rule.stars not in band_stars_set:
            raise ValueError(f"mandatory rule for {rule.stars} stars, which is not a band: {rule}")
    quorum_ratio = to_decimal(quorum_ratio, "quorum_ratio")
    if not 0 < quorum_ratio <= 1:
        raise ValueError(f"quorum_ratio must be in (0, 1], not {quorum_ratio}")
    flag_gap = to_decimal(flag_gap, "flag_gap")
    for rule in mandatory:
        to_decimal(rule.min_points, f"min_points of {rule.criterion_code}")

    council = set(council_member_ids) | {chair_id}
    conflicted = set(conflicted_ids)

    counted_sheets: list[Sheet] = []
    advisory_totals: list[Decimal] = []
    seen: set = set()
    for sheet in sheets:
        if sheet.role not in ROLES:
            raise ValueError(f"unknown role {sheet.role!r} on the sheet of {sheet.member_id!r}")
        if sheet.role == "chair" and sheet.member_id != chair_id:
            raise ValueError(f"sheet of {sheet.member_id!r} has role 'chair' but the chair is {chair_id!r}")
        if not sheet.submitted:
            continue
        total = to_decimal(sheet.total, f"total of {sheet.member_id!r}")
        if sheet.role == "advisory":
            advisory_totals.append(total)
            continue
        if sheet.member_id not in council or sheet.member_id in conflicted:
            continue
        if sheet.member_id in seen:
            raise ValueError(f"more than one submitted sheet from {sheet.member_id!r}")
        seen.add(sheet.member_id)
        counted_sheets.append(sheet)

    totals = [to_decimal(s.total) for s in counted_sheets]
    counted = [s.member_id for s in counted_sheets]

    # Quorum
    base = len(council - conflicted)
    needed = int((quorum_ratio * base).to_integral_value(rounding=ROUND_CEILING))
    notes: list[str] = []
    if chair_id in conflicted:
        notes.append(
            "Chủ tịch hội đồng có xung đột lợi ích nên không chấm sản phẩm này; "
            "không thể đủ túc số vì túc số phải có chủ tịch hội đồng."
        )
    elif chair_id not in seen:
        notes.append(f"Chưa có phiếu chấm của {presiding_title}.")
    if len(counted) < needed:
        notes.append(
            f"Mới có {len(counted)} phiếu chấm hợp lệ, cần ít nhất {needed} "
            f"({format_vi(quorum_ratio * 100, None)}% của {base} thành viên không có xung đột lợi ích)."
        )
    quorum_met = not notes

    # Flags and divergence (advice for the discussion; nothing is dropped)
    flagged = []
    for a, b in combinations(counted_sheets, 2):
        diff = abs(to_decimal(a.total) - to_decimal(b.total))
        if diff > flag_gap:
            flagged.append((a.member_id, b.member_id, diff))
    flagged.sort(key=lambda pair: pair[2], reverse=True)

    by_criterion: dict[str, list[Decimal]] = {}
    for sheet in counted_sheets:
        for code, points in sheet.points.items():
            by_criterion.setdefault(code, []).append(to_decimal(points, f"points of {sheet.member_id!r} on {code}"))
    diverging = [(code, max(values) - min(values)) for code, values in by_criterion.items()]
    diverging = sorted(((code, spread) for code, spread in diverging if spread > 0), key=lambda d: (-d[1], d[0]))
    criterion_means = {code: _mean(values) for code, values in by_criterion.items()}

    mean = _mean(totals)
    # the band is taken on the exact mean; only the figure shown is rounded (89.996 shows 90,00 and is 4★)
    exact_mean = sum(totals, Decimal(0)) / len(totals) if totals else None
    band_stars = star_band(exact_mean, bands) if exact_mean is not None else None

    # Mandatory caps
    final_stars = band_stars
    cap_reasons: list[str] = []
    pending: list[MandatoryRule] = []
    if band_stars is not None:
        unmet = [rule for rule in mandatory if rule.stars <= band_stars and rule.met is not True]
        pending = [rule for rule in unmet if rule.met is None]
        if unmet:
            lowest_unmet = min(rule.stars for rule in unmet)
            allowed = [s for s in band_stars_set if s < lowest_unmet]
            final_stars = max(allowed) if allowed else min(band_stars_set)
        for rule in sorted(unmet, key=lambda r: (-r.stars, r.criterion_code)):
            if rule.met is None:
                detail = "chưa ghi nhận đạt hay không"
            else:
                detail = "hồ sơ không đạt" + (f": {rule.note}" if rule.note else "")
            cap_reasons.append(
                f"Chưa đạt yêu cầu tối thiểu cho {rule.stars} sao, tiêu chí {rule.criterion_code}: {rule.text} "
                f"({detail})"
            )

    return Result(
        mean=mean,
        median=_median(totals),
        spread=(max(totals) - min(totals)) if totals else None,
        counted=counted,
        quorum_met=quorum_met,
        quorum_needed=needed,
        flagged_pairs=flagged,
        diverging=diverging,
        band_stars=band_stars,
        final_stars=final_stars,
        cap_reasons=cap_reasons,
        advisory_mean=_mean(advisory_totals),
        quorum_base=base,
        quorum_notes=notes,
        certified=is_certified(final_stars, bands) if final_stars is not None else None,
        criterion_means=criterion_means,
        pending_minimums=pending,
    )
