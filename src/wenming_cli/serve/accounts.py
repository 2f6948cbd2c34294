"""Login codes (`wenming accounts`, DESIGN.md §10): one per expected 填报单位 and one for 县中心.

A code is 12 characters drawn by `secrets` from an alphabet without the look-alikes 0/O/1/l/I
(32 symbols, 60 bits: at the server's 5 tries a minute per address that is beyond guessing).
Only a salted scrypt hash is stored (n=2¹⁴, r=8, p=1: ~50 ms and 16 MiB per check on this
2-core machine, which makes a stolen database slow to attack, while a login stays instant).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from .db import Store

COUNTY = "县中心"
"""The county centre's account: sees every unit; no 填报单位 can be called this."""
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""No 0/O, 1/l/I: a code is read off paper and typed by hand."""
CODE_LENGTH = 12
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}

KIND_WORDS = {"town": "镇（街道）", "unit": "县级单位", "team": "县级专业志愿服务队",
              "county": "县中心（查看全部单位）"}


def new_code() -> str:
    """A fresh login code, grouped 4-4-4 for reading aloud (the dashes are optional on login)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(typed: str) -> str:
    """What the clerk typed, without spaces and dashes, in capitals (``abcd efgh`` works)."""
    return "".join(c for c in typed.upper() if c.isalnum())


def hash_code(code: str, salt: bytes) -> bytes:
    """The scrypt hash of a normalised ``code``."""
    return hashlib.scrypt(normalise_code(code).encode(), salt=salt, **_SCRYPT)


def check_code(code: str, salt: bytes, digest: bytes) -> bool:
    """True when ``code`` is the one hashed into ``digest`` (constant-time comparison)."""
    if not code or len(code) > 64:
        return False
    return hmac.compare_digest(hash_code(code, salt), digest)


def expected_accounts(config: Config) -> list[tuple[str, str]]:
    """(name, kind) of every account the config asks for: 县中心 first, then the towns, the
    county units and the county teams in config order.

    Raises:
        ValueError: a 填报单位 is called 县中心 (it would be the county's account).
    """
    units = ([(t.name, "town") for t in config.towns] + [(n, "unit") for n in config.units]
             + [(n, "team") for n in config.county_teams])
    if any(name == COUNTY for name, _ in units):
        raise ValueError(f"配置中有名为“{COUNTY}”的填报单位；这个名称留给县中心的登录码，请改用单位全称。")
    return [(COUNTY, "county"), *units]


@dataclass(frozen=True)
class IssuedCode:
    """A code handed out now (shown once: only its hash is kept)."""

    name: str
    kind: str
    code: str


def issue_codes(store: Store, config: Config, reset: list[str] | None = None) -> list[IssuedCode]:
    """Create the accounts that do not exist yet, and new codes for the names in ``reset``;
    returns the codes issued now (the others cannot be shown again).

    Raises:
        ValueError: a name in ``reset`` is not an expected account (message lists the choices).
    """
    expected = expected_accounts(config)
    kinds = dict(expected)
    for name in reset or []:
        if name not in kinds:
            raise ValueError(f"“{name}”不是配置中的填报单位，也不是{COUNTY}。可选：{COUNTY}、"
                             + "、".join(n for n, _ in expected[1:]))
    existing = {a.name for a in store.accounts()}
    issued = []
    for name, kind in expected:
        if name in existing and name not in (reset or []):
            continue
        code = new_code()
        salt = secrets.token_bytes(16)
        store.set_account(name, kind, salt, hash_code(code, salt))
        issued.append(IssuedCode(name, kind, code))
    return issued


def write_codes_xlsx(codes: list[IssuedCode], target: Path, address: str, county: str) -> None:
    """The office's list to hand out: one row per unit (序号, 填报单位, 类别, 登录码, 签收), printed
    A4 portrait on one page wide with the header repeated, the codes in a large fixed-width font.

    Raises:
        OSError: the file cannot be written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    from ..render.county import print_setup
    from ..xlsx_cells import append_row

    wb = Workbook()
    ws = wb.active
    ws.title = "登录码"
    ws.append([f"{county}新时代文明实践报送系统登录码（请妥善保管，一单位一码，勿外传）"])
    ws.append([f"登录网址：{address}　　登录时选择本单位，输入登录码（不区分大小写，短横线可不输）"])
    ws.append(["序号", "填报单位", "类别", "登录码", "领取人签字"])
    for n, item in enumerate(codes, start=1):
        append_row(ws, [n, item.name, KIND_WORDS[item.kind], item.code, ""])
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(vertical="center")
        ws.row_dimensions[row[0].row].height = 24
    for cell in ws["D"][3:]:
        cell.font = Font(name="Consolas", size=14, bold=True)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:E1")
    ws.merge_cells("A2:E2")
    for column, width in zip("ABCDE", (6, 26, 20, 22, 16), strict=True):
        ws.column_dimensions[column].width = width
    print_setup(ws, "3:3", landscape=False)
    wb.save(target)
