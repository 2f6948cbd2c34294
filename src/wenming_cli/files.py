"""Writing output files safely (DESIGN.md §7): temp file beside the target, then one rename; a
file open in Word/WPS gives 文件被占用, never a traceback; the previous version is kept."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path


class OutputError(Exception):
    """An output file cannot be written; the message is Chinese and says what to do."""


BACKUP_DIR = "旧版"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def keep_previous(target: Path) -> Path:
    """Copy an existing ``target`` into ``旧版/`` beside it, stamped with its modification time
    (a clerk may have edited the last version in Word). Returns the copy's path."""
    stamp = datetime.fromtimestamp(target.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    copy = target.parent / BACKUP_DIR / f"{target.stem}_{stamp}{target.suffix}"
    copy.parent.mkdir(exist_ok=True)
    shutil.copy2(target, copy)
    return copy


TEMP_PREFIX = ".~wenming-"
STALE_SECONDS = 600
"""A temporary file older than this was left by a run that was killed (power cut, a process
ended by the system); the next write into the same folder removes it."""


def _remove_stale_temps(folder: Path) -> None:
    now = time.time()
    for leftover in folder.glob(TEMP_PREFIX + "*"):
        try:
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
        except OSError:
            continue  # in use, or gone already


def write_atomic(target: Path, save: Callable[[Path], None], backup: bool = True) -> Path:
    """Call ``save(temp_path)`` then rename onto ``target``; the temp file is removed on failure.
    An existing ``target`` is first copied to ``旧版/`` (see `keep_previous`) when ``backup``.

    Raises:
        OutputError: the folder cannot be written, or the target is open in Word/WPS.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(target.parent)
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix,
                                         dir=target.parent)
    except OSError as exc:
        raise OutputError(f"无法在 {target.parent} 中写文件：{exc.strerror or exc}。"
                          "请换一个输出文件夹（--out），或检查文件夹权限。") from exc
    os.close(fd)
    temp = Path(temp_name)
    try:
        save(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        if backup and target.exists():
            keep_previous(target)
        os.replace(temp, target)
    except PermissionError as exc:
        raise OutputError(f"文件被占用，请关闭后重试：{target}") from exc
    except OSError as exc:
        raise OutputError(f"无法写入 {target}：{exc.strerror or exc}") from exc
    finally:
        if temp.exists():
            temp.unlink()
    return target
