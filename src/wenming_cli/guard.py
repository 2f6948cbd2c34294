"""Refuse hostile and broken files before python-calamine sees them (DESIGN.md §9).

Some bad files do not raise in calamine but abort the whole process or exhaust memory, so every
check here runs on the raw bytes first:

- empty, truncated, text/HTML renamed .xlsx → ``file-unreadable`` with a specific message;
- password-protected .xlsx/.xlsm (an OLE/CFB container, MS-OFFCRYPTO) → ``file-encrypted``;
  a legacy .xls merely renamed .xlsx is read by content instead;
- declared uncompressed size over `MAX_UNCOMPRESSED_BYTES` → ``file-too-large``;
- a DTD in any XML part (billion laughs, external entities; OOXML parts never contain one),
  sizes that lie, a shared-string count larger than its part → ``file-unsafe``;
- a sheet whose used range exceeds `MAX_SHEET_CELLS` → ``sheet-too-large`` at the far cell;
- formulas saved without a cached value are collected for ``formula-no-value``.
"""

from __future__ import annotations

import errno
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.parsers import expat

from defusedxml.ElementTree import ParseError, fromstring

from .issues import ERROR, Issue, column_letter, file_issue

SAVE_AS_SUFFIXES = (".et", ".ett", ".csv", ".numbers", ".ods", ".wps", ".xlsb")
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
"""Zip-bomb guard: an .xlsx whose parts unpack to more than this is refused before parsing."""
MAX_SHEET_CELLS = 5_000_000
"""Range guard: calamine allocates a dense (last row × last column) grid per sheet, ~32 bytes a
cell, so one value in cell XFD1048576 makes it ask for 512 GB and abort the process (not an
exception). 5 million cells (~200 MB with the Python rows) is 5× a 60,000-row roster."""
MAX_SHEET_ROWS = 15_000
"""Rows one sheet of one 填报单位 may have. A town's roster has hundreds to a few thousand rows
(the benchmark county: 40,000 volunteers in 17 towns, ~2,400 each); 416,000 rows are junk (a
column filled down to the end). The bound is set by memory: `report --town` holds ~43 KB per
roster row (20,000 rows: 870 MB measured), and every input the guard admits stays under 1 GB."""
MAX_PARTS = 10_000
"""An .xlsx has tens of parts (a few hundred with pictures); more is refused as unsafe."""
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""OLE2/CFB signature: legacy .xls, and also password-protected .xlsx (MS-OFFCRYPTO)."""
_ZIP_MAGIC = b"PK"
_PROLOG_LIMIT = 64 * 1024
_CHUNK = 4 * 1024 * 1024
_FAST_MAX_ROW = 14_999  # the fast scan only looks at the cells of rows past this
_FAST_MAX_COL = 26  # ... and for refs of 2-3 letter columns


class UnreadableFile(Exception):
    """The file cannot be read at all; ``issue`` says why and how to fix it."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


@dataclass
class SheetScan:
    """What the pre-scan of one worksheet XML found.

    Attributes:
        rows: upper bound of the last used Excel row (1-based).
        cols: upper bound of the number of used columns.
        far_cell: the used cell furthest out ('XFD1048576'), '' when not computed exactly.
        formulas: (Excel row, 0-based column) of formulas without a cached value.
    """

    rows: int = 0
    cols: int = 0
    far_cell: str = ""
    formulas: list[tuple[int, int]] = field(default_factory=list)
    many_rows: bool = False
    dense_rows: int = 0  # rows past `_FAST_MAX_ROW` holding a value (fast pass only)
    last_dense: int = 0

    @property
    def too_large(self) -> bool:
        """True when calamine would allocate more than `MAX_SHEET_CELLS` cells for it."""
        return self.rows * self.cols > MAX_SHEET_CELLS


# ---------------------------------------------------------------- issues for unreadable files

_SAVE_AS_HINT = "请用 WPS 或 Excel 打开，点“另存为”，文件类型选“Excel 工作簿（*.xlsx）”。"


def broken_file(shown: str, message: str = "文件无法打开：已损坏、加了密码，或不是 Excel 文件",
            hint: str = "请用 WPS 或 Excel 打开确认；如有密码请先取消密码，再另存为 .xlsx。") -> Issue:
    return file_issue(shown, "file-unreadable", message, hint)


def empty_file(shown: str) -> Issue:
    return broken_file(shown, "文件是空的（0 字节），可能没有保存成功或传输不完整",
                   "请找到原文件重新复制，或用 WPS/Excel 重新填写后保存。")


def truncated_file(shown: str) -> Issue:
    return broken_file(shown, "文件不完整或已损坏（可能没有下载或复制完）",
                   "请重新下载或复制该文件；若在 WPS/Excel 中能打开，请另存为新的 .xlsx。")


_OS_REASONS = {
    errno.EACCES: "没有权限读取", errno.EPERM: "没有权限读取", errno.ENOENT: "文件不存在（可能刚被移走或删除）",
    errno.EISDIR: "这是一个文件夹", errno.EBUSY: "文件正被其他程序占用", errno.EROFS: "磁盘是只读的",
    errno.ENOSPC: "磁盘空间不足",
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be opened or written, in Chinese (the system's text for the rest)."""
    return _OS_REASONS.get(exc.errno or 0) or str(exc.strerror or exc)


def not_excel_file(shown: str) -> Issue:
    return broken_file(shown, "这不是 Excel 工作簿（可能是网页、文本等文件改了扩展名）",
                   "请用 WPS 或 Excel 打开它，再“另存为”Excel 工作簿（*.xlsx）。")


def encrypted_file(shown: str) -> Issue:
    return file_issue(
        shown, "file-encrypted", "文件设置了打开密码（已加密），无法读取",
        "请用 WPS 或 Excel 输入密码打开，取消密码后保存（Excel：文件→信息→保护工作簿→"
        "用密码进行加密，清空密码；WPS：文件→文档加密→密码加密，清空密码），再运行校验。",
    )


def unsafe_file(shown: str, what: str) -> Issue:
    return file_issue(
        shown, "file-unsafe", f"文件内部结构异常（{what}），疑似损坏或被恶意构造，已拒绝读取",
        "请向报送单位重新索取文件，或用 WPS/Excel 打开后“另存为”新的 .xlsx 文件。",
    )


def too_large_file(shown: str) -> Issue:
    return file_issue(
        shown, "file-too-large",
        f"文件解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB，疑似损坏或异常文件",
        "请确认文件来源，重新从模板填写后另存。",
    )


def sheet_too_large(shown: str, sheet: str, scan: SheetScan) -> Issue:
    where = f"（最远的单元格是 {scan.far_cell}）" if scan.far_cell else ""
    return Issue(
        shown, sheet, scan.far_cell, 0, "", "", "sheet-too-large", ERROR,
        f"工作表“{sheet}”的使用范围过大：约 {scan.rows:,} 行 × {scan.cols:,} 列{where}，无法读取",
        "通常是远离表格的某个单元格误填了内容。请删掉表格下方和右侧多余的行、列"
        "（选中后右键“删除”），保存后再运行校验。",
    )


def _too_many_rows(shown: str, sheet: str, scan: SheetScan) -> Issue:
    return Issue(
        shown, sheet, "", 0, "", "", "sheet-too-many-rows", ERROR,
        f"工作表“{sheet}”有约 {scan.rows:,} 行，远超一个填报单位的数据量"
        f"（最多 {MAX_SHEET_ROWS:,} 行），不读取",
        "通常是表格下方有大量误填、下拉复制出的多余行。请删掉多余的行（选中行号后右键“删除”），"
        "保存后再运行校验；确有这么多数据的，请按单位分开填写。",
    )


# ---------------------------------------------------------------- container checks


@dataclass
class Container:
    """Result of the container checks: how to open the file and what the sheet scans found."""

    by_content: bool = False
    sheets: dict[str, SheetScan] = field(default_factory=dict)


def check_container(path: Path, shown: str) -> Container:
    """Format, magic-byte, size and structure checks before calamine opens ``path``.

    Returns: whether to open by content (a renamed file) and the worksheet scans (.xlsx only).
    Raises:
        UnreadableFile: see the module docstring for the codes.
    """
    suffix = path.suffix.lower()
    if suffix in SAVE_AS_SUFFIXES:
        raise UnreadableFile(file_issue(shown, "file-format-unsupported",
                                        f"不支持 {suffix} 格式的文件", _SAVE_AS_HINT))
    try:
        with path.open("rb") as stream:
            magic = stream.read(len(CFB_MAGIC))
    except OSError as exc:
        hint = ("文件已不在原处，请重新运行校验。" if exc.errno == errno.ENOENT
                else "请关闭正在使用它的程序，或检查文件权限后重试。")
        raise UnreadableFile(broken_file(shown, f"文件无法打开：{os_reason(exc)}", hint)) from exc
    if not magic:
        raise UnreadableFile(empty_file(shown))
    zip_suffix = suffix in (".xlsx", ".xlsm")
    if magic.startswith(_ZIP_MAGIC):
        if not zipfile.is_zipfile(path):
            raise UnreadableFile(truncated_file(shown))
        return Container(by_content=not zip_suffix, sheets=_inspect_zip(path, shown))
    if magic == CFB_MAGIC:
        return Container(by_content=zip_suffix and _is_renamed_xls(path, shown))
    raise UnreadableFile(truncated_file(shown) if CFB_MAGIC.startswith(magic) else not_excel_file(shown))


def _is_renamed_xls(path: Path, shown: str) -> bool:
    """A CFB file named .xlsx/.xlsm: True for a legacy .xls renamed (has a ``Workbook``/``Book``
    stream and no ``EncryptedPackage``).

    Raises:
        UnreadableFile: file-encrypted (MS-OFFCRYPTO ``EncryptedPackage``, or any other CFB),
            file-too-large.
    """
    if path.stat().st_size > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(too_large_file(shown))
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise UnreadableFile(encrypted_file(shown))
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return True
    if any(stream.encode("utf-16-le") in data for stream in _OTHER_OFFICE_STREAMS):
        raise UnreadableFile(not_excel_file(shown))  # a .doc or .ppt renamed
    raise UnreadableFile(encrypted_file(shown))


_OTHER_OFFICE_STREAMS = ("WordDocument", "PowerPoint Document")
"""Main streams of legacy Word and PowerPoint files (MS-DOC §2.1.1, MS-PPT §2.1.1)."""


def _inspect_zip(path: Path, shown: str) -> dict[str, SheetScan]:
    """Check every part of an .xlsx before calamine reads it; scan its worksheets.

    Returns: sheet name → `SheetScan`.
    Raises:
        UnreadableFile: file-too-large, file-unsafe, file-unreadable (corrupt zip).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_sizes(infos, shown)
            other = _other_format(zf)
            if other:
                raise UnreadableFile(file_issue(
                    shown, "file-format-unsupported",
                    f"这其实是{other}，只是扩展名写成了 {path.suffix or '（无）'}，不是 Excel 工作簿，读不了",
                    _SAVE_AS_HINT))
            for info in infos:
                _check_part(zf, info, shown)
            return _scan_sheets(zf, shown)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError, ValueError) as exc:
        raise UnreadableFile(truncated_file(shown)) from exc


_OPEN_DOCUMENT_KINDS = {
    "application/vnd.oasis.opendocument.spreadsheet": "一个 ODS 表格（LibreOffice/WPS 的开放文档格式）",
    "application/vnd.oasis.opendocument.text": "一个 ODT 文字文档",
    "application/vnd.oasis.opendocument.presentation": "一个 ODP 演示文稿",
}


def _other_format(zf: zipfile.ZipFile) -> str:
    """What another office format a zip container is, '' when it may be an Excel workbook.

    ODF files start with a stored ``mimetype`` member (ODF 1.2 Part 3 §3.3); Apple Numbers
    documents hold ``Index/Document.iwa``; Word and PowerPoint files have ``word/`` and ``ppt/``
    parts (ECMA-376 Part 1 §11–13) and no ``xl/``.
    """
    names = set(zf.namelist())
    if "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
        kind = zf.read("mimetype").decode("ascii", "replace").strip()
        for prefix, label in _OPEN_DOCUMENT_KINDS.items():
            if kind.startswith(prefix):
                return label
        if kind.startswith("application/vnd.oasis.opendocument"):
            return "一个开放文档（ODF）"
    if "Index/Document.iwa" in names or any(n.startswith("Index/") and n.endswith(".iwa")
                                            for n in names):
        return "一个苹果 Numbers 表格"
    if not any(n.startswith("xl/") for n in names):
        if any(n.startswith("word/") for n in names):
            return "一个 Word 文档（.docx）"
        if any(n.startswith("ppt/") for n in names):
            return "一个 PowerPoint 演示文稿（.pptx）"
    return ""


def _check_sizes(infos: list[zipfile.ZipInfo], shown: str) -> None:
    """Declared sizes: the total must stay under the cap, the parts must be few, and no part may
    be smaller unpacked than packed (deflate never grows data by more than a few bytes per 16 KB;
    calamine's zip reader also refuses such a part, but only as an unexplained error)."""
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(too_large_file(shown))
    if len(infos) > MAX_PARTS:
        raise UnreadableFile(unsafe_file(shown, f"含有 {len(infos)} 个内部文件"))
    for info in infos:
        if info.compress_size > info.file_size + info.file_size // 1000 + 1024:
            raise UnreadableFile(unsafe_file(shown, f"“{info.filename}”声明的大小与内容不符"))


def _check_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str) -> None:
    """An XML part must not carry a DTD; the shared-string count must fit in its part."""
    if info.is_dir():
        return
    with zf.open(info) as stream:
        head = stream.read(_PROLOG_LIMIT)
    try:
        root = _root_tag(head, complete=info.file_size <= len(head))
    except ValueError as exc:
        raise UnreadableFile(unsafe_file(shown, f"“{info.filename}”含有 XML 实体声明")) from exc
    if root is not None and _tag_name(root).rpartition(":")[2] == "sst":
        match = re.search(r"\buniqueCount\s*=\s*[\"']\s*([0-9]+)", root)
        if match and int(match.group(1)) > info.file_size // 5 + 1:
            raise UnreadableFile(unsafe_file(shown, "共享字符串数量与内容不符"))


def _decode_head(head: bytes) -> str:
    """The first bytes of an XML part as text (UTF-8, or UTF-16 with or without a BOM)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    if head.startswith(b"<\x00"):
        return head[: len(head) // 2 * 2].decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head[: len(head) // 2 * 2].decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


_NAME = re.compile(r"<([A-Za-z_][\w.:-]*)")


def _tag_name(tag: str) -> str:
    """'x:sst' for '<x:sst count="3">'."""
    match = _NAME.match(tag)
    return match.group(1) if match else ""


def _root_tag(head: bytes, complete: bool) -> str | None:
    """Start tag of the root element of an XML part ('<sst count="3" …>'), from its first bytes;
    None when the part is not XML (an image) or is empty.

    Skips the prolog (XML declaration, comments, processing instructions, white space).
    Raises:
        ValueError: a ``<!DOCTYPE`` (entity declarations: billion laughs, external entities),
            or a prolog that does not end within the first bytes (``complete`` False).
    """
    text, i = _decode_head(head), 0
    while True:
        while i < len(text) and text[i] in " \t\r\n\ufeff":
            i += 1
        if i >= len(text):
            if complete:
                return None
            raise ValueError("prolog too long")
        if text[i] != "<":
            return None
        if text.startswith(("<?", "<!--"), i):
            end = text.find("?>" if text[i + 1] == "?" else "-->", i)
            if end < 0:
                if complete:
                    return None
                raise ValueError("prolog too long")
            i = end + 2
            continue
        if text.startswith("<!", i):
            raise ValueError("DTD")
        end = text.find(">", i)
        return text[i: end + 1 if end >= 0 else len(text)]


# ---------------------------------------------------------------- worksheet scans


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member of its worksheet XML, the way calamine finds it: the
    officeDocument of ``_rels/.rels``, its ``<sheet name r:id>`` list and its relationships."""
    try:
        return _sheet_targets(zf)
    except ParseError:  # calamine will say whether the workbook can be read
        return {}


def _sheet_targets(zf: zipfile.ZipFile) -> dict[str, str]:
    """`sheet_parts` proper. Raises ParseError on malformed XML."""
    names = set(zf.namelist())
    book = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in fromstring(zf.read("_rels/.rels")):
            if str(rel.get("Type", "")).endswith("/officeDocument"):
                book = _resolve("", str(rel.get("Target", "")))
    rels_name = posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
    if book not in names or rels_name not in names:
        return {}
    targets = {str(rel.get("Id")): _resolve(posixpath.dirname(book), str(rel.get("Target", "")))
               for rel in fromstring(zf.read(rels_name))}
    parts: dict[str, str] = {}
    for element in fromstring(zf.read(book)).iter():
        if str(element.tag).rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.rpartition("}")[2] == "id"), "")
        if targets.get(rid) in names:
            parts[str(element.get("name", ""))] = targets[rid]
    return parts


def _resolve(base: str, target: str) -> str:
    """Zip member name of a relationship target ('/xl/a.xml' or 'worksheets/sheet1.xml')."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def _scan_sheets(zf: zipfile.ZipFile, shown: str) -> dict[str, SheetScan]:
    """Scan every worksheet (range size, formulas without values).

    Raises:
        UnreadableFile: sheet-too-large for a worksheet calamine cannot be kept away from (its
            name is unknown), file-unreadable when a worksheet is not well-formed XML.
    """
    parts = sheet_parts(zf)
    scans: dict[str, SheetScan] = {}
    mapped = set(parts.values())
    loose = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")
             and n not in mapped]
    for name, member in [*parts.items(), *((n, n) for n in loose)]:
        try:
            scan = _scan_sheet(zf, member)
        except expat.ExpatError as exc:
            raise UnreadableFile(truncated_file(shown)) from exc
        # a far cell found by the exact pass is the more useful diagnosis (sheet-too-large);
        # the fast pass only bounds the columns, so there the rows decide
        if scan.many_rows and not (scan.too_large and scan.far_cell):
            raise UnreadableFile(_too_many_rows(shown, name, scan))
        if member in mapped:
            scans[name] = scan
        elif scan.too_large:
            raise UnreadableFile(sheet_too_large(shown, member, scan))
    return scans


def _scan_sheet(zf: zipfile.ZipFile, member: str) -> SheetScan:
    """`SheetScan` of one worksheet: a fast byte-level pass, or an exact XML pass when the fast
    one cannot bound the range (namespace prefixes, cells without a leading ``r``, values in
    columns past Z, rows past `_FAST_MAX_ROW`)."""
    with zf.open(member) as stream:
        root = _tag_name(_root_tag(stream.read(_PROLOG_LIMIT), complete=True) or "")
    if ":" not in root:
        with zf.open(member) as stream:
            scan = _fast_scan(stream)
        if scan is not None:
            return scan
    with zf.open(member) as stream:
        return _exact_scan(stream)


_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_SPECIAL_CELL = re.compile(rb'<c(?! r="[A-Z](?:[0-9]{1,4}|1[0-4][0-9]{3})")[\s/>r]')  # not <c r="A14999"
_CELL_TAG = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*?(/?)>')
_FORMULA_TAG = re.compile(rb"<f[\s/>]")
_FORMULA = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v>([^<]*)</v>)?'
)


def _fast_scan(stream: IO[bytes]) -> SheetScan | None:
    """Byte-level pass over an unprefixed worksheet; None when only an exact pass can tell."""
    scan, carry = SheetScan(_FAST_MAX_ROW, _FAST_MAX_COL), b""
    while True:
        chunk = stream.read(_CHUNK)
        buffer = carry + chunk
        cut = _safe_cut(buffer) if chunk else len(buffer)
        block, carry = buffer[:cut], buffer[cut:]
        if scan.many_rows:  # refused anyway: only estimate how many rows (C speed)
            last = _LAST_ROW.search(block[block.rfind(b"<row "):]) if b"<row " in block else None
            scan.rows = max(scan.rows, int(last.group(1))) if last else scan.rows
        elif block and not _fast_block(block, scan):
            return None
        if not chunk:
            return scan


_STRAY_ROWS = 1_000
"""Rows with values past `_FAST_MAX_ROW` tolerated before the sheet counts as too many rows
(a stray value far down is `sheet-too-large`'s case, not this one)."""
_LAST_ROW = re.compile(rb'<row [^>]*?r="([0-9]+)"')


def _safe_cut(buffer: bytes) -> int:
    """Where to split a chunk: after the last ``</row>`` (cells stay whole), else after the last
    ``>`` (a ``<c r="…"`` tag never spans a ``>``), else nowhere (0)."""
    end = buffer.rfind(b"row>")
    return end + 4 if end >= 0 else buffer.rfind(b">") + 1


def _fast_block(block: bytes, scan: SheetScan) -> bool:
    """Update ``scan`` from one block; False when the block needs the exact pass.

    Only cells other than ``<c r="A12345"`` are looked at: prefixed cells (calamine ignores
    prefixes) and cells without a leading ``r`` need the exact pass, as do values in columns
    past Z; rows past `_FAST_MAX_ROW` raise the bound. Empty (self-closing) cells do not count.
    """
    if _PREFIXED_CELL.search(block):
        return False
    for special in _SPECIAL_CELL.finditer(block):
        cell = _CELL_TAG.match(block, special.start())
        if cell is None or (len(cell.group(1)) > 1 and cell.group(3) != b"/"):
            return False
        if cell.group(3) != b"/":
            row = int(cell.group(2))
            scan.rows = max(scan.rows, row)
            if row != scan.last_dense:
                scan.dense_rows, scan.last_dense = scan.dense_rows + 1, row
                # many rows of values, not one stray value far down (that is sheet-too-large)
                if _FAST_MAX_ROW + scan.dense_rows > MAX_SHEET_ROWS + _STRAY_ROWS:
                    scan.many_rows = True
                    return True  # refused for its rows: `_fast_scan` estimates the rest
    if scan.too_large:
        return False
    if _FORMULA_TAG.search(block):
        for match in _FORMULA.finditer(block):
            if not match.group(3):
                scan.formulas.append((int(match.group(2)), _column_index(match.group(1))))
    return True


def _column_index(letters: bytes | str) -> int:
    """0-based column index of Excel column letters (b'A' → 0, 'XFD' → 16383)."""
    index = 0
    for char in letters.decode() if isinstance(letters, bytes) else letters:
        index = index * 26 + ord(char) - 64
    return index - 1


_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")


class _ExactScanner:
    """Streaming expat pass (no tree kept) computing the used range as calamine does: a cell's
    ``r`` when present, else the next column / next row."""

    def __init__(self) -> None:
        self.row, self.col = 0, -1
        self.cell: tuple[int, int] | None = None
        self.valued = self.has_formula = self.in_value = False
        self.value = ""
        self.last_row = self.last_col = (0, -1)  # used cells with the largest row / column
        self.formulas: list[tuple[int, int]] = []
        self.valued_rows = self.last_valued_row = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """Track row/cell positions and which children a cell has."""
        tag = name.rpartition("}")[2]
        if tag == "row":
            self.row = int(attrs["r"]) if attrs.get("r", "").isdigit() else self.row + 1
            self.col = -1
        elif tag == "c":
            match = _REF.fullmatch(attrs.get("r", ""))
            if match:
                self.row, self.col = int(match.group(2)), _column_index(match.group(1))
            else:
                self.col += 1
            self.cell, self.value = (self.row, self.col), ""
            self.valued = self.has_formula = False
        elif self.cell is not None and tag in ("v", "is", "f"):
            self.valued = True
            self.has_formula = self.has_formula or tag == "f"
            self.in_value = tag == "v"

    def text(self, data: str) -> None:
        """Collect a cell's cached value."""
        if self.in_value:
            self.value += data

    def end(self, name: str) -> None:
        """Close a cell: widen the used range, note a formula without a value."""
        tag = name.rpartition("}")[2]
        if tag == "v":
            self.in_value = False
        elif tag == "c" and self.cell is not None:
            row, col = self.cell
            if self.valued:
                self.last_row = max(self.last_row, (row, col))
                self.last_col = max(self.last_col, (col, row))
            if self.has_formula and not self.value.strip():
                self.formulas.append((row, col))
            if self.valued and row != self.last_valued_row:
                self.valued_rows, self.last_valued_row = self.valued_rows + 1, row
                if self.valued_rows > MAX_SHEET_ROWS:
                    raise _TooManyRows  # refused anyway: no need to parse the rest
            self.cell = None

    def result(self) -> SheetScan:
        """The scan: used range (from A1, as calamine pads it) and the cell furthest out."""
        rows, cols = self.last_row[0], self.last_col[0] + 1
        if cols > _FAST_MAX_COL:
            far = f"{column_letter(self.last_col[0])}{self.last_col[1]}"
        else:
            far = f"{column_letter(self.last_row[1])}{self.last_row[0]}" if rows else ""
        return SheetScan(rows, cols, far, self.formulas,
                         many_rows=self.valued_rows > MAX_SHEET_ROWS)


def _exact_scan(stream: IO[bytes]) -> SheetScan:
    """`SheetScan` by a streaming expat pass (safe: the part was checked to have no DTD).

    Raises:
        expat.ExpatError: the worksheet is not well-formed XML.
    """
    scanner = _ExactScanner()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.CharacterDataHandler = scanner.text
    try:
        while chunk := stream.read(_CHUNK // 4):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _TooManyRows:
        pass
    return scanner.result()


class _TooManyRows(Exception):
    """Stops the exact pass once a sheet has more than `MAX_SHEET_ROWS` used rows."""


# ---------------------------------------------------------------- opening


