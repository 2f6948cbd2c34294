"""The photos of a unit's 图片资料 folder, as `checks` and the 图片资料汇编 see them (issue 14
point 9).

Only regular files are photos: a FIFO (named pipe) blocks whoever opens it for reading until
something writes to it, so `report --kind 印证资料` would wait forever; devices and sockets are
no photos either. A symbolic link is followed only when its target is a regular file inside
the unit's folder: a link to ``/home/x/私人照片.jpg`` would otherwise put a file from outside
the data into a document that is sent out.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

NOT_REGULAR = "不是普通的图片文件（可能是管道、设备等特殊文件）"
LINK_OUTSIDE = "是指向本单位文件夹以外的快捷方式（链接），出于安全考虑不读取"
LINK_BROKEN = "是失效的快捷方式（链接），指向的文件不存在"


@dataclass
class PhotoFolder:
    """The files of one 图片资料 folder by lower-cased name (Windows names are
    case-insensitive).

    Attributes:
        photos: name → path of the regular files (and links to regular files in the unit).
        refused: name → why the entry is not used (Chinese, for a warning or a note).
    """

    photos: dict[str, Path] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


def photo_folder(folder: Path, unit_folder: Path) -> PhotoFolder:
    """List ``folder`` (a unit's 图片资料) without opening any file; a folder that is missing
    or cannot be listed gives an empty result."""
    found = PhotoFolder()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    root = unit_folder.resolve()
    outside = root not in folder.resolve().parents  # 图片资料 itself a link out of the unit
    for entry in entries:
        key = entry.name.lower()
        if outside:
            found.refused[key] = LINK_OUTSIDE
            continue
        try:
            if entry.is_symlink():
                try:
                    target = Path(entry.path).resolve(strict=True)
                except (OSError, RuntimeError):  # broken, or a loop of links
                    found.refused[key] = LINK_BROKEN
                    continue
                if root not in target.parents:
                    found.refused[key] = LINK_OUTSIDE
                    continue
                if not target.is_file():
                    found.refused[key] = NOT_REGULAR
                    continue
                found.photos[key] = Path(entry.path)
            elif entry.is_file(follow_symlinks=False):
                found.photos[key] = Path(entry.path)
            elif not entry.is_dir(follow_symlinks=False):
                found.refused[key] = NOT_REGULAR
        except OSError:
            found.refused[key] = NOT_REGULAR
    return found


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading only if it is a regular file, without ever blocking: the open
    is non-blocking (a FIFO swapped in after the listing does not hang) and the opened file is
    checked with fstat.

    Raises:
        OSError: it cannot be opened, or it is not a regular file (errno EINVAL).
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                         | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(22, NOT_REGULAR, str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
