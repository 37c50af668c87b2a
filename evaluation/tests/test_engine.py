"""The council's arithmetic (evaluation.engine): pure functions, no database."""

from decimal import Decimal as D

import pytest

from evaluation.engine import (
    DEFAULT_BANDS_PATH,
    Band,
    MandatoryRule,
    Sheet,
    council_result,
    is_certified,
    load_bands,
    star_band,
)

BANDS = load_bands()
CHAIR = "chair"
COUNCIL = {CHAIR, "m1", "m2", "m3"}


def sheet(member_id, total, *, role=None, points=None, submitted=True):
    if role is None:
        role = "chair" if member_id == CHAIR else "member"
    return Sheet(member_id=member_id, role=role, total=D(total), points=points or {}, submitted=submitted)


def result(sheets, **kwargs):
    kwargs.setdefault("council_member_ids", COUNCIL)
    kwargs.setdefault("chair_id", CHAIR)
    kwargs.setdefault("bands", BANDS)
    return council_result(sheets, **kwargs)


def full_council(*totals, **sheet_kwargs):
    """Chair, m1, m2, m3 with the given totals, in that order."""
    return [sheet(mid, t, **sheet_kwargs) for mid, t in zip([CHAIR, "m1", "m2", "m3"], totals, strict=False)]


# --- bands -------------------------------------------------------------------------------------------------------


def test_shipped_bands():
    assert DEFAULT_BANDS_PATH.name == "star_bands.yaml"
    assert [(b.stars, b.min_total) for b in BANDS] == [(5, D(90)), (4, D(70)), (3, D(50)), (2, D(30)), (1, D(0))]
    assert all(isinstance(b.min_total, D) for b in BANDS)
    assert [s for s in range(1, 6) if is_certified(s, BANDS)] == [3, 4, 5]


@pytest.mark.parametrize(
    ("total", "stars"),
    [
        ("0", 1),
        ("29.99", 1),
        ("30", 2),
        ("30.00", 2),
        ("49.99", 2),
        ("50", 3),
        ("69.99", 3),
        ("70", 4),
        ("89.5", 4),
        ("89.99", 4),
        ("90", 5),
        ("100", 5),
    ],
)
def test_band_edges(total, stars):
    assert star_band(D(total), BANDS) == stars


def test_band_accepts_int_and_refuses_float_and_out_of_range():
    assert star_band(90, BANDS) == 5
    with pytest.raises(TypeError):
        star_band(89.5, BANDS)
    for bad in ("-0.01", "100.01"):
        with pytest.raises(ValueError):
            star_band(D(bad), BANDS)


def test_load_bands_refuses_unquoted_float(tmp_path):
    path = tmp_path / "bands.yaml"
    path.write_text("bands:\n  - {stars: 2, min_total: 30.5}\n  - {stars: 1, min_total: 0}\n", encoding="utf-8")
    with pytest.raises(TypeError):
        load_bands(path)


def test_load_bands_custom_file_sorted(tmp_path):
    path = tmp_path / "bands.yaml"
    path.write_text(
        'bands:\n  - {stars: 1, min_total: 0}\n  - {stars: 2, min_total: "30.5", certified: true}\n', encoding="utf-8"
    )
    assert load_bands(path) == [Band(2, D("30.5"), True), Band(1, D(0), False)]


def test_load_bands_refuses_inconsistent_bands(tmp_path):
    path = tmp_path / "bands.yaml"
    path.write_text("bands:\n  - {stars: 1, min_total: 50}\n  - {stars: 2, min_total: 0}\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_bands(path)


# --- mean, median, spread ----------------------------------------------------------------------------------------


def test_mean_is_rounded_to_two_decimals():
    r = result(full_council("70", "71", "71"))
    assert r.mean == D("70.67")
    assert r.mean.as_tuple().exponent == -2
    assert r.median == D("71.00")
    assert r.spread == D("1")
    assert r.band_stars == r.final_stars == 4


def test_mean_rounds_half_up():
    # (70.00 + 70.01) / 2 = 70.005: half-up gives 70.01 (banker's rounding would give 70.00).
    assert result(full_council("70.00", "70.01")).mean == D("70.01")
    # (50.00 + 50.00 + 50.01 + 50.01) / 4 = 50.005
    assert result(full_council("50.00", "50.00", "50.01", "50.01")).mean == D("50.01")


def test_median_of_even_count():
    r = result(full_council("60", "70", "80", "95"))
    assert r.median == D("75.00")
    assert r.spread == D("35")


def test_band_is_taken_on_the_exact_mean_not_the_rounded_one():
    # 89.995 is shown rounded half-up as 90.00 but is below 90: 4★ (only the figure shown is rounded).
    r = result(full_council("89.99", "90.00"))
    assert r.mean == D("90.00")
    assert (r.band_stars, r.final_stars) == (4, 4)
    # (89.99 + 89.99 + 90.03) / 3 = 90.0033…: shown 90.00 and 5★
    r = result(full_council("89.99", "89.99", "90.03"))
    assert (r.mean, r.band_stars) == (D("90.00"), 5)
    # exactly on the edge: 5★
    assert result(full_council("89.98", "90.02")).band_stars == 5


# --- flags and divergence ----------------------------------------------------------------------------------------


def test_gap_of_exactly_ten_is_not_flagged():
    assert result(full_council("60", "70")).flagged_pairs == []
    assert result(full_council("60.00", "70.00")).flagged_pairs == []


def test_gap_above_ten_is_flagged_and_nothing_dropped():
    r = result(full_council("60", "70.01", "65"))
    assert r.flagged_pairs == [(CHAIR, "m1", D("10.01"))]
    assert r.counted == [CHAIR, "m1", "m2"]
    assert r.mean == D("65.00")


def test_flagged_pairs_largest_first():
    r = result(full_council("50", "61", "75"))
    assert r.flagged_pairs == [(CHAIR, "m2", D(25)), ("m1", "m2", D(14)), (CHAIR, "m1", D(11))]


def test_custom_flag_gap():
    assert result(full_council("60", "66"), flag_gap=D(5)).flagged_pairs == [(CHAIR, "m1", D(6))]


def test_diverging_criteria_sorted_by_spread():
    sheets = [
        sheet(CHAIR, "70", points={"A1": D(1), "B1": D(3), "C1": D(2), "C2": D(4)}),
        sheet("m1", "72", points={"A1": D(3), "B1": D(3), "C1": D(5), "C2": D(2)}),
        sheet("m2", "71", points={"A1": D(2), "B1": D(3), "C1": D(4), "C2": D(3)}),
    ]
    r = result(sheets)
    # C1 spread 3; A1 and C2 spread 2 (tie → by code); B1 spread 0 is left out.
    assert r.diverging == [("C1", D(3)), ("A1", D(2)), ("C2", D(2))]


# --- conflicts of interest and quorum ----------------------------------------------------------------------------


def test_conflicted_member_left_out_of_mean_and_quorum_base():
    sheets = full_council("70", "72", "74", "100")
    r = result(sheets, conflicted_ids={"m3"})
    assert r.counted == [CHAIR, "m1", "m2"]
    assert r.mean == D("72.00")
    assert r.flagged_pairs == []
    assert r.quorum_base == 3
    assert r.quorum_needed == 3  # ceil(0.75 × 3)
    assert r.quorum_met is True
    assert r.quorum_notes == []


def test_quorum_needed_is_rounded_up():
    council = {CHAIR, "m1", "m2", "m3", "m4"}
    r = result(full_council("70", "70", "70"), council_member_ids=council)
    assert r.quorum_base == 5
    assert r.quorum_needed == 4  # ceil(3.75)
    assert r.quorum_met is False
    assert "cần ít nhất 4" in r.quorum_notes[0]


def test_quorum_met_with_chair():
    r = result(full_council("70", "70", "70"))
    assert (r.quorum_base, r.quorum_needed, r.quorum_met) == (4, 3, True)


def test_quorum_not_met_without_chair():
    sheets = [sheet("m1", "70"), sheet("m2", "70"), sheet("m3", "70")]
    r = result(sheets)
    assert len(r.counted) == 3 >= r.quorum_needed
    assert r.quorum_met is False
    assert r.quorum_notes == ["Chưa có phiếu chấm của chủ tịch hội đồng."]
    assert r.mean == D("70.00")  # still computed; using an inquorate result is the caller's decision


def test_quorum_not_met_when_too_few():
    r = result(full_council("70", "70"))
    assert r.quorum_met is False
    assert r.quorum_notes == [
        "Mới có 2 phiếu chấm hợp lệ, cần ít nhất 3 (75% của 4 thành viên không có xung đột lợi ích)."
    ]


def test_conflicted_chair_means_no_quorum():
    sheets = full_council("95", "70", "70", "70")
    r = result(sheets, conflicted_ids={CHAIR})
    assert r.counted == ["m1", "m2", "m3"]
    assert r.mean == D("70.00")
    assert r.quorum_met is False
    assert "xung đột lợi ích" in r.quorum_notes[0]
    assert "chủ tịch" in r.quorum_notes[0].lower()


def test_chair_counts_even_if_not_listed_as_member():
    r = result(full_council("70", "70", "70"), council_member_ids={"m1", "m2", "m3"})
    assert r.counted == [CHAIR, "m1", "m2"]
    assert r.quorum_base == 4
    assert r.quorum_met is True


def test_outsiders_are_ignored():
    r = result(full_council("70", "70", "70") + [sheet("stranger", "10")])
    assert r.counted == [CHAIR, "m1", "m2"]
    assert r.mean == D("70.00")


def test_duplicate_sheet_refused():
    with pytest.raises(ValueError):
        result(full_council("70", "70") + [sheet("m1", "80")])


# --- advisory team -----------------------------------------------------------------------------------------------


def test_advisory_never_counts():
    sheets = full_council("70", "71", "71") + [
        sheet("adv1", "100", role="advisory", points={"A1": D(0)}),
        sheet("adv2", "99", role="advisory"),
    ]
    r = result(sheets, mandatory=[MandatoryRule(4, "A1", D(1), "A1", met=True)])
    assert r.mean == D("70.67")
    assert r.counted == [CHAIR, "m1", "m2"]
    assert r.flagged_pairs == []
    assert r.quorum_needed == 3
    assert r.advisory_mean == D("99.50")
    assert r.criterion_means == {}  # the advisory team's points are not the council's
    assert r.final_stars == 4  # the advisory team's 0 on A1 judges nothing: the recorded minimum is met


def test_advisory_alone_gives_no_result():
    r = result([sheet("adv1", "100", role="advisory")])
    assert r.mean is None
    assert r.advisory_mean == D("100.00")
    assert r.band_stars is None
    assert r.quorum_met is False


# --- unsubmitted sheets ------------------------------------------------------------------------------------------


def test_unsubmitted_sheets_ignored():
    sheets = full_council("80", "80", "80") + [sheet("m3", "0", submitted=False)]
    r = result(sheets)
    assert r.counted == [CHAIR, "m1", "m2"]
    assert r.mean == D("80.00")
    assert r.flagged_pairs == []


def test_unsubmitted_chair_sheet_breaks_quorum():
    sheets = [sheet(CHAIR, "80", submitted=False), sheet("m1", "80"), sheet("m2", "80"), sheet("m3", "80")]
    r = result(sheets)
    assert CHAIR not in r.counted
    assert r.quorum_met is False


def test_no_counted_sheets():
    r = result([sheet(CHAIR, "80", submitted=False)])
    assert r.counted == []
    assert (r.mean, r.median, r.spread) == (None, None, None)
    assert (r.band_stars, r.final_stars, r.certified) == (None, None, None)
    assert r.cap_reasons == []
    assert r.quorum_met is False


# --- star minimums (judged once per product, never from the members' points) --------------------------------------

RULES = [
    ("C8", 3, "Có tiêu chuẩn sản phẩm được công bố"),
    ("C9", 4, "Có kiểm nghiệm an toàn thực phẩm định kỳ"),
    ("C11", 5, "Có khả năng xuất khẩu"),
]


def rules(c8=True, c9=True, c11=True, **notes):
    """The three minimums with their recorded judgement (True, False, or None: not yet judged) and notes."""
    met = {"C8": c8, "C9": c9, "C11": c11}
    return [
        MandatoryRule(stars, code, D(1), text, met=met[code], note=notes.get(code, "")) for code, stars, text in RULES
    ]


def mandatory_sheets(total, **points):
    """Chair, m1, m2, m3 each with ``total`` and per-member points, e.g. C11=(1, 2, 1, 2)."""
    members = [CHAIR, "m1", "m2", "m3"]
    return [sheet(mid, total, points={code: D(v[i]) for code, v in points.items()}) for i, mid in enumerate(members)]


def test_a_rule_is_unjudged_until_recorded():
    rule = MandatoryRule(4, "C9", D(2), "x")
    assert (rule.met, rule.note) == (None, "")


def test_all_minimums_met():
    r = result(full_council("92", "92", "92"), mandatory=rules())
    assert (r.band_stars, r.final_stars, r.certified) == (5, 5, True)
    assert r.cap_reasons == [] and r.pending_minimums == []


def test_a_five_star_minimum_not_met_caps_at_four_with_the_note():
    r = result(full_council("92", "92", "92"), mandatory=rules(c11=False, C11="Chưa có hợp đồng xuất khẩu"))
    assert r.mean == D("92.00")
    assert (r.band_stars, r.final_stars, r.certified) == (5, 4, True)
    assert r.cap_reasons == [
        "Chưa đạt yêu cầu tối thiểu cho 5 sao, tiêu chí C11: Có khả năng xuất khẩu (hồ sơ không đạt: "
        "Chưa có hợp đồng xuất khẩu)"
    ]
    assert r.pending_minimums == []  # judged, not pending


def test_a_minimum_not_met_without_a_note():
    r = result(full_council("80", "80", "80"), mandatory=rules(c9=False))
    assert r.final_stars == 3
    assert r.cap_reasons == [
        "Chưa đạt yêu cầu tối thiểu cho 4 sao, tiêu chí C9: Có kiểm nghiệm an toàn thực phẩm định kỳ (hồ sơ không đạt)"
    ]


def test_a_three_star_minimum_not_met_caps_below_the_band_and_is_not_certified():
    r = result(full_council("92", "92", "92"), mandatory=rules(c8=False, C8="Chưa công bố tiêu chuẩn"))
    assert (r.band_stars, r.final_stars, r.certified) == (5, 2, False)
    assert r.cap_reasons == [
        "Chưa đạt yêu cầu tối thiểu cho 3 sao, tiêu chí C8: Có tiêu chuẩn sản phẩm được công bố "
        "(hồ sơ không đạt: Chưa công bố tiêu chuẩn)"
    ]


def test_minimums_are_cumulative():
    # a 5★ product must meet the 3★ and 4★ minimums too: the lowest level missed sets the stars
    assert result(full_council("95", "95", "95"), mandatory=rules(c9=False)).final_stars == 3
    assert result(full_council("95", "95", "95"), mandatory=rules(c8=False)).final_stars == 2
    assert result(full_council("75", "75", "75"), mandatory=rules(c8=False)).final_stars == 2


def test_several_unmet_minimums_reported_highest_first():
    r = result(full_council("92", "92", "92"), mandatory=rules(c9=False, c11=False))
    assert r.final_stars == 3
    assert [reason.split(",")[0] for reason in r.cap_reasons] == [
        "Chưa đạt yêu cầu tối thiểu cho 5 sao",
        "Chưa đạt yêu cầu tối thiểu cho 4 sao",
    ]


def test_same_level_reasons_by_criterion_code():
    extra = MandatoryRule(4, "A2", D(1), "Có nhãn hàng hóa", met=False)
    r = result(full_council("80", "80", "80"), mandatory=[*rules(c9=False), extra])
    assert r.final_stars == 3
    assert [reason.split(":")[0] for reason in r.cap_reasons] == [
        "Chưa đạt yêu cầu tối thiểu cho 4 sao, tiêu chí A2",
        "Chưa đạt yêu cầu tối thiểu cho 4 sao, tiêu chí C9",
    ]


def test_unjudged_minimums_hold_the_stars_back_and_are_pending():
    r = result(full_council("92", "92", "92"), mandatory=rules(c9=None, c11=None))
    assert (r.band_stars, r.final_stars) == (5, 3)
    assert [(rule.criterion_code, rule.stars) for rule in r.pending_minimums] == [("C9", 4), ("C11", 5)]
    assert r.cap_reasons == [
        "Chưa đạt yêu cầu tối thiểu cho 5 sao, tiêu chí C11: Có khả năng xuất khẩu (chưa ghi nhận đạt hay không)",
        "Chưa đạt yêu cầu tối thiểu cho 4 sao, tiêu chí C9: Có kiểm nghiệm an toàn thực phẩm định kỳ "
        "(chưa ghi nhận đạt hay không)",
    ]


def test_pending_lists_only_unjudged_rules_not_the_unmet_ones():
    r = result(full_council("92", "92", "92"), mandatory=rules(c8=None, c9=False))
    assert r.final_stars == 2
    assert [rule.criterion_code for rule in r.pending_minimums] == ["C8"]
    assert len(r.cap_reasons) == 2


def test_minimums_above_the_band_do_not_matter():
    r = result(full_council("80", "80", "80"), mandatory=rules(c11=False))
    assert (r.band_stars, r.final_stars) == (4, 4) and r.cap_reasons == []
    r = result(full_council("80", "80", "80"), mandatory=rules(c11=None))
    assert (r.band_stars, r.final_stars) == (4, 4)
    assert r.cap_reasons == [] and r.pending_minimums == []  # a 5★ rule need not be judged for a 4★ product
    r = result(full_council("60", "60", "60"), mandatory=rules(c9=None, c11=None))
    assert (r.band_stars, r.final_stars, r.pending_minimums) == (3, 3, [])


def test_below_the_certified_bands_no_minimum_applies():
    r = result(full_council("40", "40", "40"), mandatory=rules(c8=None, c9=False))
    assert (r.band_stars, r.final_stars, r.certified) == (2, 2, False)
    assert r.cap_reasons == [] and r.pending_minimums == []


def test_no_counted_sheets_nothing_pending():
    r = result([sheet(CHAIR, "80", submitted=False)], mandatory=rules(c8=None, c9=None, c11=None))
    assert (r.band_stars, r.final_stars) == (None, None)
    assert r.cap_reasons == [] and r.pending_minimums == []


def test_one_members_zero_no_longer_caps():
    # m3 chose nothing on the marked options: the minimum is a fact of the dossier, judged met
    sheets = mandatory_sheets("92", C8=(1, 1, 1, 0), C9=(2, 2, 2, 0), C11=(2, 2, 2, 0))
    r = result(sheets, mandatory=rules())
    assert r.criterion_means["C8"] == D("0.75")  # still shown to the council
    assert (r.final_stars, r.cap_reasons) == (5, [])


def test_members_points_cannot_meet_an_unmet_minimum():
    sheets = mandatory_sheets("92", C8=(1, 1, 1, 1), C9=(2, 2, 2, 2), C11=(5, 5, 5, 5))
    assert result(sheets, mandatory=rules(c11=False)).final_stars == 4
    assert result(sheets, mandatory=rules(c11=None)).final_stars == 4


def test_rule_for_unknown_star_level_refused():
    with pytest.raises(ValueError):
        result(full_council("70"), mandatory=[MandatoryRule(6, "X", D(1), "x")])


def test_rule_with_float_points_refused():
    with pytest.raises(TypeError):
        result(full_council("70"), mandatory=[MandatoryRule(4, "X", 1.5, "x", met=True)])
