"""Writing output files safely (DESIGN.md §7): temp file beside the target, then one rename; a
file open in Word/WPS gives 文件被占用, never a traceback; the previous version is kept."""

from __future__ import annotations

import errno
import gc
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path


class OutputError(Exception):
    """An output file cannot be written; the message is Chinese and says what to do."""


BACKUP_DIR = "旧版"

_UNSAFE_CHARACTERS = frozenset('/\\:*?"<>|')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{p}{n}" for p in ("COM", "LPT") for n in "123456789¹²³"])
MAX_COMPONENT_LENGTH = 120
"""Characters in one unit name used as a folder/file name (Windows allows 255 UTF-16 units per
component; our file names add ~25 characters to the unit's name)."""


def component_problem(name: str) -> str | None:
    """Why ``name`` cannot be one path component on every clerk's system, in Chinese; None when
    it can. Refused: empty, ``.``/``..``, a leading dot (hidden), path separators and the other
    characters Windows forbids (``\\ / : * ? " < > |``), control characters, Windows device
    names (CON, NUL, COM1, LPT1 … also with an extension, as Windows treats ``NUL.txt``), a
    trailing dot or space (Windows drops them, so two names would meet), and very long names.
    Source: Microsoft "Naming Files, Paths, and Namespaces"."""
    if not name.strip():
        return "名称是空的"
    bad = sorted({c for c in name if c in _UNSAFE_CHARACTERS})
    if bad:
        return "含有不能用在文件名中的字符 " + " ".join(bad)
    if name.startswith("."):
        return "不能以“.”开头"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "含有控制字符（看不见的字符，多为复制粘贴带入）"
    if name.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        return "是 Windows 的保留名称（CON、NUL、COM1、LPT1 等），不能用作文件夹名"
    if name[-1] in ". ":
        return "末尾不能是“.”或空格"
    if len(name) > MAX_COMPONENT_LENGTH:
        return f"太长（{len(name)} 个字，最多 {MAX_COMPONENT_LENGTH} 个）"
    return None


def safe_component(name: str) -> str:
    """``name`` when it is safe as one path component (see `component_problem`).

    Raises:
        OutputError: it is not (message names it and says what to do).
    """
    problem = component_problem(name)
    if problem is not None:
        raise OutputError(f"单位名称“{name}”{problem}，不能用作文件名或文件夹名。"
                          "请在配置（wenming.toml）或文件夹名中改用单位全称。")
    return name


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_WRITE_REASONS = {
    errno.ENOSPC: "磁盘空间不足，请清理磁盘或换一个有空间的文件夹",
    errno.EDQUOT: "磁盘配额已用完，请清理文件或换一个文件夹",
    errno.EROFS: "磁盘或文件夹是只读的（如光盘、写保护的 U 盘），请换一个文件夹",
    errno.EACCES: "没有权限写入，请换一个文件夹或检查文件夹权限",
    errno.EPERM: "没有权限写入，请换一个文件夹或检查文件夹权限",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹，请检查路径",
    errno.EISDIR: "同名的文件夹已存在，请换一个文件名",
    errno.ENAMETOOLONG: "文件名或路径太长，请换一个短一些的文件夹或文件名",
    errno.ENOENT: "文件夹不存在（可能刚被移走或删除）",
    errno.EBUSY: "文件正被其他程序占用，请关闭后重试",
    errno.EIO: "磁盘读写出错（U 盘或网络盘可能已断开），请检查磁盘后重试",
    errno.EEXIST: "同名文件已存在",
    errno.EINVAL: "文件名中有系统不允许的字符",
}


def os_reason(exc: BaseException) -> str:
    """Why writing failed, in Chinese with what to do (the English system text stays out of
    the message: a clerk on a Chinese desktop cannot act on "No space left on device")."""
    number = getattr(exc, "errno", None)
    if number in _WRITE_REASONS:
        return _WRITE_REASONS[number]
    return "系统拒绝了写入" + (f"（错误号 {number}）" if number else "")


def _backup_name(target: Path, stamp: str, n: int) -> Path:
    extra = f"-{n}" if n > 1 else ""
    return target.parent / BACKUP_DIR / f"{target.stem}_{stamp}{extra}{target.suffix}"


def keep_previous(target: Path) -> Path:
    """Copy an existing ``target`` into ``旧版/`` beside it, stamped with its modification time
    (a clerk may have edited the last version in Word). Returns the copy's path.

    The copy is written to a temporary name in ``旧版/`` and then linked to its final name, so
    a full disk or a killed run never leaves a truncated backup under a real name; a second
    version with the same stamp (two saves in one second) gets ``…-2``, ``…-3`` — the link
    refuses an existing name, so two runs at once cannot overwrite each other's backup either.

    Raises:
        OSError: the copy cannot be written (nothing is left behind in ``旧版/``).
    """
    stamp = datetime.fromtimestamp(target.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    folder = target.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    _remove_stale_temps(folder)
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=folder)
    os.close(fd)
    temp = Path(temp_name)
    try:
        shutil.copy2(target, temp)
        for n in range(1, 1000):
            copy = _backup_name(target, stamp, n)
            try:
                os.link(temp, copy)  # fails on an existing name, unlike a rename
                return copy
            except FileExistsError:
                continue
            except OSError:  # no hard links on this disk (FAT32 U 盘): rename, checked first
                if copy.exists():
                    continue
                os.replace(temp, copy)
                return copy
        raise FileExistsError(errno.EEXIST, "too many backups", str(copy))
    finally:
        if temp.exists():
            temp.unlink()


TEMP_PREFIX = ".~wenming-"
STALE_SECONDS = 600
"""A temporary file older than this was left by a run that was killed (power cut, a process
ended by the system); the next write into the same folder removes it."""


def _remove_stale_temps(folder: Path) -> None:
    """Remove temporary files and folders (`temp_folder`) of killed runs from ``folder``."""
    now = time.time()
    for leftover in folder.glob(TEMP_PREFIX + "*"):
        try:
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
        except OSError:
            continue  # in use, or gone already


@contextmanager
def temp_folder(parent: Path) -> Iterator[Path]:
    """A hidden temporary folder ``.~wenming-…`` inside ``parent`` (removed afterwards; one
    left by a killed run is removed by the next write into ``parent``).

    Raises:
        OutputError: ``parent`` cannot be written.
    """
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(parent)
        folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent))
    except OSError as exc:
        raise OutputError(f"无法在 {parent} 中写文件：{os_reason(exc)}。") from exc
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


SYSTEM_TEMP_PREFIX = "wenming-"
_SWEPT: list[bool] = []


def remove_stale_system_temps() -> None:
    """Once per process: remove ``wenming-*`` folders older than `STALE_SECONDS` from the
    system's temporary folder (photos and charts of a run that was killed)."""
    if _SWEPT:
        return
    _SWEPT.append(True)
    now = time.time()
    for leftover in Path(tempfile.gettempdir()).glob(SYSTEM_TEMP_PREFIX + "*"):
        try:
            if leftover.is_dir() and not leftover.is_symlink() \
                    and now - leftover.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            continue


def _save_quietly(save: Callable[[Path], None], temp: Path) -> None:
    """``save(temp)``; when it fails, the half-written zip objects in its frames are freed here
    with the interpreter's "Exception ignored in: ZipFile.__del__ … OSError" report switched
    off — on a full disk their close() fails a second time, after our Chinese message."""
    try:
        save(temp)
    except BaseException as exc:
        hook = sys.unraisablehook
        sys.unraisablehook = lambda _unraisable: None
        try:
            seen: BaseException | None = exc
            while seen is not None:  # the error raised while handling another holds its frames
                traceback.clear_frames(seen.__traceback__)
                seen = seen.__context__
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise


def write_atomic(target: Path, save: Callable[[Path], None], backup: bool = True,
                 kept: list[Path] | None = None) -> Path:
    """Call ``save(temp_path)`` then rename onto ``target``; the temp file is removed on failure.
    An existing ``target`` is first copied to ``旧版/`` (see `keep_previous`) when ``backup``;
    the copy's path is appended to ``kept``. The target is only replaced once both the new file
    and the backup are complete.

    Raises:
        OutputError: the folder cannot be written, or the target is open in Word/WPS.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(target.parent)
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix,
                                         dir=target.parent)
    except OSError as exc:
        raise OutputError(f"无法在 {target.parent} 中写文件：{os_reason(exc)}。"
                          "也可以用 --out 换一个输出文件夹。") from exc
    os.close(fd)
    temp = Path(temp_name)
    try:
        _save_quietly(save, temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        if backup and target.exists():
            copy = keep_previous(target)
            if kept is not None:
                kept.append(copy)
        os.replace(temp, target)
    except PermissionError as exc:
        raise OutputError(f"文件被占用，请关闭后重试：{target}") from exc
    except OSError as exc:
        raise OutputError(f"无法写入 {target}：{os_reason(exc)}。") from exc
    finally:
        if temp.exists():
            temp.unlink()
    return target
