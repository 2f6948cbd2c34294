"""Cell rules (DESIGN.md §4): what a clerk's Excel really contains, parsed into clean values.

Every parser takes the raw cell value as a reader gives it (``None``, ``str``, ``int``, ``float``,
``bool``, ``date``, ``datetime``, ``time``…) and returns ``(value, problems)``. It never raises, and
it is idempotent: parsing its own output (or ``str`` of it) gives the same value. Problems carry a
stable code, a severity and Chinese message/hint; personal data in messages is masked.
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from .issues import ERROR, WARNING, Severity
from .privacy import mask_id_card, mask_phone

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """A problem with one cell, before it is placed in a file/sheet/cell as an `Issue`."""

    code: str
    severity: Severity
    message: str
    hint: str


Parsed = tuple[T | None, list[Problem]]

_SPACES = re.compile(r"[ \t\u3000\u00a0\r]+")
NEEDS_CLEANING = re.compile(r"[\t\n\r\u3000\u00a0\x0b\x0c\x1c-\x1f\x85\u2028\u2029]| {2}")
"""Characters `clean_text` must deal with; a string without them only needs stripping."""
_ALL_SPACE = re.compile(r"\s+|\u3000|\u00a0")


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not _ALL_SPACE.sub("", raw))


def _ascii(text: str) -> str:
    """Full-width digits/letters/punctuation (Chinese IME input) folded to ASCII (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def number_text(value: float) -> str:
    """'13812345678' for 13812345678.0; repr-like text for other numbers."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def clean_text(raw: object, keep_newlines: bool = False) -> str:
    """Strip, collapse runs of spaces (incl. full-width); keep line breaks only when asked.

    Numbers come back as their text ('3' for 3.0); dates as ISO text.
    """
    if raw is None:
        return ""
    if type(raw) is str and not NEEDS_CLEANING.search(raw):
        return raw.strip()
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        return number_text(raw)
    text = raw if isinstance(raw, str) else str(raw)
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    if keep_newlines:
        return "\n".join(line for line in lines if line)
    return " ".join(line for line in lines if line)


def parse_text(raw: object) -> Parsed[str]:
    """Single-line text: whitespace collapsed. Blank → None."""
    text = clean_text(raw)
    return (text or None), []


def parse_longtext(raw: object) -> Parsed[str]:
    """Multi-line text (简介, 自评情况): line breaks kept, blank lines dropped. Blank → None."""
    text = clean_text(raw, keep_newlines=True)
    return (text or None), []


# ---------------------------------------------------------------- 身份证号码 (GB 11643-1999)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_SCI = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_OLD_ID = re.compile(r"[0-9]{15}")
_NEW_ID = re.compile(r"[0-9]{17}[0-9X]")
_PLAIN_ID = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 §5 check character for the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(map(operator.mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def id_birth_date(value: str) -> date | None:
    """Birth date from digits 7–14 of an 18-character ID, None if impossible."""
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def id_gender(value: str) -> str:
    """'男' when the 17th digit is odd, else '女' (GB 11643-1999 §4.5)."""
    return "男" if int(value[16]) % 2 else "女"


_ID_NUMERIC_HINT = (
    "Excel 把身份证号当成了数字，只保留 15 位有效数字，末几位已经丢失，无法恢复。"
    "请把该列单元格格式设为“文本”，再按原件重新录入完整的 18 位号码。"
)


def parse_id_card(raw: object) -> Parsed[str]:
    """18-character 公民身份号码, upper-case X. Source: GB 11643-1999 §5 (check digit).

    Codes: id-card-numeric (a number cell, digits lost), id-card-old (15 digits),
    id-card-format, id-card-birthdate, id-card-checksum.
    """
    if type(raw) is str and _PLAIN_ID.fullmatch(raw):  # the usual cell: nothing to clean
        text = raw
        if id_birth_date(text) is not None and id_check_digit(text[:17]) == text[17]:
            return text, []
    if _is_blank(raw):
        return None, []
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return None, [Problem("id-card-numeric", ERROR, "身份证号码存成了数字", _ID_NUMERIC_HINT)]
    text = _ALL_SPACE.sub("", _ascii(clean_text(raw))).upper()
    if _SCI.match(text):
        return None, [
            Problem("id-card-numeric", ERROR, f"身份证号码显示为科学计数法“{text}”", _ID_NUMERIC_HINT)
        ]
    if _OLD_ID.fullmatch(text):
        return None, [
            Problem(
                "id-card-old",
                ERROR,
                f"“{mask_id_card(text)}”是 15 位旧身份证号",
                "请填写现行的 18 位公民身份号码（见身份证正面）。",
            )
        ]
    if not _NEW_ID.fullmatch(text):
        return None, [
            Problem(
                "id-card-format",
                ERROR,
                f"身份证号码“{mask_id_card(text)}”不是 18 位（前 17 位数字，末位数字或 X）",
                "请对照身份证原件重新录入，不要含空格或其他符号。",
            )
        ]
    if id_birth_date(text) is None:
        return None, [
            Problem(
                "id-card-birthdate",
                ERROR,
                f"身份证号码“{mask_id_card(text)}”中的出生日期不存在",
                "第 7–14 位是出生年月日，请对照原件核对。",
            )
        ]
    if id_check_digit(text[:17]) != text[17]:
        return None, [
            Problem(
                "id-card-checksum",
                ERROR,
                f"身份证号码“{mask_id_card(text)}”校验位不对",
                "号码中有数字录错（GB 11643-1999 校验码不符），请对照身份证原件逐位核对。",
            )
        ]
    return text, []


# ---------------------------------------------------------------- 联系电话

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_PLAIN_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_AREA_SPLIT = re.compile(r"^[(（]?(0[0-9]{2,3})\s*[)）\-—－]\s*([0-9]{7,8})$")
_LOCAL = re.compile(r"^[1-9][0-9]{6,7}$")


def _landline(text: str, digits: str) -> str | None:
    """'0916-6323126' from a written landline. The clerk's own separator wins; without one,
    the 3-digit area codes (010, 02x) are told apart from the 4-digit ones."""
    if not digits.startswith("0"):
        return None
    written = _AREA_SPLIT.match(text.strip())
    if written:
        return f"{written.group(1)}-{written.group(2)}"
    area = 3 if digits.startswith(("010", "02")) else 4
    number = digits[area:]
    if 7 <= len(number) <= 8 and number.isascii() and number.isdigit():
        return f"{digits[:area]}-{number}"
    return None


_LOOKS_LIKE_DATE = re.compile(r"^(19|20)\d{2}([-/.年])\d{1,2}\2?\d{1,2}日?$|^20\d{2}(0[1-9]|1[0-2])"
                              r"(0[1-9]|[12]\d|3[01])$")


def parse_phone(raw: object) -> Parsed[str]:
    """Mobile 1[3-9]xxxxxxxxx, landline '0916-6323126', or a 7–8 digit local number (warning).

    A numeric cell like 13812345678.0 is normalised, not rejected.
    Codes: phone-invalid (error), phone-no-area-code (warning).
    """
    if type(raw) is str and _PLAIN_MOBILE.fullmatch(raw):  # the usual cell: nothing to clean
        return raw, []
    if _is_blank(raw):
        return None, []
    if isinstance(raw, int) and not isinstance(raw, bool):
        text = str(raw)
    elif isinstance(raw, float):
        text = number_text(raw)
    elif isinstance(raw, (date, time, timedelta, bool)):
        text = "日期或其他非电话内容"
    else:
        text = _ascii(clean_text(raw))
    digits = re.sub(r"[\s\-—－()（）+]", "", text)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.match(digits):
        return digits, []
    landline = _landline(text, digits)
    if landline:
        return landline, []
    if _LOOKS_LIKE_DATE.match(text):  # 2022-03-05 or 20220305 typed in the wrong column
        return None, [Problem("phone-invalid", ERROR, f"“{_spaced(digits)}”像是日期，不是电话号码",
                              "请填写联系电话（手机 11 位，固定电话如 0916-6323126）。")]
    if _LOCAL.match(digits):
        return digits, [
            Problem(
                "phone-no-area-code",
                WARNING,
                f"电话“{mask_phone(digits)}”没有区号",
                "固定电话请加区号，如汉中为 0916-6323126。",
            )
        ]
    return None, [
        Problem(
            "phone-invalid",
            ERROR,
            f"“{mask_phone(digits) if digits.isdigit() else text[:20]}”不是有效的电话号码",
            "手机号为 11 位（1 开头）；固定电话写成“0916-6323126”。",
        )
    ]


# ---------------------------------------------------------------- 日期


@dataclass(frozen=True, order=True)
class PlanTime:
    """A planned time: a month (``day`` None) or a full date. Shown as 2022年3月 / 2022年3月5日."""

    year: int
    month: int
    day: int | None = None

    def __str__(self) -> str:
        if self.day is None:
            return f"{self.year:04d}年{self.month}月"
        return f"{self.year:04d}年{self.month}月{self.day}日"

    @property
    def first_day(self) -> date:
        """The date itself, or the first day of the month."""
        return date(self.year, self.month, self.day or 1)


_FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(份)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NO_YEAR = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日?$|^(\d{1,2})\s*月份?$")
_TIME_PART = re.compile(r"^(.*?(?:\d(?=[T\s])|日))[T\s]*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_EXCEL_MAX_SERIAL = 2958465
_FIRST_SERIAL = 36526
"""Excel's serial of 2000-01-01: a smaller number in a date column is not a date anyone meant
(3.5 typed for 3月5日 would be 1900-01-03)."""
_DATE_HINT = "请写成“2022-3-5”或“2022年3月5日”，或把单元格设为日期格式。"


def _excel_serial(value: float) -> date | None:
    if not math.isfinite(value) or not 1 <= value <= _EXCEL_MAX_SERIAL:
        return None
    # Excel's 1900 system (with its 1900-02-29 bug); serials below 61 are January/February 1900.
    base = datetime(1899, 12, 30) if value >= 61 else datetime(1899, 12, 31)
    return (base + timedelta(days=int(value))).date()


def _spaced(text: str) -> str:
    """Digits of a date quoted in a message, grouped so that no message masks them as a phone
    number: '20221345' → '2022 13 45', '2022031' → '2022 031'."""
    match = _COMPACT.match(text)
    if match:
        return f"{match.group(1)} {match.group(2)} {match.group(3)}"
    if text.isdigit() and 7 <= len(text) <= 12:
        return f"{text[:4]} {text[4:]}"
    return text


def _invalid(text: str, allow_month: bool = False) -> Problem:
    hint = _PLAN_HINT if allow_month else _DATE_HINT
    return Problem("date-invalid", ERROR, f"“{_spaced(text[:30])}”不是有效日期", hint)


_PLAN_HINT = "请写月份（如“2022年3月”）或日期（如“2022-3-5”“2022年3月5日”）。"


def _number_not_date(text: str) -> Problem:
    return Problem(
        "date-number", ERROR, f"单元格是数字 {text}，不是日期",
        f"日期列里的 {text} 会被当成 1900 年的某一天。请写成“2022-3-5”或“2022年3月5日”"
        "（写在设为“文本”或“日期”格式的单元格里）。")


def parse_plan_time(raw: object, allow_month: bool = True,
                    year: int | None = None) -> Parsed[PlanTime]:
    """A date in any form of DESIGN §4, or (``allow_month``) a month like 2022年3月 / 2022.3.

    Forms people type: real Excel dates and serial numbers (from 2000 on); the 8-digit number or
    text 20220318; text with a time part (``2022-07-14 00:00:00`` from CSV round trips — the
    time is dropped, with warning date-time-dropped unless it is 00:00); a day or month without
    a year (``3月5日``): the reporting ``year`` is taken, warning date-year-assumed (error
    date-invalid when no year is given).
    A *number* like 2022.1 may be 2022.10 with the 0 dropped by Excel: warning date-ambiguous,
    no value (never guessed). A small number (3.5 for 3月5日, below Excel's serial of 2000-01-01)
    is error date-number. Codes: date-invalid, date-month-only, date-ambiguous, date-number,
    date-time-dropped, date-year-assumed.
    """
    if _is_blank(raw):
        return None, []
    if isinstance(raw, datetime):
        return PlanTime(raw.year, raw.month, raw.day), []
    if isinstance(raw, date):
        return PlanTime(raw.year, raw.month, raw.day), []
    if isinstance(raw, (time, timedelta, bool)):
        return None, [_invalid(str(raw))]
    if isinstance(raw, (int, float)):
        try:
            value = float(raw)
        except OverflowError:
            return None, [_invalid(str(raw)[:20])]
        if not math.isfinite(value):
            return None, [_invalid(str(raw)[:20])]
        if 1900 <= value < 2101 and value != int(value):
            text = f"{value:.2f}".rstrip("0")
            whole, frac = text.split(".")
            if not allow_month:
                return None, [_invalid(text, allow_month)]
            if frac == "1":
                return None, [
                    Problem(
                        "date-ambiguous",
                        WARNING,
                        f"单元格是数字 {text}，可能是 {whole}年1月，也可能是 {whole}.10 被 Excel 去掉了末尾的 0",
                        "请把单元格设为“文本”，写成“2022年1月”或“2022年10月”。",
                    )
                ]
            raw = text
        elif 19000101 <= value <= 21001231 and value == int(value):
            raw = str(int(value))  # 20220318 typed as a number
        elif 1900 <= value < 2101:
            return None, [_invalid(number_text(value))]
        elif value < _FIRST_SERIAL:
            return None, [_number_not_date(number_text(value))]
        else:
            serial = _excel_serial(value)
            if serial is None:
                return None, [_invalid(number_text(value))]
            return PlanTime(serial.year, serial.month, serial.day), []
    text = _ascii(clean_text(raw)).strip()
    problems: list[Problem] = []
    timed = _TIME_PART.match(text)
    if timed:
        text = timed.group(1)
        hours, minutes, seconds = (int(g or 0) for g in timed.group(2, 3, 4))
        if hours or minutes or seconds:
            problems.append(Problem(
                "date-time-dropped", WARNING,
                f"“{clean_text(raw)[:30]}”带有时间，只取日期", "日期列只写日期即可，时间可写在活动简介里。"))
    text = _ALL_SPACE.sub("", text)
    match = _FULL_DATE.match(text) or _COMPACT.match(text)
    if match:
        year_, month, day = (int(g) for g in match.groups())
        try:
            date(year_, month, day)
        except ValueError:
            return None, [_invalid(text, allow_month)]
        return PlanTime(year_, month, day), problems
    match = _MONTH.match(text)
    if match:
        year_, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or year_ < 1:
            return None, [_invalid(text, allow_month)]
        if not allow_month:
            return None, [
                Problem("date-month-only", ERROR, f"“{text}”只有月份，缺少日", _DATE_HINT)
            ]
        return PlanTime(year_, month), problems
    match = _NO_YEAR.match(text)
    if match:
        month = int(match.group(1) or match.group(3))
        no_day: int | None = int(match.group(2)) if match.group(2) else None
        if year is None:
            return None, [Problem("date-invalid", ERROR, f"“{text}”没有写年份", _DATE_HINT)]
        try:
            date(year, month, no_day or 1)
        except ValueError:
            return None, [_invalid(text, allow_month)]
        if no_day is None and not allow_month:
            return None, [Problem("date-month-only", ERROR, f"“{text}”只有月份，缺少日", _DATE_HINT)]
        value_ = PlanTime(year, month, no_day)
        return value_, [*problems, Problem(
            "date-year-assumed", WARNING, f"“{text}”没有写年份，按报告年度计为{value_}",
            f"请写完整的日期，如“{year}年{month}月{no_day or 1}日”。")]
    return None, [_invalid(text, allow_month)]


def parse_date(raw: object, year: int | None = None) -> Parsed[date]:
    """A full date (real Excel date, serial number or text forms of DESIGN §4; see
    `parse_plan_time` for the forms and ``year``).

    Codes: those of `parse_plan_time` except date-ambiguous.
    """
    value, problems = parse_plan_time(raw, allow_month=False, year=year)
    return (value.first_day if value is not None else None), problems


# ---------------------------------------------------------------- 下拉选项与数字

YES_NO = ("是", "否")
_YES_NO_ALIASES = {
    "√": "是", "✓": "是", "✔": "是", "Y": "是", "YES": "是", "有": "是", "已注册": "是",
    "×": "否", "✗": "否", "N": "否", "NO": "否", "无": "否", "未注册": "否",
}
_BRACKETS = str.maketrans({"(": "（", ")": "）", "“": "", "”": "", '"': ""})


def normalise_key(text: str) -> str:
    """Text for comparing options/headers: no spaces of any width, full-width brackets."""
    return _ALL_SPACE.sub("", text).translate(_BRACKETS)


def parse_enum(raw: object, options: tuple[str, ...]) -> Parsed[str]:
    """One of ``options`` (a dropdown). 是/否 also accepts √ Y 有 / × N 无.

    Code: enum-invalid (lists the allowed values).
    """
    if type(raw) is str and raw in options:
        return raw, []
    if _is_blank(raw):
        return None, []
    text = normalise_key(clean_text(raw))
    for option in options:
        if normalise_key(option) == text:
            return option, []
    if options == YES_NO and text.upper() in _YES_NO_ALIASES:
        return _YES_NO_ALIASES[text.upper()], []
    return None, [
        Problem(
            "enum-invalid",
            ERROR,
            f"“{clean_text(raw)[:30]}”不是可选的值",
            "请从下拉列表中选择：" + "、".join(options),
        )
    ]


_UNIT_SUFFIX = re.compile(r"(人次|人|个|次|场|小时|h|平方米|平米|㎡|m2)$", re.IGNORECASE)


def parse_number(raw: object, integer: bool = False) -> Parsed[float]:
    """A non-negative number; text like '120人次' or '80平方米' accepted (unit dropped).

    With ``integer``, a fractional value is an error. Code: number-invalid.
    """
    if _is_blank(raw):
        return None, []
    value: float | None = None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        try:
            value = float(raw)
        except OverflowError:
            value = None
    elif isinstance(raw, str):
        text = _ascii(_ALL_SPACE.sub("", raw)).replace(",", "").replace("，", "")
        text = _UNIT_SUFFIX.sub("", text)
        try:
            value = float(text)
        except ValueError:
            value = None
    hint = "请只填写数字（如 120），不要写文字。"
    if value is not None and value < 0:
        return None, [Problem("number-invalid", ERROR, f"“{clean_text(raw)}”是负数", "请填写 0 或正数。")]
    if value is None or not math.isfinite(value):
        return None, [Problem("number-invalid", ERROR, f"“{clean_text(raw)[:30]}”不是有效数字", hint)]
    if integer and value != int(value):
        return None, [Problem("number-invalid", ERROR, f"“{clean_text(raw)}”应为整数", hint)]
    if value >= IMPLAUSIBLE_COUNT:
        return None, [Problem("number-invalid", ERROR,
                              f"“{clean_text(raw)[:20]}”大得不合理（像是电话号码或身份证号填错了列）",
                              "人次、人数、面积等请填写实际数字；请核对是否填到了相邻的列。")]
    return value, []


IMPLAUSIBLE_COUNT = 10_000_000
"""No activity serves, no project benefits and no site measures ten million (人次, 人, 平方米):
such a number is a telephone or ID number typed into the wrong column."""


_ITEM_CODE = re.compile(r"^([0-9]+)\s*[.．。、,，\-—－_]\s*([0-9]+)$")


def parse_item_code(raw: object) -> Parsed[str]:
    """An evaluation item number of the 自评 sheet (notice 附件3: 1.1 … 5.4) as '1.2', however it
    was typed: 1.2 as a number, '1．2' (full-width), '1、2', '1-2', '4.50' (a trailing 0 Excel or a
    clerk added to 4.5). Other text is kept as typed (the item is then reported missing)."""
    if _is_blank(raw):
        return None, []
    if isinstance(raw, float) and math.isfinite(raw):
        text = f"{raw:.2f}".rstrip("0").rstrip(".")
    else:
        text = _ascii(clean_text(raw))
    match = _ITEM_CODE.match(text)
    if not match:
        return text or None, []
    major, minor = match.group(1), match.group(2)
    if len(minor) == 2 and minor.endswith("0"):
        minor = minor[0]
    return f"{int(major)}.{int(minor)}", []


def parse_files(raw: object) -> Parsed[tuple[str, ...]]:
    """File names separated by 、 ； ; , ， or line breaks (图片资料). Blank → None."""
    if isinstance(raw, (tuple, list)):
        names = tuple(clean_text(n) for n in raw if clean_text(n))
        return (names or None), []
    text = clean_text(raw, keep_newlines=True)
    names = tuple(n.strip() for n in re.split(r"[、；;,，\n]", text) if n.strip())
    return (names or None), []
