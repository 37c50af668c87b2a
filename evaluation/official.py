"""Scoring sheets of an official decision, read from the structured text in evaluation/criteria/*-sheets.json.

The JSON files hold the printed sheets (provenance: evaluation/criteria/SOURCES.md): parts → criterion groups → criteria
(with sub-criteria) → options with points and star markers (`min_star`), the knock-out conditions (`eliminated_when`)
and the requirement notes printed under criteria. Wording and points are kept as printed. What the printed text gets
wrong or leaves out is never silently fixed: each case becomes a finding of the set, shown to the administrator, and
the sheet says how it is scored there:

- an option printed above its criterion's maximum (26/2026 sheet 4 "13" where the maximum is 3; sheet 11 "11" where
  it is 2) scores the criterion's maximum until a correction is recorded in the set file (`corrections`); where the
  set file says `over_max: keep` (1048, whose options add up to its parts) the option keeps its points;
- a criterion code printed twice on a sheet gets " (2)" on its second use;
- an option printed without points scores 0;
- a criterion printed without levels (the bilingual label, 1 point, on sheets 1–22 of 26/2026) is scored "Có" (its
  maximum) or "Không" (0);
- 1048's additive criteria (tourism, Part C: "cộng điểm các nội dung ghi Có") become one yes/no line per printed item;
- obvious glyph damage of the source (`glyph_fixes`, e.g. "Rýợu" → "Rượu") is repaired and listed.

Section codes are the sheet's own groups, `SS/G` (sheet number / group number as printed), so that each sheet keeps
its own headings — unless the set file groups a part's printed headings into sections (`sections`, e.g. 1048's Part C
in the three sections of 148: C1 sensory/nutrition/uniqueness, C2 product standard, C3 export): then the section is
`SS/C1` and each criterion keeps its printed heading ("6. CHỈ TIÊU CẢM QUAN") as its own heading.
"""

import json
from decimal import Decimal
from pathlib import Path

from core.text import fold
from evaluation.validation import CriterionSpec, OptionSpec, Origin, ScopeSpec, SectionSpec, SetSpec, fmt, to_points

PART_CODES_BY_INDEX = ("A", "B", "C")
YES, NO = "Có", "Không"


class _Sheets:
    def __init__(
        self, spec: SetSpec, glyph_fixes: dict, corrections: list, over_max: str, sections: dict | None = None
    ):
        self.spec = spec
        self.sections = sections or {}
        self.over_max = over_max
        self.glyph_fixes = glyph_fixes or {}
        self.used_fixes: set[str] = set()
        self.corrections = {(int(c["sheet"]), str(c["criterion"]), str(c["option"])): c for c in corrections or []}
        self.used_corrections: set = set()

    def text(self, value) -> str:
        text = " ".join(str(value or "").split())
        for bad, good in self.glyph_fixes.items():
            if bad in text:
                text = text.replace(bad, good)
                self.used_fixes.add(bad)
        return text

    def note(self, message: str) -> None:
        self.spec.reading_findings.append(message)

    def options(self, sheet_no: int, code: str, raw_options: list, maximum, origin: Origin) -> list[OptionSpec]:
        found = []
        label = f"phiếu {sheet_no:02d}, tiêu chí {code}"
        for n, raw in enumerate(raw_options, start=1):
            text = self.text(raw["text"])
            printed = raw.get("points")
            if printed is None:
                points = Decimal(0)
                self.note(f"{label}: mức '{text}' không in điểm; tính 0 điểm.")
            else:
                points = to_points(printed)
            printed_points = None
            correction = self.corrections.get((sheet_no, code, str(n)))
            if correction is not None:
                self.used_corrections.add((sheet_no, code, str(n)))
                printed_points, points = points, to_points(correction["points"])
                self.note(
                    f"{label}: mức '{text}' in {fmt(printed_points)} điểm; đã đính chính thành {fmt(points)} điểm "
                    f"({correction['basis']})."
                )
            elif maximum is not None and points > maximum and self.over_max == "keep":
                self.note(
                    f"{label}: mức '{text}' in {fmt(points)} điểm, trên điểm tối đa in cho tiêu chí ({fmt(maximum)}); "
                    "giữ điểm của mức như văn bản."
                )
            elif maximum is not None and points > maximum:
                printed_points, points = points, maximum
                self.note(
                    f"{label}: mức '{text}' in {fmt(printed_points)} điểm, vượt điểm tối đa {fmt(maximum)} của "
                    f"tiêu chí (lỗi in của văn bản); chấm tối đa {fmt(maximum)} điểm cho đến khi có văn bản đính chính."
                )
            stars = (int(raw["min_star"]),) if raw.get("min_star") else ()
            found.append(
                OptionSpec(
                    text=text,
                    points=points,
                    mandatory_for_stars=stars,
                    origin=origin.child(f"options[{n}]"),
                    printed_points=printed_points,
                    case_label=self.text(raw.get("case")),
                )
            )
        return found

    def criterion(self, sheet_no, raw, section: str, origin: Origin, heading: str = "", notes=()) -> list:
        code = self.text(raw["code"])
        name = self.text(raw["name"])
        maximum = to_points(raw["max"]) if raw.get("max") is not None else None
        co = origin.child(f"criteria[{code}]")
        all_notes = tuple(self.text(n) for n in (*notes, *(raw.get("notes") or [])) if self.text(n))
        flags = " ".join(raw.get("flags") or [])
        own = f"{heading} · {code} {name}" if heading else f"{code} {name}"  # the printed group, then the parent
        if raw.get("subcriteria"):
            items = []
            for sub in raw["subcriteria"]:
                items.extend(self.criterion(sheet_no, sub, section, origin, heading=own, notes=all_notes))
                all_notes = ()  # the parent's notes are printed once, under its first sub-criterion
            return items
        if "additive_options" in flags:
            self.note(
                f"phiếu {sheet_no:02d}, tiêu chí {code}: văn bản cộng điểm các nội dung ghi 'Có'; mỗi nội dung là "
                "một dòng Có/Không."
            )
            return [
                CriterionSpec(
                    code=f"{code}.{n}",
                    section=section,
                    text=self.text(option["text"]),
                    heading=own,
                    notes=all_notes if n == 1 else (),
                    options=[
                        OptionSpec(NO, Decimal(0), origin=co.child(f"options[{n}]")),
                        OptionSpec(YES, to_points(option["points"]), origin=co.child(f"options[{n}]")),
                    ],
                    origin=co,
                )
                for n, option in enumerate(raw["options"], start=1)
            ]
        if raw["options"]:
            options = self.options(sheet_no, code, raw["options"], maximum, co)
        else:
            self.note(
                f"phiếu {sheet_no:02d}, tiêu chí {code} ({name}): văn bản không in mức đánh giá; chấm "
                f"'{YES}' ({fmt(maximum)} điểm) hoặc '{NO}' (0 điểm)."
            )
            options = [OptionSpec(NO, Decimal(0), origin=co), OptionSpec(YES, maximum, origin=co)]
        if self.over_max == "keep" and maximum is not None and any(o.points > maximum for o in options):
            maximum = None  # the printed maximum is the misprint, already a finding
        return [
            CriterionSpec(
                code=code,
                section=section,
                text=name,
                options=options,
                max_points=maximum,  # a best option below it is reported by the validation
                origin=co,
                heading=heading,
                notes=all_notes,
            )
        ]

    def grouped_section(self, sheet_no: int, part_code: str, group) -> dict | None:
        """The set file's section for a printed heading of `part_code` (first whose words the heading contains,
        compared folded: the printed headings carry glyph damage), or None to keep the heading as its own section."""
        rule = self.sections.get(part_code)
        if not rule or sheet_no in rule.get("skip_sheets", ()):
            return None
        name = fold(self.text(group["name"]))
        for target in rule["sections"]:
            if any(fold(word) in name for word in target["match"]):
                return target
        self.note(
            f"phiếu {sheet_no:02d}: đề mục '{self.text(group['name'])}' không thuộc mục nào của phần {part_code}."
        )
        return None

    def scope(self, raw) -> ScopeSpec:
        no = int(raw["no"])
        so = Origin(path=f"{self.spec.code}.sheets[{no:02d}]")
        criteria = []
        merged: dict[str, SectionSpec] = {}
        for index, part in enumerate(raw["parts"]):
            part_code = PART_CODES_BY_INDEX[index]
            for group in part["groups"]:
                target = self.grouped_section(no, part_code, group)
                group_notes = tuple(self.text(n) for n in group.get("notes") or [] if self.text(n))
                heading = ""
                if target is None:
                    section = f"{no:02d}/{group['no']}"
                    self.spec.sections.append(
                        SectionSpec(
                            section,
                            self.text(group["name"]),
                            part_code,
                            so.child(f"groups[{group['no']}]"),
                            group_notes,
                        )
                    )
                else:
                    section = f"{no:02d}/{target['code']}"
                    heading = f"{group['no']}. {self.text(group['name'])}"
                    if section not in merged:
                        merged[section] = SectionSpec(
                            section, target["name"], part_code, so.child(f"groups[{target['code']}]"), ()
                        )
                        self.spec.sections.append(merged[section])
                    if group_notes:
                        labelled = tuple(f"{heading}: {note}" for note in group_notes)
                        merged[section].notes = (*merged[section].notes, *labelled)
                for criterion in group["criteria"]:
                    criteria.extend(self.criterion(no, criterion, section, so, heading=heading))
        seen: dict[str, int] = {}
        for criterion in criteria:
            if criterion.code in seen:
                seen[criterion.code] += 1
                printed, criterion.code = criterion.code, f"{criterion.code} ({seen[criterion.code]})"
                self.note(f"phiếu {no:02d}: mã tiêu chí {printed} in lặp lại; lần sau ghi là {criterion.code}.")
            else:
                seen[criterion.code] = 1
        eliminated = raw.get("eliminated_when") or []
        if isinstance(eliminated, str):
            eliminated = [eliminated]
        return ScopeSpec(
            code=f"{no:02d}",
            criteria=criteria,
            origin=so,
            number=no,
            title=self.text(raw["name"]),
            classification=self.text(raw.get("classification")),
            eliminated_when=tuple(self.text(e) for e in eliminated if self.text(e)),
            notes=tuple(self.text(n) for n in raw.get("notes") or [] if self.text(n).strip("- ")),
        )


def read_sheets(
    spec: SetSpec,
    path: Path,
    *,
    glyph_fixes: dict | None = None,
    corrections: list | None = None,
    over_max: str = "cap",
    sections: dict | None = None,
):
    """Add the sheets of `path` (and their groups as sections) to `spec`, recording every finding on it.

    `over_max`: what an option printed above its criterion's printed maximum scores: "cap" (the maximum: the option
    is the misprint, as in 26/2026 where the sheets add up with the maxima) or "keep" (its printed points: the stated
    maximum is the misprint, as in 1048 where the options add up to the parts).
    """
    if over_max not in ("cap", "keep"):
        raise ValueError(f"over_max must be 'cap' or 'keep', not {over_max!r}")
    data = json.loads(path.read_text(encoding="utf-8"))
    reader = _Sheets(spec, glyph_fixes, corrections, over_max, sections)
    spec.official = True
    for raw in data["sheets"]:
        spec.scopes.append(reader.scope(raw))
    for bad in sorted(reader.used_fixes):
        reader.note(f"chữ hỏng trong bản nguồn '{bad}' được sửa thành '{glyph_fixes[bad]}'.")
    for key in sorted(set(reader.corrections) - reader.used_corrections):
        reader.note(f"đính chính cho phiếu {key[0]:02d}, tiêu chí {key[1]}, mức {key[2]} không khớp mức nào.")
    return spec
