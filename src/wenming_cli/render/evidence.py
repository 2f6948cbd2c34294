"""印证资料备查 (notice 二-2): printable 花名册, 活动计划一览表, 项目表 and the 图片资料汇编.

Contexts follow the contracts in ``tools/template_layouts*.py``; IDs and phones are masked unless
asked otherwise. Photos are opened with Pillow, turned upright by their EXIF orientation and
downscaled (≤ `MAX_PIXELS` on the long side, JPEG) into a temp folder so the album stays small.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config
from ..figures import compute_figures
from ..units import UnitData
from .context import annex_rows, clean, cn_date

MAX_PIXELS = 1600
PHOTO_WIDTH_MM = 75
PHOTO_MAX_HEIGHT_MM = 60


def _subtitle(unit: UnitData, config: Config) -> str:
    return f"填报单位：{unit.name}　　统计截至：{cn_date(config.period_end)}"


def roster_context(unit: UnitData, config: Config, mask: bool = True) -> dict[str, Any]:
    """志愿服务队伍花名册: teams and volunteers with 合计 lines."""
    rows = annex_rows(unit, mask, config.year)
    fig = compute_figures(unit, config)
    return {
        "title": f"{unit.name}志愿服务队伍花名册",
        "subtitle": _subtitle(unit, config),
        "teams": rows["teams"],
        "team_total": f"共{fig.teams}支，其中在全国志愿服务信息系统注册{fig.teams_registered}支",
        "volunteers": rows["volunteers"],
        "volunteer_total": f"共{fig.volunteers}人，其中注册志愿者{fig.volunteers_registered}人、"
                           f"党员{fig.party_members}人",
    }


def activities_context(unit: UnitData, config: Config) -> dict[str, Any]:
    """文明实践项目活动计划一览表: every activity (planned, held, cancelled) with a 合计 row."""
    rows = annex_rows(unit, mask=True, year=config.year)["activities"]
    for row, act in zip(rows, unit.activities, strict=True):
        row["theme"] = act.theme_20th or ""
        row["demo"] = act.demo or ""
    return {
        "title": f"{unit.name}{config.year}年文明实践项目活动计划一览表",
        "subtitle": f"填报单位：{unit.name}　　计划年度：{config.year}年（含已开展、计划中、已取消）",
        "activities": rows,
        "totals": {
            "count": str(len(unit.activities)),
            "volunteers": str(sum(a.volunteers or 0 for a in unit.activities)),
            "served": str(sum(a.served or 0 for a in unit.activities)),
        },
    }


def projects_context(unit: UnitData, config: Config, mask: bool = True) -> dict[str, Any]:
    """志愿服务项目表 with 实施期限, 服务频次, 受益人数 and a 合计 row."""
    rows = annex_rows(unit, mask, config.year)["projects"]
    for row, project in zip(rows, unit.projects, strict=True):
        start = f"{project.start:%Y.%m.%d}" if project.start else ""
        end = f"{project.end:%Y.%m.%d}" if project.end else ""
        row["period"] = f"{start}—{end}" if start or end else ""
        row["frequency"] = clean(project.frequency)
        row["beneficiaries"] = str(project.beneficiaries) if project.beneficiaries else ""
        row["matching"] = project.matching or ""
    return {
        "title": f"{unit.name}志愿服务项目表",
        "subtitle": _subtitle(unit, config),
        "projects": rows,
        "totals": {
            "count": str(len(unit.projects)),
            "beneficiaries": str(sum(p.beneficiaries or 0 for p in unit.projects)),
        },
    }


@dataclass(frozen=True)
class Photo:
    """One photo of the album: its prepared file and caption."""

    path: Path
    caption: str
    height_ratio: float  # height / width after rotation


def _caption(act: Any, config: Config) -> str:
    when = ""
    if act.held_on:
        when = (f"{act.held_on.month}月{act.held_on.day}日" if act.held_on.year == config.year
                else cn_date(act.held_on))
    parts = [when, clean(act.name), clean(act.place)]
    return "　".join(p for p in parts if p)


MAX_SOURCE_PIXELS = 40_000_000
"""Largest photo (width × height) decoded at full size (~160 MB as RGB). A bigger JPEG is
decoded already shrunk (JPEG draft mode: 1/2, 1/4 or 1/8 of the size, at a fraction of the
memory); any other format bigger than this is skipped with a note, as are pictures over
`MAX_JPEG_PIXELS` — a 12000 × 12000 photo no longer takes 1 GB or prints Pillow's
DecompressionBombWarning."""
MAX_JPEG_PIXELS = 400_000_000


def _load_photo(source: Path) -> Any:
    """The photo at ``source`` upright, RGB, at most `MAX_PIXELS` on its long side.

    Raises:
        OSError, UnidentifiedImageError, Image.DecompressionBombError: it cannot be used (not a
            regular file, not an image, damaged, or too big: see `MAX_SOURCE_PIXELS`).
    """
    import warnings

    from PIL import Image, ImageOps

    from ..photos import open_regular

    with open_regular(source) as handle, warnings.catch_warnings():
        # our own size limits below replace Pillow's warning (printed raw on stderr otherwise)
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(handle) as image:
            pixels = image.width * image.height
            if image.format == "JPEG" and pixels <= MAX_JPEG_PIXELS:
                image.draft("RGB", (MAX_PIXELS, MAX_PIXELS))  # decode at 1/2…1/8 scale
            elif pixels > MAX_SOURCE_PIXELS:
                raise Image.DecompressionBombError(f"{image.width}x{image.height}")
            upright = ImageOps.exif_transpose(image) or image
            picture = upright.convert("RGB")
            picture.thumbnail((MAX_PIXELS, MAX_PIXELS))
            return picture


def prepare_photos(unit: UnitData, config: Config, workdir: Path,
                   notes: list[str] | None = None) -> list[Photo]:
    """Every readable photo referenced by the activity table, upright and downscaled into
    ``workdir``; missing, unreadable, too big, special (FIFO) files and links out of the unit
    folder are skipped (and named in ``notes``)."""
    from PIL import Image, UnidentifiedImageError

    from ..photos import photo_folder

    folder = photo_folder(unit.photo_dir, unit.folder)
    photos: list[Photo] = []
    for act in sorted(unit.activities, key=lambda a: (a.held_on is None, a.held_on, a.row)):
        for name in act.photos or ():
            source = folder.photos.get(name.lower())
            if source is None:
                if notes is not None:
                    why = folder.refused.get(name.lower(), "找不到")
                    notes.append(f"图片资料“{name}”{why}，汇编中已略过（活动!第{act.row}行）。")
                continue
            try:
                picture = _load_photo(source)
                target = workdir / f"{len(photos):04d}.jpg"
                picture.save(target, "JPEG", quality=85)
                ratio = picture.height / picture.width
            except Image.DecompressionBombError:
                if notes is not None:
                    notes.append(f"图片资料“{name}”尺寸太大（超过 {MAX_SOURCE_PIXELS // 1_000_000} 百万"
                                 f"像素），汇编中已略过；请缩小后再放入（活动!第{act.row}行）。")
                continue
            except (OSError, UnidentifiedImageError, ValueError):
                if notes is not None:
                    notes.append(f"图片资料“{name}”无法打开，汇编中已略过（活动!第{act.row}行）。")
                continue
            photos.append(Photo(target, _caption(act, config), ratio))
    return photos


def _pairs(items: list[Photo]) -> Iterator[tuple[Photo, Photo | None]]:
    for i in range(0, len(items), 2):
        yield items[i], (items[i + 1] if i + 1 < len(items) else None)


def album_images(photos: list[Photo]) -> Any:
    """The `render_docx` images hook building the album ``rows`` (two photos a row)."""
    def images(doc: Any) -> dict[str, Any]:
        from docx.shared import Mm
        from docxtpl import InlineImage

        def cell(photo: Photo | None) -> dict[str, Any]:
            if photo is None:
                return {"image": "", "caption": ""}
            width = PHOTO_WIDTH_MM
            if photo.height_ratio * width > PHOTO_MAX_HEIGHT_MM:
                width = int(PHOTO_MAX_HEIGHT_MM / photo.height_ratio)
            return {"image": InlineImage(doc, str(photo.path), width=Mm(width)),
                    "caption": photo.caption}

        return {"rows": [{"left": cell(a), "right": cell(b)} for a, b in _pairs(photos)]}

    return images


def album_context(unit: UnitData, config: Config, count: int) -> dict[str, Any]:
    """Title and subtitle of the 图片资料汇编 (rows come from `album_images`)."""
    return {
        "title": f"{unit.name}新时代文明实践活动图片资料汇编",
        "subtitle": f"{_subtitle(unit, config)}　　共{count}张",
    }
