"""What the intake desk's worker processes do (DESIGN.md §10): place an upload into a unit's
folder and validate the unit; render a unit's or the county's documents.

Runs in a worker process of the server's pool, one job per unit at a time (the server holds
the unit's lock for the whole job, so two uploads to one unit are never interleaved). Every
function takes and returns plain data (paths, dicts): nothing here knows about HTTP.

Placing a file never leaves the unit without it: the file it replaces is first hard-linked
(copied where the disk has no links) into ``旧版/<time>/``, then the new one is renamed over it
in one step; an old file of the same kind under another name is moved to ``旧版/<time>/``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..config import Config, load_config
from ..files import BACKUP_DIR
from ..units import PHOTO_DIR
from .db import now
from .intake import Refusal, Staged

_CONFIGS: dict[Path, Config] = {}


def config_of(data_dir: Path) -> Config:
    """The data folder's config, read once per process.

    Raises:
        ConfigError: wenming.toml cannot be used.
    """
    if data_dir not in _CONFIGS:
        _CONFIGS[data_dir] = load_config(data_dir)[0]
    return _CONFIGS[data_dir]


def sha256_of(path: Path) -> str:
    """The file's sha256 (hex)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _backup_folder(folder: Path) -> Path:
    """A new ``旧版/<time>/`` folder (``-2`` … for a second one in the same second)."""
    stamp = now().strftime("%Y%m%d-%H%M%S")
    base = folder / BACKUP_DIR
    for n in range(1, 1000):
        target = base / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            target.mkdir(parents=True)
            return target
        except FileExistsError:
            continue
    raise FileExistsError(base / stamp)


def _keep_old(old: Path, backups: Path, inner: str = "") -> None:
    """Put ``old`` into ``backups`` (under ``inner``) while it stays in place: hard link, else
    copy (FAT32/exFAT U 盘 have no links)."""
    target = backups / inner / old.name if inner else backups / old.name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, target)
    except OSError:
        shutil.copy2(old, target)


def _workbook_kind(path: Path, shown: str) -> tuple[str, str]:
    """(kind, '') of a staged workbook, or ('', why it is refused)."""
    from ..guard import UnreadableFile
    from ..read import read_workbook

    try:
        data = read_workbook(path, shown)
    except UnreadableFile as exc:
        return "", f"{exc.issue.message}。{exc.issue.hint}"
    if data is None:
        return "", ("不是这四种表格之一：基本情况与自评表、志愿服务队伍花名册、文明实践项目活动计划一览表、"
                    "志愿服务项目表；请用 wenming 的模板填写后上传")
    return data.spec.kind, ""


def place(folder: Path, staged: list[Staged], known_kinds: dict[str, str],
          max_photos: int) -> tuple[list[dict[str, Any]], list[Refusal]]:
    """Move the staged files into the unit's ``folder``; returns (placed files, refused).

    A workbook is stored under its kind's file name (花名册 → 志愿服务队伍花名册.xlsx) with its own
    suffix, and replaces the unit's workbook of that kind (``known_kinds``: file name → kind of
    the unit's current workbooks); a photo goes to ``图片资料/``. A workbook that cannot be
    read, is none of the four kinds or is a second one of a kind in the same upload is refused.

    Raises:
        OSError: the folder cannot be written (a full disk); the staged files are left for the
            caller to remove.
    """
    from ..schema import BY_KIND

    placed: list[dict[str, Any]] = []
    refused: list[Refusal] = []
    chosen: dict[str, Staged] = {}
    for item in staged:
        if item.kind != "workbook":
            continue
        kind, why = _workbook_kind(item.path, item.came_as)
        if why:
            refused.append(Refusal(item.came_as, why))
        elif kind in chosen:
            refused.append(Refusal(item.came_as, f"与 {chosen[kind].came_as} 是同一种表格"
                                   f"（{BY_KIND[kind].title}），一次只收一个；请只上传最新的那个"))
        else:
            chosen[kind] = item
    photos = [item for item in staged if item.kind == "photo"]
    photo_dir = folder / PHOTO_DIR
    have = {p.name.lower() for p in photo_dir.iterdir()} if photo_dir.is_dir() else set()
    new = {p.name.lower() for p in photos} - have
    if len(have) + len(new) > max_photos:
        names = "、".join(item.came_as for item in photos[:3])
        more = f" 等 {len(photos)} 张" if len(photos) > 3 else ""
        refused.append(Refusal(f"{names}{more}", f"图片资料最多 {max_photos} 张（已有 {len(have)} 张，"
                               f"这次 {len(new)} 张新照片），这次的照片都没有收取；请只上传活动表"
                               "“图片资料”列中写到的照片，或请县中心调高上限"))
        photos = []
    if not chosen and not photos:
        return placed, refused
    backups: Path | None = None

    def backup_folder() -> Path:
        nonlocal backups
        if backups is None:
            backups = _backup_folder(folder)
        return backups

    for kind, item in chosen.items():
        target = folder / (Path(BY_KIND[kind].file_name).stem + Path(item.name).suffix.lower())
        if target.is_file() and sha256_of(target) == item.sha256:  # the same file again
            item.path.unlink()
            placed.append({"name": target.name, "kind": kind, "size": item.size,
                           "sha256": item.sha256, "came_as": item.came_as, "replaced": []})
            continue
        older = [folder / name for name, k in known_kinds.items()
                 if k == kind and (folder / name).is_file()]
        if target.is_file() and target not in older:
            older.append(target)
        for old in older:
            _keep_old(old, backup_folder())
        os.replace(item.path, target)
        for old in older:
            if old != target:
                old.unlink()
        placed.append({"name": target.name, "kind": kind, "size": item.size,
                       "sha256": item.sha256, "came_as": item.came_as,
                       "replaced": [old.name for old in older]})
    if photos:
        photo_dir.mkdir(exist_ok=True)
    for item in photos:
        target = photo_dir / item.name
        replaced = []
        if target.is_file() and sha256_of(target) == item.sha256:
            item.path.unlink()
        elif target.is_file():
            _keep_old(target, backup_folder(), PHOTO_DIR)
            replaced.append(target.name)
        if item.path.exists():
            os.replace(item.path, target)
        placed.append({"name": f"{PHOTO_DIR}/{target.name}", "kind": "photo", "size": item.size,
                       "sha256": item.sha256, "came_as": item.came_as, "replaced": replaced})
    return placed, refused


def empty_payload(unit: str) -> dict[str, Any]:
    """The result of a unit with nothing read yet (the shape `check_unit` returns)."""
    return {"unit": unit, "valid": True, "errors": 0, "warnings": 0, "units": [unit],
            "reading": [], "issues": [], "checklists": [], "files": [], "photos": 0}


def check_unit(data_dir: Path, unit: str) -> dict[str, Any]:
    """Read and validate ``data_dir/unit`` as `wenming validate --format json` would, for one
    unit; returns the page's and the API's payload: valid, errors, warnings, units, reading,
    issues, checklists (the JSON shape of ``validate``), plus ``files`` (each workbook's name,
    kind, title, size, sha256) and ``photos`` (how many). Personal data is masked as in every
    output (issues are masked when built; reading lines are redacted)."""
    from ..output import _redacted, checklist_dict
    from ..privacy import redact
    from ..schema import WORKBOOKS
    from ..units import discover
    from ..validate import list_issues

    config = config_of(data_dir)
    folder = data_dir / unit
    payload = empty_payload(unit)
    if not folder.is_dir():
        return payload
    sources = [s for s in discover([folder], config) if s.folder.resolve() == folder.resolve()]
    for source in sources:
        source.name = unit
    if sources and sources[0].files:
        listing = list_issues(sources, config, jobs=1)
        report = listing.report
        payload.update({
            "valid": report.valid, "errors": len(report.errors), "warnings": len(report.warnings),
            "reading": [{"unit": u.name, **_redacted(line.to_dict()),
                         "text": redact(f"{Path(line.file).name}·{line.text()}")}
                        for u in listing.units for line in u.reading],
            "issues": [i.to_dict() for i in report.issues],
            "checklists": [checklist_dict(c) for c in listing.checklists],
            "empty": sorted(listing.units[0].empty) if listing.units else [],
        })
        info = listing.units[0].info if listing.units else None
        if info is not None and (info.contact or info.phone):
            from ..privacy import mask_mobile

            payload["contact"] = {"person": info.contact or "",
                                  "phone": mask_mobile(info.phone or "")}
        kinds = {path: kind for u in listing.units for kind, path in u.files.items()}
        titles = {spec.kind: spec.title for spec in WORKBOOKS}
        for path in sources[0].files:
            kind = kinds.get(path, "")
            payload["files"].append({"name": path.name, "kind": kind,
                                     "title": titles.get(kind, ""), "size": path.stat().st_size,
                                     "sha256": sha256_of(path)})
    photo_dir = folder / PHOTO_DIR
    if photo_dir.is_dir():
        payload["photos"] = sum(1 for p in photo_dir.iterdir() if p.is_file())
    for entry in payload["issues"] + payload["reading"]:
        _unit_relative(entry, folder)
    for issue in payload["issues"]:
        issue["message"], issue["hint"] = web_wording(issue["message"]), web_wording(issue["hint"])
    return payload


_WEB_WORDING = (
    (re.compile(r"请(?:先)?用 wenming init-templates 生成“([^”]+)”并填写。?"),
     r"请在本页“下载”中下载“空白模板”，填写其中的“\1”后上传。"),
    (re.compile(r"（wenming init-templates）"), "（本页“下载”中的“空白模板”）"),
    (re.compile(r"\s?wenming init-templates 生成的模板"), "本页“下载”中的“空白模板”"),
    (re.compile(r"再运行 wenming validate(?: --mark)?(?: 检查)?|再运行校验"), "再重新上传"),
    (re.compile(r"请把照片放进 \S*?图片资料，"), "请在本页上传这张照片，"),
    (re.compile(r"请把照片本身（JPG 或 PNG 文件）复制进“图片资料”文件夹"),
     "请在本页上传照片本身（JPG 或 PNG 文件）"),
)
"""What the command line's hints say (run a command, copy into a folder) as the web page's
clerk does it (download the blank templates, upload again)."""


def web_wording(text: str) -> str:
    """``text`` with the command-line steps said as steps on the unit's page."""
    for pattern, replacement in _WEB_WORDING:
        text = pattern.sub(replacement, text)
    return text


def _unit_relative(entry: dict[str, Any], folder: Path) -> None:
    """Paths in an issue or reading line as the unit knows them (``图片资料``, the workbook's
    name): the server's own folders are not shown to the units."""
    prefixes = sorted({str(folder.resolve()), str(folder.absolute()), str(folder)}, key=len,
                      reverse=True)
    for key, value in entry.items():
        if isinstance(value, str):
            for prefix in prefixes:
                value = value.replace(prefix + os.sep, "")
            entry[key] = value


def upload_job(data_dir: Path, unit: str, staged: list[Staged], known_kinds: dict[str, str],
               max_photos: int) -> dict[str, Any]:
    """`place` the staged files, then `check_unit`; returns the payload with ``placed`` and
    ``refused`` added (what this upload did)."""
    from ..pool import run_unit

    def work() -> dict[str, Any]:
        placed, refused = place(data_dir / unit, staged, known_kinds, max_photos)
        payload = check_unit(data_dir, unit)
        payload["placed"] = placed
        payload["refused"] = [asdict(r) for r in refused]
        return payload

    return run_unit(work)


def check_job(data_dir: Path, unit: str) -> dict[str, Any]:
    """`check_unit` in a worker (a unit found on disk without a current result)."""
    from ..pool import run_unit

    return run_unit(check_unit, data_dir, unit)


DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "自评报告": ("town", "镇（街道）新时代文明实践所建设情况自评报告"),
    "半年小结": ("any", "半年工作小结（含活动统计图）"),
    "花名册": ("any", "志愿服务队伍花名册（印证资料）"),
    "活动计划一览表": ("any", "文明实践项目活动计划一览表（印证资料）"),
    "项目表": ("any", "志愿服务项目表（印证资料）"),
    "图片资料汇编": ("any", "图片资料汇编（印证资料）"),
    "材料包": ("any", "以上全部文档打成一个 .zip，便于报送"),
    "问题标注": ("any", "有问题的工作簿副本：问题单元格标红/标黄并加批注"),
    "空白模板": ("any", "本单位的四张空白 Excel 模板（带填表说明、下拉选项），填好后上传"),
}
"""The documents a unit downloads: kind → (who has it: town or any, what it is)."""

_EVIDENCE_WORDS = {"花名册": "花名册", "活动计划一览表": "活动计划一览表", "项目表": "项目表",
                   "图片资料汇编": "图片资料汇编"}


def render_job(data_dir: Path, unit: str, kind: str, out: Path) -> str:
    """Write the unit's document ``kind`` (a key of `DOCUMENT_KINDS`) under ``out``; returns
    its path, or raises.

    Raises:
        RenderError: the document cannot be made (message Chinese).
        LookupError: the unit has nothing to render, or ``kind`` does not fit it (Chinese).
    """
    from ..pool import run_unit

    return run_unit(_render, data_dir, unit, kind, out)


def _render(data_dir: Path, unit: str, kind: str, out: Path) -> str:
    from ..render.package import make_zip, render_evidence, zip_name
    from ..render.report import render_self_assessment, render_summary
    from ..validate import validate_paths

    config = config_of(data_dir)
    folder = data_dir / unit
    if kind == "问题标注":
        return str(_marked(data_dir, unit, out))
    if kind == "空白模板":
        return str(_blank_templates(config, unit, out))
    result = validate_paths([folder], config) if folder.is_dir() else None
    if result is None or not result.units or not result.units[0].files:
        raise LookupError("还没有上传表格，无法生成文档；请先上传本单位的表格。")
    the_unit = result.units[0]
    the_unit.name = unit
    if result.report.unreadable:
        raise LookupError("有表格无法读取，生成的文档会缺少这些数据；请按页面上的提示修改后重新上传。")
    if set(the_unit.files) <= the_unit.empty:
        raise LookupError("上传的表格都还是空白模板，没有填写内容，无法生成文档；请填好后重新上传。")
    town = config.unit_kind(unit) == "town"
    if kind == "自评报告":
        if not town:
            raise LookupError("县级单位和县级志愿服务队不写自评报告，请下载半年小结。")
        return str(render_self_assessment(the_unit, config, out))
    if kind == "半年小结":
        return str(render_summary(the_unit, config, out))
    if kind in _EVIDENCE_WORDS:
        paths = render_evidence(the_unit, config, out)
        return str(next(p for p in paths if _EVIDENCE_WORDS[kind] in p.name))
    if kind == "材料包":
        paths = [render_self_assessment(the_unit, config, out)] if town else []
        paths.append(render_summary(the_unit, config, out))
        paths.extend(render_evidence(the_unit, config, out))
        return str(make_zip(paths, out / zip_name(unit, now().date())))
    raise LookupError(f"没有“{kind}”这种文档。可选：" + "、".join(DOCUMENT_KINDS))


def _blank_templates(config: Config, unit: str, out: Path) -> Path:
    """The unit's four blank workbooks (as `wenming init-templates` writes them) in one .zip."""
    from ..render.package import make_zip
    from ..schema import WORKBOOKS
    from ..xlsx_templates import unit_setup, write_workbook

    folder = out / unit / "空白模板"
    folder.mkdir(parents=True, exist_ok=True)
    setup = unit_setup(config, unit)
    paths = []
    for spec in WORKBOOKS:
        path = folder / spec.file_name
        write_workbook(path, spec, setup, config)
        paths.append(path)
    return make_zip(paths, out / unit / f"{unit}_空白模板.zip")


def _marked(data_dir: Path, unit: str, out: Path) -> Path:
    """The unit's workbooks that have problems, marked (`mark.mark_workbook`), as one .zip."""
    from ..mark import mark_workbook
    from ..render.package import make_zip
    from ..validate import validate_paths

    config = config_of(data_dir)
    if not (data_dir / unit).is_dir():
        raise LookupError("还没有上传表格，无法生成标注副本；请先上传本单位的表格。")
    result = validate_paths([data_dir / unit], config)
    by_file: dict[str, list[Any]] = {}
    for issue in result.report.issues:
        if issue.path and issue.cell:
            by_file.setdefault(issue.path, []).append(issue)
    if not by_file:
        raise LookupError("没有需要标注的单元格：表格中没有发现指向具体单元格的问题。")
    folder = out / unit / "问题标注"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for path, issues in by_file.items():
        source = Path(path)
        if source.suffix.lower() not in (".xlsx", ".xlsm"):
            continue
        paths.append(mark_workbook(source, issues, folder / f"{source.stem}_问题标注{source.suffix}"))
    if not paths:
        raise LookupError("只有 .xlsx/.xlsm 表格能生成标注副本；.xls 请在 WPS/Excel 中另存为 .xlsx 后重新上传。")
    return make_zip(paths, out / unit / f"{unit}_问题标注.zip")


def county_job(data_dir: Path, kind: str, out: Path, submitted: list[str]) -> str:
    """The county's downloads: 全县汇总 (.docx) and 全县汇总表 (.xlsx) of the ``submitted``
    units (those whose 确认报送 covers their current files: the documents say 已报送), 问题清单
    (.xlsx of every unit's problems), 全部材料 (.zip of every unit's folder without 旧版/);
    returns the path.

    Raises:
        RenderError, LookupError: as `render_job`.
    """
    from ..pool import run_unit

    return run_unit(_county, data_dir, kind, out, submitted)


COUNTY_KINDS = {
    "全县汇总": "全县汇总（.docx），按已确认报送的单位生成",
    "全县汇总表": "全县汇总表（.xlsx），按已确认报送的单位生成",
    "问题清单": "各单位全部问题（.xlsx，每个单位一个工作表）",
    "全部材料": "各单位上传的全部表格和照片（.zip，不含旧版）",
}


def _county(data_dir: Path, kind: str, out: Path, submitted: list[str]) -> str:
    from ..render.report import render_county
    from ..units import discover
    from ..validate import list_issues

    config = config_of(data_dir)
    if kind == "全部材料":
        return str(_all_materials(data_dir, config, out))
    sources = discover([data_dir], config) if data_dir.is_dir() else []
    if not sources:
        raise LookupError("还没有任何单位上传表格。")
    if kind != "问题清单":
        sources = [s for s in sources if s.name in submitted]
        if not sources:
            raise LookupError("还没有单位确认报送；全县汇总按已确认报送的单位生成。")
    listing = list_issues(sources, config, jobs=1, checklists=False, rollups=True)
    if kind == "问题清单":
        from ..problem_list import write_problem_list

        return str(write_problem_list(listing.report.issues, out / "问题清单.xlsx",
                                      [u.name for u in listing.units], "问题清单"))
    if kind not in ("全县汇总", "全县汇总表"):
        raise LookupError(f"没有“{kind}”。可选：" + "、".join(COUNTY_KINDS))
    docx, xlsx = render_county(listing.rollups, config, listing.report, out)
    return str(docx if kind == "全县汇总" else xlsx)


def _all_materials(data_dir: Path, config: Config, out: Path) -> Path:
    import zipfile

    from ..units import discover

    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{config.county}各单位报送材料_{now().strftime('%Y%m%d-%H%M')}.zip"
    temp = target.with_name(".~" + target.name)
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
        for source in discover([data_dir], config):
            for path in source.files:
                archive.write(path, f"{source.name}/{path.name}")
            photos = source.folder / PHOTO_DIR
            if photos.is_dir():
                for photo in sorted(photos.iterdir()):
                    if photo.is_file() and not photo.is_symlink():
                        archive.write(photo, f"{source.name}/{PHOTO_DIR}/{photo.name}",
                                      zipfile.ZIP_STORED)
    os.replace(temp, target)
    return target
