"""Cell rules (DESIGN.md §4): every parser in `wenming_cli.cells`, with real values.

The GB 11643-1999 check digit is recomputed here by an independent implementation, and Excel
serial numbers are checked against openpyxl's own conversion.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import from_excel

from wenming_cli.cells import (
    YES_NO,
    PlanTime,
    Problem,
    clean_text,
    id_birth_date,
    id_check_digit,
    id_gender,
    normalise_key,
    parse_date,
    parse_enum,
    parse_files,
    parse_id_card,
    parse_longtext,
    parse_number,
    parse_phone,
    parse_plan_time,
    parse_text,
)
from wenming_cli.issues import ERROR, WARNING

# ---------------------------------------------------------------- helpers

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"


def gb11643_check(first17: str) -> str:
    """Independent GB 11643-1999 check character: sum(a_i * w_i) mod 11 → '10X98765432'."""
    assert len(first17) == 17 and first17.isascii() and first17.isdigit()
    total = 0
    for i, ch in enumerate(first17):
        total += (ord(ch) - ord("0")) * WEIGHTS[i]
    return CHECK_CHARS[total % 11]


def make_id(area: str, birth: date, seq: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + gb11643_check(first17)


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def only(problems: list[Problem], code: str, severity: str = ERROR) -> Problem:
    """The single problem, asserting its code and severity."""
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.code == code
    assert problem.severity == severity
    assert problem.message and problem.hint
    return problem


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# Known-good IDs, built with the independent implementation.
ID_A = make_id("610724", date(1990, 1, 1), 123)
ID_B = make_id("610702", date(1985, 12, 31), 45)
ID_C = make_id("110101", date(2000, 2, 29), 7)
# One whose check character is X (searched deterministically).
ID_X = next(
    make_id("610724", date(1990, 1, 1), seq)
    for seq in range(1000)
    if make_id("610724", date(1990, 1, 1), seq).endswith("X")
)
VALID_IDS = [ID_A, ID_B, ID_C, ID_X]


def test_reference_check_digit_known_values() -> None:
    # Published example of GB 11643-1999: 11010519491231002X.
    assert gb11643_check("11010519491231002") == "X"
    # Another widely cited sample: 440524188001010014.
    assert gb11643_check("44052418800101001") == "4"
    assert ID_X.endswith("X")


# ---------------------------------------------------------------- 身份证号码


@pytest.mark.parametrize("value", VALID_IDS)
def test_id_card_valid(value: str) -> None:
    assert parse_id_card(value) == (value, [])
    assert id_check_digit(value[:17]) == value[17]


def test_id_card_module_check_digit_agrees_with_reference() -> None:
    for seq in range(0, 1000, 7):
        first17 = f"610724199001{seq % 28 + 1:02d}{seq:03d}"
        assert id_check_digit(first17) == gb11643_check(first17)


def test_id_card_lower_case_x_is_upper_cased() -> None:
    assert parse_id_card(ID_X.lower()) == (ID_X, [])
    assert parse_id_card(ID_X[:17] + "x") == (ID_X, [])


@pytest.mark.parametrize(
    "raw",
    [
        f" {ID_A} ",
        f"{ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}",
        f"\u3000{ID_A}\u3000",
        f"{ID_A[:6]}\u3000{ID_A[6:]}",
        f"{ID_A[:9]}\u00a0{ID_A[9:]}",
        f"{ID_A}\n",
        f"\t{ID_A[:10]} \u3000 {ID_A[10:]}",
    ],
)
def test_id_card_spaces_stripped(raw: str) -> None:
    assert parse_id_card(raw) == (ID_A, [])


def test_id_card_birth_and_gender_helpers() -> None:
    assert id_birth_date(ID_A) == date(1990, 1, 1)
    assert id_birth_date(ID_C) == date(2000, 2, 29)
    # 17th digit of ID_A is the last sequence digit 3 → odd → 男.
    assert id_gender(ID_A) == "男"
    female = make_id("610724", date(1990, 1, 1), 124)
    assert id_gender(female) == "女"


@pytest.mark.parametrize("blank", [None, "", "   ", "\u3000", "\n\t"])
def test_id_card_blank(blank: object) -> None:
    assert parse_id_card(blank) == (None, [])


@pytest.mark.parametrize(
    "raw",
    [
        610724199001011234,
        int(ID_A),
        6.10724199001011e17,
        float(ID_A),
        610724199001011234.0,
    ],
)
def test_id_card_numeric_cell(raw: object) -> None:
    value, problems = parse_id_card(raw)
    assert value is None
    problem = only(problems, "id-card-numeric")
    # The hint says how to fix it: set the column to 文本 and re-enter.
    assert "文本" in problem.hint
    assert "15" in problem.hint
    assert str(raw) not in problem.message


@pytest.mark.parametrize("raw", ["6.10724E+17", "6.10724e+17", "6.10724E17", " 6.10724E+17 "])
def test_id_card_scientific_text(raw: str) -> None:
    value, problems = parse_id_card(raw)
    assert value is None
    problem = only(problems, "id-card-numeric")
    assert "文本" in problem.hint


def test_id_card_old_15_digits() -> None:
    old = "610724900101123"
    value, problems = parse_id_card(old)
    assert value is None
    problem = only(problems, "id-card-old")
    assert old not in problem.message
    assert "18" in problem.hint


@pytest.mark.parametrize(
    "raw",
    [
        ID_A[:17],  # 17 characters
        ID_A + "1",  # 19 characters
        ID_A[:16] + "A" + ID_A[17],  # letter inside
        "ABCDEFGHIJKLMNOPQR",  # letters
        ID_A[:17] + "Y",  # wrong last letter
        "X" + ID_A[1:],  # X in the wrong place
        ID_A[:10] + "-" + ID_A[10:],  # hyphen
        "12345",
        "abc",
    ],
)
def test_id_card_format(raw: str) -> None:
    value, problems = parse_id_card(raw)
    assert value is None
    problem = only(problems, "id-card-format")
    assert raw not in problem.message


@pytest.mark.parametrize(
    "birth",
    ["19900230", "19900132", "19901301", "19900000", "19000229", "20230229", "00000101"],
)
def test_id_card_birthdate(birth: str) -> None:
    first17 = "610724" + birth + "123"
    raw = first17 + gb11643_check(first17)  # check digit right, date impossible
    value, problems = parse_id_card(raw)
    assert value is None
    problem = only(problems, "id-card-birthdate")
    assert raw not in problem.message


@pytest.mark.parametrize("valid", VALID_IDS)
@pytest.mark.parametrize("position", [0, 5, 16, 17])
def test_id_card_checksum_one_digit_changed(valid: str, position: int) -> None:
    old = valid[position]
    new = "5" if old != "5" else "6"
    raw = valid[:position] + new + valid[position + 1 :]
    assert gb11643_check(raw[:17]) != raw[17]  # a single substitution is always detected
    value, problems = parse_id_card(raw)
    assert value is None
    problem = only(problems, "id-card-checksum")
    assert raw not in problem.message
    assert raw[:6] in problem.message and raw[-4:] in problem.message  # masked, not dropped
    assert "*" * 8 in problem.message


def test_id_card_swapped_digits_detected() -> None:
    assert ID_A[14:17] == "123"
    raw = ID_A[:14] + "213" + ID_A[17:]  # adjacent transposition in the sequence number
    assert parse_id_card(raw) == (None, parse_id_card(raw)[1])
    assert codes(parse_id_card(raw)[1]) == ["id-card-checksum"]


@pytest.mark.parametrize("raw", [True, False, date(1990, 1, 1), datetime(1990, 1, 1, 12, 0)])
def test_id_card_other_types_are_format_errors(raw: object) -> None:
    value, problems = parse_id_card(raw)
    assert value is None
    assert codes(problems) == ["id-card-format"]


def test_id_card_non_ascii_digit_does_not_crash() -> None:
    # '²' is str.isdigit() but not int()-able; the parser must report, not raise.
    raw = "²" + ID_A[1:]
    value, problems = parse_id_card(raw)
    assert value is None
    assert errors(problems)


@pytest.mark.parametrize(
    "raw",
    [to_fullwidth(ID_A), to_fullwidth(ID_X), to_fullwidth(ID_A[:17]) + ID_A[17]],
    ids=["fullwidth", "fullwidth-X", "fullwidth-17-ascii-check"],
)
def test_id_card_fullwidth_digits_normalised_or_rejected(raw: str) -> None:
    # A returned ID is always the canonical ASCII form (duplicate checks compare strings).
    value, problems = parse_id_card(raw)
    assert value is None or re.fullmatch(r"[0-9]{17}[0-9X]", value), value
    if value is None:
        assert errors(problems)


# ---------------------------------------------------------------- 联系电话


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        13812345678,
        13812345678.0,
        " 138 1234 5678 ",
        "138-1234-5678",
        "+86 138 1234 5678",
        "8613812345678",
        "\u300013812345678",
    ],
)
def test_phone_mobile(raw: object) -> None:
    assert parse_phone(raw) == ("13812345678", [])


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_phone_mobile_prefixes(prefix: str) -> None:
    number = prefix + "912345678"
    assert parse_phone(number) == (number, [])


@pytest.mark.parametrize(
    "raw",
    [
        "0916-6323126",
        "09166323126",
        "(0916)6323126",
        "（0916）6323126",
        "0916 6323126",
        "0916—6323126",
        "0916－6323126",
    ],
)
def test_phone_landline(raw: str) -> None:
    assert parse_phone(raw) == ("0916-6323126", [])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("010-12345678", "010-12345678"),
        ("(010)12345678", "010-12345678"),
        ("029-88886666", "029-88886666"),
        ("0916-63231260", "0916-63231260"),
    ],
)
def test_phone_landline_explicit_area_code_kept(raw: str, expected: str) -> None:
    # The clerk's own separator says where the area code ends.
    assert parse_phone(raw) == (expected, [])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("02988886666", "029-88886666"), ("01012345678", "010-12345678")],
)
def test_phone_landline_three_digit_area_codes(raw: str, expected: str) -> None:
    # China's 3-digit area codes are 010 and 02x; with 8-digit local numbers.
    assert parse_phone(raw) == (expected, [])


@pytest.mark.parametrize("raw", ["6323126", 6323126, 6323126.0, "63231260"])
def test_phone_local_number_warns(raw: object) -> None:
    value, problems = parse_phone(raw)
    expected = str(int(raw)) if not isinstance(raw, str) else raw
    assert value == expected
    problem = only(problems, "phone-no-area-code", WARNING)
    assert expected not in problem.message
    assert "0916" in problem.hint


@pytest.mark.parametrize(
    "raw", ["12345", "1381234567", "abc", "138123456789", "12812345678", 12345]
)
def test_phone_invalid(raw: object) -> None:
    value, problems = parse_phone(raw)
    assert value is None
    only(problems, "phone-invalid")


def test_phone_area_code_with_short_number_is_not_a_local_number() -> None:
    # '0916-123' has an area code and a 3-digit number: not a 7-digit local number '0916123'.
    value, problems = parse_phone("0916-123")
    assert value is None
    only(problems, "phone-invalid")


def test_phone_invalid_message_masks_digits() -> None:
    raw = "138123456789012"
    _, problems = parse_phone(raw)
    assert codes(problems) == ["phone-invalid"]
    assert raw not in problems[0].message


@pytest.mark.parametrize("blank", [None, "", "  ", "\u3000"])
def test_phone_blank(blank: object) -> None:
    assert parse_phone(blank) == (None, [])


# ---------------------------------------------------------------- 日期


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2022, 3, 5), PlanTime(2022, 3, 5)),
        (datetime(2022, 3, 5, 14, 30), PlanTime(2022, 3, 5)),
        ("2022-3-5", PlanTime(2022, 3, 5)),
        ("2022/3/5", PlanTime(2022, 3, 5)),
        ("2022.3.5", PlanTime(2022, 3, 5)),
        ("2022年3月5日", PlanTime(2022, 3, 5)),
        ("2022年3月5", PlanTime(2022, 3, 5)),
        ("20220305", PlanTime(2022, 3, 5)),
        ("2022-03-05", PlanTime(2022, 3, 5)),
        (" 2022 年 3 月 5 日 ", PlanTime(2022, 3, 5)),
        ("2022年\u30003月5日", PlanTime(2022, 3, 5)),
        ("2024-2-29", PlanTime(2024, 2, 29)),
        ("2022年3月", PlanTime(2022, 3)),
        ("2022.3", PlanTime(2022, 3)),
        ("2022-03", PlanTime(2022, 3)),
        ("2022/3", PlanTime(2022, 3)),
        ("2022年3月份", PlanTime(2022, 3)),
        ("2022年12月", PlanTime(2022, 12)),
        ("2022.1", PlanTime(2022, 1)),  # as *text* it is unambiguous
        ("2022.10", PlanTime(2022, 10)),
    ],
)
def test_plan_time_forms(raw: object, expected: PlanTime) -> None:
    assert parse_plan_time(raw) == (expected, [])


def test_plan_time_str_and_first_day() -> None:
    month = PlanTime(2022, 3)
    assert month.day is None
    assert str(month) == "2022年3月"
    assert month.first_day == date(2022, 3, 1)
    full = PlanTime(2022, 3, 5)
    assert str(full) == "2022年3月5日"
    assert full.first_day == date(2022, 3, 5)
    assert PlanTime(2022, 3) < PlanTime(2022, 4)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2022, 3, 5), date(2022, 3, 5)),
        (datetime(2022, 3, 5, 23, 59), date(2022, 3, 5)),
        ("2022-3-5", date(2022, 3, 5)),
        ("2022/3/5", date(2022, 3, 5)),
        ("2022.3.5", date(2022, 3, 5)),
        ("2022年3月5日", date(2022, 3, 5)),
        ("20220305", date(2022, 3, 5)),
        (44621.0, date(2022, 3, 1)),
        (44621, date(2022, 3, 1)),
        (44621.75, date(2022, 3, 1)),
    ],
)
def test_date_forms(raw: object, expected: date) -> None:
    value, problems = parse_date(raw)
    assert problems == []
    assert value == expected
    assert type(value) is date


def test_excel_serial_44621() -> None:
    assert from_excel(44621.0).date() == date(2022, 3, 1)
    assert parse_date(44621.0) == (date(2022, 3, 1), [])
    assert parse_plan_time(44621.0) == (PlanTime(2022, 3, 1), [])


@pytest.mark.parametrize("serial", [36526, 43831, 45000, 2958465])
def test_excel_serial_matches_openpyxl(serial: int) -> None:
    assert parse_date(float(serial)) == (from_excel(serial).date(), [])


@pytest.mark.parametrize("serial", [1, 31, 59, 61, 100, 3.5, 12.1, 36525])
def test_small_numbers_are_not_dates(serial: float) -> None:
    """3.5 typed for 3月5日 would be serial 1900-01-03: an error quoting the number, never a
    silent date (issue: every row read or named)."""
    for parse in (parse_date, parse_plan_time):
        value, problems = parse(serial)
        assert value is None
        assert codes(problems) == ["date-number"]
        assert cells_number_text(serial) in problems[0].message


def cells_number_text(value: float) -> str:
    from wenming_cli.cells import number_text

    return number_text(float(value))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=36526, max_value=2958465).filter(
    lambda n: not 19000101 <= n <= 21001231))
def test_excel_serial_property(serial: int) -> None:
    expected = from_excel(serial).date()
    assert parse_date(float(serial)) == (expected, [])
    assert parse_date(serial) == (expected, [])


@pytest.mark.parametrize("raw", ["2022年3月", "2022.3", "2022-03", "2022/3", "2022年3月份"])
def test_date_month_only_is_error(raw: str) -> None:
    value, problems = parse_date(raw)
    assert value is None
    only(problems, "date-month-only")


@pytest.mark.parametrize(
    "raw", ["2022-2-30", "2022-13-1", "2022年2月30日", "20220230", "2023-2-29", "2022-0-1", "abc"]
)
def test_date_impossible(raw: str) -> None:
    for parser in (parse_date, parse_plan_time):
        value, problems = parser(raw)
        assert value is None
        only(problems, "date-invalid")


@pytest.mark.parametrize("raw", ["2022年13月", "2022.0", "2022-00", "2022年", "三月", "2022-3-5-1"])
def test_plan_time_invalid_month(raw: str) -> None:
    value, problems = parse_plan_time(raw)
    assert value is None
    only(problems, "date-invalid")


def test_plan_time_year_zero_month_is_invalid() -> None:
    # There is no year 0: PlanTime(0, 3).first_day would raise downstream.
    value, problems = parse_plan_time("0000年3月")
    assert value is None
    assert codes(problems) == ["date-invalid"]


@pytest.mark.parametrize("raw", [date(999, 1, 1), datetime(1, 12, 31), date(500, 6, 15)])
def test_plan_time_early_years_idempotent(raw: date) -> None:
    # Module contract: parsing str() of the output gives the same value (or no value at all).
    value, problems = parse_plan_time(raw)
    if value is not None:
        assert parse_plan_time(str(value)) == (value, [])
    else:
        assert errors(problems)


def test_number_2022_1_is_ambiguous() -> None:
    value, problems = parse_plan_time(2022.1)
    assert value is None
    problem = only(problems, "date-ambiguous", WARNING)
    assert "2022" in problem.message


@pytest.mark.parametrize(
    ("raw", "month"), [(2022.3, 3), (2022.12, 12), (2022.11, 11), (2022.5, 5), (2022.09, 9)]
)
def test_number_year_month(raw: float, month: int) -> None:
    assert parse_plan_time(raw) == (PlanTime(2022, month), [])


@pytest.mark.parametrize("raw", [2022.3, 2022.1, 2022.12])
def test_number_year_month_is_not_a_date(raw: float) -> None:
    value, problems = parse_date(raw)
    assert value is None
    assert errors(problems)


@pytest.mark.parametrize("raw", [2022, 2022.0, 1900, 3_000_000.0, float("nan"), 20221345])
def test_date_numbers_not_dates(raw: float) -> None:
    for parser in (parse_date, parse_plan_time):
        value, problems = parser(raw)
        assert value is None
        only(problems, "date-invalid")


@pytest.mark.parametrize("raw", [0.5, -5.0, 0])
def test_date_small_numbers_not_dates(raw: float) -> None:
    for parser in (parse_date, parse_plan_time):
        value, problems = parser(raw)
        assert value is None
        only(problems, "date-number")


@pytest.mark.parametrize("raw", [20220318, 20220318.0, "20220318", " 20220318 "])
def test_eight_digit_dates(raw: object) -> None:
    assert parse_date(raw) == (date(2022, 3, 18), [])
    assert parse_plan_time(raw) == (PlanTime(2022, 3, 18), [])


def test_invalid_eight_digit_date_is_not_masked_as_a_phone() -> None:
    from wenming_cli.issues import Issue

    _, problems = parse_date(20221345)
    issue = Issue("f.xlsx", "活动", "G5", 5, "G", "实际开展日期", problems[0].code,
                  problems[0].severity, problems[0].message, problems[0].hint)
    assert "2022 13 45" in issue.message and "*" not in issue.message


@pytest.mark.parametrize("raw, problems_expected", [
    ("2022-07-14 00:00:00", []), ("2022-07-14 0:00", []), ("2022/7/14 00:00:00.000", []),
    ("2022-07-14T00:00:00", []), ("2022-07-14 09:30", ["date-time-dropped"]),
    ("2022年7月14日 14:05:00", ["date-time-dropped"]),
])
def test_text_datetimes(raw: str, problems_expected: list[str]) -> None:
    value, problems = parse_date(raw)
    assert value == date(2022, 7, 14)
    assert codes(problems) == problems_expected


@pytest.mark.parametrize("raw, expected", [
    ("3月5日", date(2022, 3, 5)), ("3 月 5 日", date(2022, 3, 5)), ("12月31日", date(2022, 12, 31)),
])
def test_day_without_year_takes_the_reporting_year(raw: str, expected: date) -> None:
    value, problems = parse_date(raw, year=2022)
    assert value == expected
    assert codes(problems) == ["date-year-assumed"]
    assert parse_date(raw)[1][0].code == "date-invalid"  # no year known: an error
    assert parse_plan_time("3月", year=2022) == (PlanTime(2022, 3), parse_plan_time("3月", year=2022)[1])
    assert parse_date("2月30日", year=2022)[1][0].code == "date-invalid"


@pytest.mark.parametrize("raw", [time(10, 30), timedelta(days=3), True, False])
def test_date_other_types_invalid(raw: object) -> None:
    for parser in (parse_date, parse_plan_time):
        value, problems = parser(raw)
        assert value is None
        assert codes(problems) == ["date-invalid"]


@pytest.mark.parametrize("blank", [None, "", " ", "\u3000"])
def test_date_blank(blank: object) -> None:
    assert parse_date(blank) == (None, [])
    assert parse_plan_time(blank) == (None, [])


# ---------------------------------------------------------------- 下拉选项

CATEGORIES = ("党员", "科技与科普", "退役军人（含志愿者）", "其他")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("党员", "党员"),
        (" 党员 ", "党员"),
        ("党 员", "党员"),
        ("\u3000党员\u3000", "党员"),
        ("科技\u3000与 科普", "科技与科普"),
        ("退役军人(含志愿者)", "退役军人（含志愿者）"),
        ("退役军人（含志愿者）", "退役军人（含志愿者）"),
        ("退役军人 ( 含志愿者 )", "退役军人（含志愿者）"),
        ("“其他”", "其他"),
    ],
)
def test_enum_match(raw: str, expected: str) -> None:
    assert parse_enum(raw, CATEGORIES) == (expected, [])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", "是"),
        ("否", "否"),
        (" 是 ", "是"),
        ("√", "是"),
        ("Y", "是"),
        ("y", "是"),
        ("yes", "是"),
        ("有", "是"),
        ("×", "否"),
        ("N", "否"),
        ("n", "否"),
        ("无", "否"),
        (True, "是"),
        (False, "否"),
    ],
)
def test_enum_yes_no_aliases(raw: object, expected: str) -> None:
    assert parse_enum(raw, YES_NO) == (expected, [])


def test_enum_aliases_only_for_yes_no() -> None:
    value, problems = parse_enum("Y", CATEGORIES)
    assert value is None
    assert codes(problems) == ["enum-invalid"]


@pytest.mark.parametrize("raw", ["党员们", "abc", "1", 1, "是"])
def test_enum_invalid_lists_options(raw: object) -> None:
    value, problems = parse_enum(raw, CATEGORIES)
    assert value is None
    problem = only(problems, "enum-invalid")
    for option in CATEGORIES:
        assert option in problem.hint


@pytest.mark.parametrize("raw", ["也许", "yn", "?", 2])
def test_enum_yes_no_invalid(raw: object) -> None:
    value, problems = parse_enum(raw, YES_NO)
    assert value is None
    problem = only(problems, "enum-invalid")
    assert "是" in problem.hint and "否" in problem.hint


@pytest.mark.parametrize("blank", [None, "", "  ", "\u3000"])
def test_enum_blank(blank: object) -> None:
    assert parse_enum(blank, CATEGORIES) == (None, [])


def test_normalise_key() -> None:
    assert normalise_key(" a (b)\u3000c ") == "a（b）c"
    assert normalise_key("“名称”") == "名称"


# ---------------------------------------------------------------- 数字


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12, 12.0),
        (12.0, 12.0),
        ("12", 12.0),
        (" 12 ", 12.0),
        ("120人次", 120.0),
        ("120 人次", 120.0),
        ("80平方米", 80.0),
        ("80㎡", 80.0),
        ("80平米", 80.0),
        ("3小时", 3.0),
        ("5场", 5.0),
        ("1,200", 1200.0),
        ("1，200", 1200.0),
        (0, 0.0),
        ("0", 0.0),
    ],
)
@pytest.mark.parametrize("integer", [False, True])
def test_number_valid(raw: object, expected: float, integer: bool) -> None:
    value, problems = parse_number(raw, integer=integer)
    assert problems == []
    assert value == expected
    assert isinstance(value, float)


@pytest.mark.parametrize(("raw", "expected"), [(12.5, 12.5), ("12.5", 12.5), ("80.5平方米", 80.5)])
def test_number_fraction_without_integer(raw: object, expected: float) -> None:
    assert parse_number(raw) == (expected, [])


@pytest.mark.parametrize("raw", [12.5, "12.5", "0.1"])
def test_number_fraction_with_integer_is_error(raw: object) -> None:
    value, problems = parse_number(raw, integer=True)
    assert value is None
    only(problems, "number-invalid")


@pytest.mark.parametrize(
    "raw",
    [
        -1,
        -0.5,
        "-3",
        "abc",
        "十二",
        "nan",
        "inf",
        float("nan"),
        float("inf"),
        True,
        date(2022, 1, 1),
    ],
)
@pytest.mark.parametrize("integer", [False, True])
def test_number_invalid(raw: object, integer: bool) -> None:
    value, problems = parse_number(raw, integer=integer)
    assert value is None
    only(problems, "number-invalid")


@pytest.mark.parametrize("blank", [None, "", " ", "\u3000"])
def test_number_blank(blank: object) -> None:
    assert parse_number(blank) == (None, [])


# ---------------------------------------------------------------- 文本


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("  abc  ", "abc"),
        ("a   b", "a b"),
        ("a\t\tb", "a b"),
        ("a\u3000\u3000b", "a b"),
        ("\u3000文明实践站\u3000", "文明实践站"),
        ("a\u00a0b", "a b"),
        ("第一行\n第二行", "第一行 第二行"),
        ("第一行\r\n\r\n第二行", "第一行 第二行"),
        ("  \n  ", ""),
        (3.0, "3"),
        (3.5, "3.5"),
        (13812345678.0, "13812345678"),
        (42, "42"),
        (True, "是"),
        (False, "否"),
        (date(2022, 3, 5), "2022-03-05"),
    ],
)
def test_clean_text(raw: object, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("第一行\n第二行", "第一行\n第二行"),
        ("第一行\r\n第二行", "第一行\n第二行"),
        ("  第一行  \n\n\n  第二行\u3000 ", "第一行\n第二行"),
        ("a   b\nc\t d", "a b\nc d"),
    ],
)
def test_clean_text_keep_newlines(raw: str, expected: str) -> None:
    assert clean_text(raw, keep_newlines=True) == expected


def test_parse_text_and_longtext() -> None:
    raw = "  本站成立于 2019 年，\n\n  开展活动\u3000\u3000120 场。 "
    assert parse_text(raw) == ("本站成立于 2019 年， 开展活动 120 场。", [])
    assert parse_longtext(raw) == ("本站成立于 2019 年，\n开展活动 120 场。", [])
    assert parse_text("\u3000 \n") == (None, [])
    assert parse_longtext("\n\n") == (None, [])
    assert parse_text(None) == (None, [])
    assert parse_longtext(None) == (None, [])
    assert parse_text(12.0) == ("12", [])


# ---------------------------------------------------------------- 图片资料


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a.jpg", ("a.jpg",)),
        ("a.jpg、b.jpg", ("a.jpg", "b.jpg")),
        ("a.jpg；b.jpg;c.jpg", ("a.jpg", "b.jpg", "c.jpg")),
        ("a.jpg,b.jpg，c.jpg", ("a.jpg", "b.jpg", "c.jpg")),
        ("a.jpg\nb.jpg\r\nc.jpg", ("a.jpg", "b.jpg", "c.jpg")),
        (" a.jpg 、 、b.jpg ;", ("a.jpg", "b.jpg")),
        ("活动 照片1.jpg", ("活动 照片1.jpg",)),
    ],
)
def test_parse_files(raw: str, expected: tuple[str, ...]) -> None:
    assert parse_files(raw) == (expected, [])


@pytest.mark.parametrize("blank", [None, "", " 、 ; ", "\n"])
def test_parse_files_blank(blank: object) -> None:
    assert parse_files(blank) == (None, [])


# ---------------------------------------------------------------- huge integers


@pytest.mark.parametrize("raw", [10**20, 10**400, -(10**400)], ids=["1e20", "1e400", "-1e400"])
@pytest.mark.parametrize(
    "parser",
    [
        parse_text,
        parse_longtext,
        parse_id_card,
        parse_phone,
        parse_plan_time,
        parse_date,
        parse_number,
        parse_files,
    ],
)
def test_huge_int_never_raises(parser: Callable[[object], Any], raw: int) -> None:
    value, problems = parser(raw)
    assert isinstance(problems, list)


# ---------------------------------------------------------------- properties

ANY_CELL = (
    st.none()
    | st.text()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.datetimes()
    | st.dates()
    | st.booleans()
)

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse_enum_yes_no(raw: object) -> Any:
    return parse_enum(raw, YES_NO)


def _parse_number_int(raw: object) -> Any:
    return parse_number(raw, integer=True)


PARSERS: dict[str, Callable[[object], Any]] = {
    "text": parse_text,
    "longtext": parse_longtext,
    "id_card": parse_id_card,
    "phone": parse_phone,
    "plan_time": parse_plan_time,
    "date": parse_date,
    "enum_yes_no": _parse_enum_yes_no,
    "number": parse_number,
    "number_int": _parse_number_int,
    "files": parse_files,
}
STR_VALUED = {"text", "longtext", "id_card", "phone", "enum_yes_no"}


def _check_shape(result: Any) -> None:
    assert isinstance(result, tuple) and len(result) == 2
    value, problems = result
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.severity in (ERROR, WARNING)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", problem.code)
        assert problem.message and problem.hint
    if value is None:
        return
    # A value is never returned together with an error.
    assert not errors(problems), (value, problems)


def _check_idempotent(name: str, raw: object) -> None:
    parser = PARSERS[name]
    value, _ = parser(raw)
    if value is None:
        return
    # parse_files returns a tuple; its cell form is the names joined by 、.
    again, problems = parser("、".join(value) if name == "files" else value)
    assert again == value, (raw, value, again)
    assert not errors(problems), (raw, value, problems)
    if name in STR_VALUED or name in {"plan_time", "date", "number", "number_int"}:
        again, problems = parser(str(value))
        assert again == value, (raw, value, str(value), again)
        assert not errors(problems), (raw, value, problems)


@pytest.mark.parametrize("name", list(PARSERS))
@PROPS
@given(raw=ANY_CELL)
def test_property_never_raises(name: str, raw: object) -> None:
    _check_shape(PARSERS[name](raw))


@pytest.mark.parametrize("name", list(PARSERS))
@PROPS
@given(raw=ANY_CELL)
def test_property_idempotent(name: str, raw: object) -> None:
    _check_idempotent(name, raw)


# Text that looks like the real thing, so the interesting branches are reached.
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=20)
DATEISH = st.builds(
    lambda y, m, d, s1, s2, tail: f"{y}{s1}{m}{s2}{d}{tail}",
    st.integers(0, 9999),
    st.integers(0, 14),
    st.integers(0, 32),
    st.sampled_from(["-", "/", ".", "年", " "]),
    st.sampled_from(["-", "/", ".", "月", ""]),
    st.sampled_from(["", "日", "份", " "]),
)
MONTHISH = st.builds(
    lambda y, m, sep, tail: f"{y:04d}{sep}{m}{tail}",
    st.integers(0, 9999),
    st.integers(0, 14),
    st.sampled_from(["-", "/", ".", "年"]),
    st.sampled_from(["", "月", "月份"]),
)
YEAR_MONTH_NUMBERS = st.floats(min_value=1899, max_value=2102)
PHONEISH = st.builds(
    lambda parts, seps: "".join(p + s for p, s in zip(parts, seps, strict=False)),
    st.lists(DIGITS, min_size=1, max_size=3),
    st.lists(st.sampled_from(["", "-", " ", "(", ")", "（", "）", "+"]), min_size=3, max_size=3),
)
FILE_TEXT = st.text(alphabet="ab .jpg、；;,，\n\r\u3000\t", max_size=40)
NUMBERISH = st.builds(
    lambda n, unit: f"{n}{unit}",
    st.one_of(st.integers(-5, 10**6), st.floats(-5, 1e6)),
    st.sampled_from(["", "人次", "人", "平方米", "㎡", "小时", "h", "场", "个"]),
)
FOCUSED = {
    "text": st.text(alphabet=" a\u3000\t\n\r\u00a0\u2003b", max_size=30),
    "longtext": st.text(alphabet=" a\u3000\t\n\r\u00a0\u2003b", max_size=30),
    "id_card": st.text(alphabet="0123456789Xx \u3000", min_size=14, max_size=20) | DIGITS,
    "phone": PHONEISH | DIGITS,
    "plan_time": DATEISH | MONTHISH | YEAR_MONTH_NUMBERS | DIGITS,
    "date": DATEISH | MONTHISH | YEAR_MONTH_NUMBERS | DIGITS,
    "enum_yes_no": st.sampled_from(["是", "否", "√", "Y", "y", "有", "×", "N", "无", " 是 ", "x"]),
    "number": NUMBERISH | DIGITS,
    "number_int": NUMBERISH | DIGITS,
    "files": FILE_TEXT,
}


@pytest.mark.parametrize("name", list(PARSERS))
@PROPS
@given(data=st.data())
def test_property_focused(name: str, data: st.DataObject) -> None:
    raw = data.draw(FOCUSED[name])
    _check_shape(PARSERS[name](raw))
    _check_idempotent(name, raw)


@PROPS
@given(raw=ANY_CELL)
def test_property_files_roundtrip_joined(raw: object) -> None:
    value, problems = parse_files(raw)
    assert problems == []
    if value is None:
        return
    assert all(name and name == name.strip() for name in value)
    assert parse_files("、".join(value)) == (value, [])
    assert parse_files("\n".join(value)) == (value, [])


@PROPS
@given(raw=FILE_TEXT)
def test_property_files_tuple_reparse(raw: str) -> None:
    # The module contract: parsing the parser's own output gives the same value.
    value, _ = parse_files(raw)
    if value is not None:
        assert parse_files(value) == (value, [])


@PROPS
@given(raw=ANY_CELL)
def test_property_id_card_value_is_canonical(raw: object) -> None:
    value, problems = parse_id_card(raw)
    if value is None:
        if raw is not None and not (isinstance(raw, str) and not raw.strip()):
            assert len(errors(problems)) == 1
        return
    assert re.fullmatch(r"[0-9]{17}[0-9X]", value)
    assert gb11643_check(value[:17]) == value[17]


@PROPS
@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    seq=st.integers(0, 999),
    lower=st.booleans(),
    pad=st.sampled_from(["", " ", "\u3000"]),
)
def test_property_valid_ids_parse_to_themselves(
    birth: date, seq: int, lower: bool, pad: str
) -> None:
    valid = make_id("610724", birth, seq)
    assert parse_id_card(valid) == (valid, [])
    raw = pad + (valid.lower() if lower else valid) + pad
    assert parse_id_card(raw) == (valid, [])
    assert id_birth_date(valid) == birth
    assert id_gender(valid) == ("男" if seq % 2 else "女")
    # Any single-digit substitution in the first 17 is a checksum (or birthdate) error.
    pos = seq % 17
    wrong = valid[:pos] + str((int(valid[pos]) + 1) % 10) + valid[pos + 1 :]
    assert parse_id_card(wrong)[0] is None
    assert codes(parse_id_card(wrong)[1]) in (["id-card-checksum"], ["id-card-birthdate"])


DATE_PATTERNS = [
    "{y}-{m}-{d}",
    "{y}/{m}/{d}",
    "{y}.{m}.{d}",
    "{y}年{m}月{d}日",
    "{y}{m:02d}{d:02d}",
]
MONTH_PATTERNS = ["{y}年{m}月", "{y}.{m}", "{y}-{m:02d}", "{y}/{m}", "{y}年{m}月份"]


@PROPS
@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(DATE_PATTERNS))
def test_property_date_text_forms(day: date, pattern: str) -> None:
    text = pattern.format(y=f"{day.year:04d}", m=day.month, d=day.day)
    assert parse_date(text) == (day, [])
    assert parse_plan_time(text) == (PlanTime(day.year, day.month, day.day), [])


@PROPS
@given(st.integers(1000, 9999), st.integers(1, 12), st.sampled_from(MONTH_PATTERNS))
def test_property_month_text_forms(year: int, month: int, pattern: str) -> None:
    text = pattern.format(y=year, m=month)
    assert parse_plan_time(text) == (PlanTime(year, month), [])
    assert codes(parse_date(text)[1]) == ["date-month-only"]
