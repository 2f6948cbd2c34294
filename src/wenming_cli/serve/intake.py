"""What an upload may bring in (DESIGN.md §10, issue 13 point 6): checked before anything
reaches a unit's folder.

Accepted: .xlsx/.xlsm/.xls workbooks and .jpg/.jpeg/.png photos, each also inside one .zip; a
file's first bytes must match its suffix (an .exe renamed .xlsx starts with ``MZ`` and is
refused). Names are reduced to a safe base name; a name with a path in it (``../x.xlsx``,
``C:\\x.xlsx``), a zip member that climbs out (zip slip) or is a symbolic link, an encrypted
member, and a zip that unpacks past the caps (`config.ServeLimits`) are refused with the reason.
A refused file leaves nothing behind; what is accepted is staged in a hidden temporary folder
inside the unit's folder (same disk, so that placing it is one rename).
"""

from __future__ import annotations

import hashlib
import stat
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO, Protocol

from ..config import ServeLimits
from ..files import component_problem
from ..privacy import redact

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
ACCEPTED = WORKBOOK_SUFFIXES + PHOTO_SUFFIXES + (".zip",)
ACCEPTED_TEXT = "、".join(ACCEPTED)

_ZIP = b"PK\x03\x04"
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".xlsx": (_ZIP, _CFB), ".xlsm": (_ZIP, _CFB),  # a renamed .xls is read by content
    ".xls": (_CFB, _ZIP),
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".zip": (_ZIP, b"PK\x05\x06"),
}
_WHAT_IT_IS = ((b"MZ", "Windows 程序（.exe）"), (b"%PDF", "PDF 文件"), (_CFB, "旧版 Office 文件"),
               (_ZIP, "压缩文件或新版 Office 文件"), (b"\xff\xd8\xff", "JPG 图片"),
               (b"\x89PNG", "PNG 图片"), (b"Rar!", "RAR 压缩文件"), (b"7z\xbc\xaf", "7z 压缩文件"))
MAX_RATIO = 100
"""A zip member that unpacks to more than 100× its packed size is a bomb: JPG and PNG hardly
compress (a phone photo packs to 95–99 %), a workbook about 5–10× (its XML)."""
CHUNK = 1 << 20
_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                       "\u2066\u2067\u2068\u2069\ufeff")
"""Zero-width and direction characters: ``报告\u202excod.jpg`` shows as ``报告gpj.docx``."""


@dataclass
class Staged:
    """One accepted file, staged: its safe name, kind ('workbook' or 'photo'), where it lies
    now, its size in bytes and sha256, and the name it came with (redacted)."""

    name: str
    kind: str
    path: Path
    size: int
    sha256: str
    came_as: str


@dataclass
class Refusal:
    """A file not taken, and why (Chinese, with what to do)."""

    file: str
    reason: str


@dataclass
class Intake:
    """What an upload brought: the files staged and those refused."""

    staged: list[Staged] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


class Readable(Protocol):
    """Anything with ``read(n)`` (an upload's spooled file, a zip member)."""

    def read(self, n: int = -1, /) -> bytes: ...


class UploadTooLarge(Exception):
    """The request as a whole is over a cap; the message is Chinese."""


def base_name(raw: str) -> tuple[str | None, str]:
    """The name a file is stored under, from the name it was sent with: (name, '') or
    (None, why it is refused). A name carrying a folder (``../x``, ``a/b.xlsx``, ``C:\\x``) is
    refused — a browser never sends one, so it is an attack or a broken client; otherwise the
    name is NFC-normalised, characters Windows forbids become ``_`` and it is shortened to
    fit (`files.component_problem`)."""
    text = unicodedata.normalize("NFC", raw or "").strip()
    if not text:
        return None, "没有文件名"
    if ("/" in text or "\\" in text or text in (".", "..")
            or PureWindowsPath(text).drive or PurePosixPath(text).is_absolute()):
        return None, "文件名中带有文件夹路径（如 ../ 或 C:\\），出于安全考虑不接收；请直接选择文件上传"
    text = "".join("_" if c in '/\\:*?"<>|' or ord(c) < 32 or ord(c) == 127 else c
                   for c in text if c not in _INVISIBLE)
    text = text.lstrip(". ").rstrip(". ") or "_"
    stem, dot, suffix = text.rpartition(".")
    if not dot:
        stem, suffix = text, ""
    # at most 80 characters and 200 bytes of UTF-8 (Linux allows 255 bytes, i.e. 85 Chinese
    # characters; the 旧版 copy and the 问题标注 copy add to the name)
    while len(text) > 80 or len(text.encode()) > 200:
        stem = stem[:-1]
        text = f"{stem}.{suffix}" if dot else stem
    if component_problem(text) is not None:  # a device name such as CON.xlsx
        text = "_" + text
    return text, ""


def _what_it_is(head: bytes) -> str:
    return next((what for magic, what in _WHAT_IT_IS if head.startswith(magic)), "")


def content_problem(suffix: str, head: bytes) -> str:
    """Why a file's first bytes do not fit its suffix ('' when they do)."""
    if not head:
        return "文件是空的（0 字节），请重新保存后再上传"
    if any(head.startswith(magic) for magic in MAGIC[suffix]):
        return ""
    if suffix in PHOTO_SUFFIXES and any(head.startswith(m) for p in PHOTO_SUFFIXES
                                        for m in MAGIC[p]):
        return ""  # a JPG saved as .png by a phone app is still a photo
    what = _what_it_is(head)
    shown = f"实际是{what}" if what else "内容与扩展名不符"
    return f"文件扩展名是 {suffix}，但{shown}，不接收；请上传用 WPS/Excel 保存的原表格或原始照片"


class _Counter:
    """Bytes staged by one upload, against the request cap."""

    def __init__(self, limits: ServeLimits) -> None:
        self.limits = limits
        self.total = 0

    def add(self, n: int) -> None:
        self.total += n
        if self.total > self.limits.max_request_mb * 2**20:
            raise UploadTooLarge(f"一次上传的文件合计超过 {self.limits.max_request_mb:g} MB，"
                                 "请分几次上传（如先传表格，再传照片）。")


def _copy_capped(source: Readable, target: Path, cap: int, counter: _Counter | None = None
                 ) -> tuple[int, str] | None:
    """Copy at most ``cap`` bytes; (size, sha256), or None when there were more (the target
    is then removed)."""
    digest = hashlib.sha256()
    size = 0
    with target.open("xb") as out:
        while True:
            chunk = source.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                break
            if counter is not None:
                counter.add(len(chunk))
            digest.update(chunk)
            out.write(chunk)
    if size > cap:
        target.unlink()
        return None
    return size, digest.hexdigest()


def _unique(folder: Path, name: str, taken: set[str]) -> str:
    """``name``, or ``name-2`` … when this upload already staged one of that name."""
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    taken.add(candidate.lower())
    return candidate


def take_files(files: Iterable[tuple[str, BinaryIO]], staging: Path, limits: ServeLimits
               ) -> Intake:
    """Check and stage every (name as sent, stream) of one upload into ``staging``.

    Raises:
        UploadTooLarge: the files together are over ``max_request_mb`` or there are more than
            ``max_files`` (nothing is kept: the caller removes ``staging``).
    """
    intake = Intake()
    counter = _Counter(limits)
    cap = int(limits.max_file_mb * 2**20)
    taken: set[str] = set()
    items = list(files)
    if len(items) > limits.max_files:
        raise UploadTooLarge(f"一次最多上传 {limits.max_files} 个文件（这次有 {len(items)} 个），"
                             "照片多时请打成一个 .zip 上传。")
    for sent, stream in items:
        shown = redact("".join(c for c in sent if c not in _INVISIBLE) or "（无名文件）")
        name, why = base_name(sent)
        if name is None:
            intake.refused.append(Refusal(shown, why))
            continue
        suffix = Path(name).suffix.lower()
        if suffix not in ACCEPTED:
            intake.refused.append(Refusal(shown, f"只接收 {ACCEPTED_TEXT} 文件；"
                                          "Word、PDF 等请不要上传，.et/.ods 请在 WPS 中另存为 .xlsx"))
            continue
        problem = content_problem(suffix, stream.read(16))
        stream.seek(0)
        if problem:
            intake.refused.append(Refusal(shown, problem))
            continue
        if suffix == ".zip":
            # unpacked from a file of its own: the upload's spooled file is not seekable
            # as zipfile needs it on Python 3.10
            packed = staging / f".zip-{len(taken)}-{len(intake.refused)}"
            if _copy_capped(stream, packed, int(limits.max_request_mb * 2**20), counter):
                with packed.open("rb") as archive:
                    _take_zip(archive, shown, staging, limits, intake, taken)
            packed.unlink(missing_ok=True)
            continue
        stored = _unique(staging, name, taken)
        copied = _copy_capped(stream, staging / stored, cap, counter)
        if copied is None:
            intake.refused.append(Refusal(shown, f"文件超过 {limits.max_file_mb:g} MB，不接收；"
                                          "照片请压缩后再传，表格请删去多余的空行和图片"))
            continue
        kind = "photo" if suffix in PHOTO_SUFFIXES else "workbook"
        intake.staged.append(Staged(stored, kind, staging / stored, *copied, came_as=shown))
    return intake


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as the clerk's system wrote it: without the UTF-8 flag zipfile decodes
    it as cp437, but Info-ZIP and macOS write UTF-8 and a Chinese Windows writes GBK (tried in
    that order: GBK bytes are hardly ever valid UTF-8)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gbk"):  # Info-ZIP and macOS write UTF-8 without the flag
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def zip_problem(infos: list[zipfile.ZipInfo], limits: ServeLimits) -> str:
    """Why a zip is refused as a whole ('' when it is not): too many members, unpacking past
    ``max_unzipped_mb`` or past `MAX_RATIO` its packed size, a member that climbs out of the
    folder or starts at the root (zip slip), a symbolic link, an encrypted member."""
    if len(infos) > limits.max_zip_members:
        return (f"压缩包中有 {len(infos)} 个文件，超过 {limits.max_zip_members} 个，不接收；"
                "请分成几个压缩包上传")
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_mb * 2**20:
        return (f"压缩包解压后有 {total / 2**20:,.0f} MB，超过 {limits.max_unzipped_mb:g} MB，不接收；"
                "请分成几个压缩包上传")
    for info in infos:
        name = _member_name(info).replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or PureWindowsPath(name).drive:
            return ("压缩包中有指向压缩包以外位置的文件（路径含 ../ 或从根目录开始），出于安全考虑不接收；"
                    "请用 Windows 自带的“发送到→压缩(zipped)文件夹”重新打包")
        if stat.S_ISLNK(info.external_attr >> 16):
            return "压缩包中有快捷方式（符号链接），出于安全考虑不接收；请只打包照片文件本身"
        if info.flag_bits & 0x1:
            return "压缩包加了密码，无法打开；请去掉密码重新打包"
        if info.compress_size and info.file_size > MAX_RATIO * info.compress_size \
                and info.file_size > 2**20:
            return ("压缩包中有压缩比异常的文件（疑似“压缩炸弹”），不接收；"
                    "请只打包照片和表格，或直接上传文件")
    return ""


def _take_zip(stream: BinaryIO, shown: str, staging: Path, limits: ServeLimits,
              intake: Intake, taken: set[str]) -> None:
    """Stage the photos and workbooks inside one .zip (its folders flattened); other members
    (Thumbs.db, __MACOSX/…, .docx) are named as not taken."""
    try:
        archive = zipfile.ZipFile(stream)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        intake.refused.append(Refusal(shown, "压缩包已损坏或不是 .zip 格式（.rar/.7z 请改用 .zip）"))
        return
    problem = zip_problem(infos, limits)
    if problem:
        intake.refused.append(Refusal(shown, problem))
        return
    cap = int(limits.max_file_mb * 2**20)
    skipped: list[str] = []
    for info in infos:
        if info.is_dir():
            continue
        inner = _member_name(info).replace("\\", "/")
        leaf = PurePosixPath(inner).name
        if inner.startswith("__MACOSX/") or leaf.startswith("._"):
            continue
        name, _ = base_name(leaf)
        suffix = Path(name or "").suffix.lower()
        if name is None or suffix not in WORKBOOK_SUFFIXES + PHOTO_SUFFIXES:
            skipped.append(redact(leaf))
            continue
        where = f"{shown} 中的 {redact(leaf)}"
        if info.file_size > cap:
            intake.refused.append(Refusal(where, f"文件超过 {limits.max_file_mb:g} MB，不接收"))
            continue
        stored = _unique(staging, name, taken)
        try:
            with archive.open(info) as member:
                head = member.read(16)
                problem = content_problem(suffix, head)
                if problem:
                    intake.refused.append(Refusal(where, problem))
                    continue
                copied = _copy_capped(_Prefixed(head, member), staging / stored,
                                      min(cap, info.file_size))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            (staging / stored).unlink(missing_ok=True)
            intake.refused.append(Refusal(where, "压缩包中的这个文件已损坏，无法解压"))
            continue
        if copied is None:  # more bytes than its header said: a forged size
            intake.refused.append(Refusal(where, "解压后的大小与压缩包记录的不符，不接收"))
            continue
        kind = "photo" if suffix in PHOTO_SUFFIXES else "workbook"
        intake.staged.append(Staged(stored, kind, staging / stored, *copied, came_as=where))
    if skipped:
        more = f" 等 {len(skipped)} 个" if len(skipped) > 3 else ""
        intake.refused.append(Refusal(shown, f"其中的 {'、'.join(skipped[:3])}{more} 不是表格或照片，"
                                      "没有收取"))


class _Prefixed:
    """A stream whose first bytes were already read (for the content check)."""

    def __init__(self, head: bytes, rest: Readable) -> None:
        self.head = head
        self.rest = rest

    def read(self, n: int = -1, /) -> bytes:
        if self.head:
            chunk, self.head = self.head, b""
            return chunk
        return self.rest.read(n)
