"""Cross-reference checks of one 填报单位 and across units (DESIGN.md §3, §4).

Rules and sources: 所属队伍 names a team on sheet 队伍 (§3.1); 村级 teams and 实践站 name their
村（社区） (§3.1, §3.4); 已开展 activities have 实际开展日期 (§3.2); 性别 agrees with the 17th digit
of the ID (GB 11643-1999 §4.5, warning); the same ID twice in one roster is an error, across
units a warning (§4); dates outside the configured year are warnings (§4).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from .cells import id_gender
from .config import Config
from .issues import ERROR, WARNING, Issue, Report, Severity, column_letter, file_issue
from .photos import PhotoFolder, open_regular, photo_folder
from .schema import WORKBOOKS, SheetRow
from .units import UnitData

_SHEET_KIND = {model.sheet_name: spec.kind for spec in WORKBOOKS for model in spec.sheets}
"""Model sheet (队员) → workbook kind (roster), from the workbook specs."""


def normalise_village(name: str) -> str:
    """'莲花社区居委会' → '莲花社区', '乔山村委会' → '乔山村' (the NBS committee names)."""
    for suffix, replacement in (("社区居委会", "社区"), ("村民委员会", "村"), ("村委会", "村"),
                                ("居委会", "社区")):
        if name.endswith(suffix):
            return name[: -len(suffix)] + replacement
    return name


def at(unit: UnitData, record: SheetRow, field_name: str, code: str, severity: Severity,
       message: str, hint: str) -> Issue:
    """An Issue placed at ``field_name`` of ``record``'s Excel row in ``unit``'s workbook (on the
    sheet the record was read from)."""
    sheet = record.sheet or next(iter(unit.sheet_names.get(record.sheet_name, [])),
                                 record.sheet_name)
    path = unit.files.get(_SHEET_KIND[record.sheet_name])
    row = record.row
    letter = ""
    if record.layout == "form":
        row, index = unit.form_cells.get(sheet, {}).get(field_name, (0, -1))
        letter = column_letter(index) if row else ""
    else:
        found = unit.columns.get(sheet, {}).get(field_name)
        letter = column_letter(found) if found is not None else ""
    cell = f"{letter}{row}" if letter and row else ""
    header = record.column(field_name).header
    return Issue(str(path or unit.folder), sheet, cell, row, letter, header, code, severity,
                 message, hint, unit.name)


def where(first: SheetRow, record: SheetRow) -> str:
    """'第 5 行', or '“队员（二）”第 5 行' when ``first`` is on another sheet than ``record``."""
    if first.sheet and first.sheet != record.sheet:
        return f"“{first.sheet}”第 {first.row} 行"
    return f"第 {first.row} 行"


UNIT_EMPTY = "表格还没有填写数据（只有模板，灰色“示例”行不算），无法生成文档"
UNIT_EMPTY_HINT = "请先填写模板，再运行 wenming validate 检查。"
"""Said by `validate` (``unit-empty``) and by `report`, which refuses such a unit: the same
words in both (issue 14 point 12)."""


def check_unit(unit: UnitData, config: Config, report: Report) -> None:
    """All cross-reference checks of one unit; issues go to ``report``."""
    if unit.files and set(unit.files) <= unit.empty:
        report.add(file_issue(str(unit.folder), "unit-empty", f"{unit.name}的{UNIT_EMPTY}",
                              UNIT_EMPTY_HINT))
    report.extend(_team_checks(unit))
    report.extend(_volunteer_checks(unit))
    report.extend(_activity_checks(unit, config))
    report.extend(_project_checks(unit, config))
    report.extend(_site_checks(unit))
    report.extend(_profile_checks(unit, config))


def _village_issue(unit: UnitData, record: Any, known: frozenset[str]) -> Issue | None:
    """village-unknown for a 所在村（社区） not among ``known`` (the unit's villages; empty: no
    check, as for county units)."""
    village = record.village
    if not village or not known or village in known or normalise_village(village) in known:
        return None
    return at(unit, record, "village", "village-unknown", WARNING,
              f"“{village}”不是{unit.name}的村（社区）",
              "请从下拉列表中选择，名称应与区划名单一致：" + "、".join(unit.villages[:8])
              + ("等" if len(unit.villages) > 8 else ""))


def _team_checks(unit: UnitData) -> Iterable[Issue]:
    known = frozenset(unit.villages)
    seen: dict[str, SheetRow] = {}
    for team in unit.teams:
        if team.name:
            if team.name in seen:
                yield at(unit, team, "name", "team-duplicate", ERROR,
                         f"队伍“{team.name}”与{where(seen[team.name], team)}重复",
                         "同一支队伍只填一行；不同队伍请用不同名称。")
            else:
                seen[team.name] = team
        if team.level == "村级" and not team.village:
            yield at(unit, team, "village", "village-required", ERROR,
                     "村级队伍没有填写所在村（社区）", "请在下拉列表中选择该队伍所在的村（社区）。")
        issue = _village_issue(unit, team, known)
        if issue:
            yield issue


def _volunteer_checks(unit: UnitData) -> Iterable[Issue]:
    known = frozenset(unit.villages)
    team_names = {t.name for t in unit.teams if t.name}
    seen: dict[str, SheetRow] = {}
    for person in unit.volunteers:
        if (person.team and "roster" not in unit.empty and unit.sheet_names.get("队伍")
                and person.team not in team_names):
            yield at(unit, person, "team", "team-unknown", ERROR,
                     f"所属队伍“{person.team}”不在“队伍”表中",
                     "请先在“队伍”表登记该队伍，或改成已有的队伍名称（名称须完全一致）。")
        if person.id_card:
            if person.id_card in seen:
                yield at(unit, person, "id_card", "duplicate-id-card", ERROR,
                         f"身份证号码与{where(seen[person.id_card], person)}重复",
                         "同一人只登记一次；如属多支队伍，请在备注中注明。")
            else:
                seen[person.id_card] = person
            if person.gender and person.gender != id_gender(person.id_card):
                yield at(unit, person, "gender", "id-card-gender-mismatch", WARNING,
                         f"性别“{person.gender}”与身份证号码第 17 位不符",
                         "请核对性别或身份证号码（第 17 位奇数为男、偶数为女）。")
        issue = _village_issue(unit, person, known)
        if issue:
            yield issue


def _out_of_year(value: date, config: Config) -> bool:
    return value.year != config.year


def _photo_names(unit: UnitData) -> PhotoFolder:
    """Regular files in 图片资料 by lower-cased name, and the entries refused (`photos`)."""
    return photo_folder(unit.photo_dir, unit.folder)


_IMAGE_SIGNATURES = (
    (0, b"\xff\xd8\xff"),  # JPEG
    (0, b"\x89PNG\r\n\x1a\n"),  # PNG
    (0, b"GIF87a"), (0, b"GIF89a"),
    (0, b"BM"),  # BMP
    (0, b"II*\x00"), (0, b"MM\x00*"),  # TIFF
    (8, b"WEBP"),  # RIFF....WEBP
)
"""Leading bytes of the photo formats Pillow opens for the 图片资料汇编 (JPEG/PNG/GIF/BMP/TIFF/
WebP); a phone's HEIC photo or a renamed document has none of them."""


def _photo_readable(path: Path) -> bool:
    """True when ``path`` starts like a JPEG/PNG/GIF/BMP/TIFF/WebP image.

    Only the first 12 bytes are read (4,000 photos in a county take ~50 ms instead of ~0.3 s
    with Pillow's header parse); a photo damaged further in is still skipped, with a note, when
    the 图片资料汇编 decodes it.
    """
    try:
        with open_regular(path) as handle:
            head = handle.read(12)
    except OSError:
        return False
    return any(head.startswith(magic, offset) for offset, magic in _IMAGE_SIGNATURES)


def _activity_checks(unit: UnitData, config: Config) -> Iterable[Issue]:
    team_names = {t.name for t in unit.teams if t.name}
    folder = _photo_names(unit) if any(a.photos for a in unit.activities) else PhotoFolder()
    photos = folder.photos
    for act in unit.activities:
        if (act.status == "已开展" and act.held_on is None
                and (act.sheet, act.row, "held_on") not in unit.bad_cells):
            yield at(unit, act, "held_on", "activity-date-missing", ERROR,
                     "开展状态为“已开展”，但没有填写实际开展日期",
                     "请填写实际开展日期，如 2022-3-5；尚未开展的请把状态改为“计划中”。")
        if act.held_on is not None and _out_of_year(act.held_on, config):
            yield at(unit, act, "held_on", "date-out-of-year", WARNING,
                     f"实际开展日期 {act.held_on:%Y-%m-%d} 不在 {config.year} 年",
                     "请核对年份是否录错。")
        elif act.held_on is not None and act.status == "已开展" and not (
                config.period_start <= act.held_on <= config.period_end):
            yield at(unit, act, "held_on", "date-outside-period", WARNING,
                     f"实际开展日期 {act.held_on:%Y-%m-%d} 不在报告期（{config.period_start:%Y-%m-%d}至"
                     f"{config.period_end:%Y-%m-%d}）内，这场活动不计入本期的活动场次和服务人次",
                     "如果日期录错了请改正；确是报告期以外开展的活动可以不管。")
        if act.plan_time is not None and act.plan_time.year != config.year:
            yield at(unit, act, "plan_time", "date-out-of-year", WARNING,
                     f"计划时间 {act.plan_time} 不在 {config.year} 年", "请核对年份是否录错。")
        if act.team and team_names and act.team not in team_names:
            yield at(unit, act, "team", "team-reference-unknown", WARNING,
                     f"责任队伍“{act.team}”不在花名册“队伍”表中",
                     "请核对队伍名称，与花名册保持一致；县级或外单位队伍可在备注说明。")
        for name in act.photos or ():
            if name.lower() in folder.refused:
                yield at(unit, act, "photos", "photo-unreadable", WARNING,
                         f"图片资料“{name}”{folder.refused[name.lower()]}",
                         "请把照片本身（JPG 或 PNG 文件）复制进“图片资料”文件夹，文件名与表中一致。")
                continue
            if name.lower() in photos and not _photo_readable(photos[name.lower()]):
                yield at(unit, act, "photos", "photo-unreadable", WARNING,
                         f"图片资料“{name}”无法打开（不是图片或已损坏）",
                         "请换成 JPG 或 PNG 格式的照片，文件名与表中一致。")
            if name.lower() not in photos:
                yield at(unit, act, "photos", "photo-missing", WARNING,
                         f"图片资料“{name}”在“图片资料”文件夹中找不到",
                         f"请把照片放进 {unit.photo_dir}，文件名与表中一致（含扩展名）。")


def _project_checks(unit: UnitData, config: Config) -> Iterable[Issue]:
    team_names = {t.name for t in unit.teams if t.name}
    for project in unit.projects:
        if project.start and project.end and project.end < project.start:
            yield at(unit, project, "end", "date-order", ERROR, "结束日期早于开始日期",
                     "请核对开始日期和结束日期。")
        if project.team and team_names and project.team not in team_names:
            yield at(unit, project, "team", "team-reference-unknown", WARNING,
                     f"实施队伍“{project.team}”不在花名册“队伍”表中",
                     "请核对队伍名称，与花名册保持一致。")


def _site_checks(unit: UnitData) -> Iterable[Issue]:
    known = frozenset(unit.villages)
    for site in unit.sites:
        if site.site_type == "实践站" and not site.village:
            yield at(unit, site, "village", "village-required", ERROR,
                     "实践站没有填写所在村（社区）", "请选择该实践站所在的村（社区），覆盖率据此计算。")
        issue = _village_issue(unit, site, known)
        if issue:
            yield issue


def _profile_checks(unit: UnitData, config: Config) -> Iterable[Issue]:
    if unit.kind == "unknown":
        yield file_issue(str(unit.folder), "unit-unknown",
                         f"“{unit.name}”不在配置的镇（街道）、县级单位或县级队伍名单中",
                         _unit_name_hint(unit.name, config), WARNING)
    info = unit.info
    if info is not None and info.unit_name and info.unit_name != unit.name:
        yield at(unit, info, "unit_name", "unit-name-mismatch", WARNING,
                 f"单位名称“{info.unit_name}”与文件夹名“{unit.name}”不一致",
                 "文件夹名须为单位全称，请把两处改成一致。")
    if unit.kind in ("unit", "team") and "profile" in unit.files and "profile" not in unit.empty:
        yield from _summary_checks(unit)
    if unit.kind == "town" and "profile" in unit.files and "profile" not in unit.empty:
        present = {a.code for a in unit.assessments if a.code}
        for row in unit.assessments:
            if row.code and not row.narrative:
                yield at(unit, row, "narrative", "assessment-missing", WARNING,
                         f"评估项目 {row.code} 没有填写自评情况",
                         "用几句话写明做了什么、数量多少、效果如何；不填则报告中显示【请补充】。")
        yield from _overstated(unit, config)
        missing = [i.code for i in config.items if i.code not in present]
        if missing:
            yield file_issue(str(unit.files["profile"]), "assessment-item-missing",
                             f"“自评”表缺少评估项目 {'、'.join(missing)}",
                             "请从新模板中复制“自评”表的全部评估项目行。", WARNING)


def _overstated(unit: UnitData, config: Config) -> Iterable[Issue]:
    """assessment-overstated: a 自评结论 better than the data supports (达标 beside a data gap,
    or anything but 未达标 where the evidence is missing) — the report shows the data-based
    conclusion highlighted for the clerk to confirm (issue 11)."""
    from .criteria import build_checklist

    for result in build_checklist(unit, config).items:
        row = result.assessment
        # evidence missing altogether (no 阵地 rows, no 项目表) is already a workbook-missing or
        # no-data warning; this one is for data that was read and found short
        if row is None or result.absent or not result.overstated:
            continue
        found = "；".join(result.gaps) or "没有相应的数据"
        yield at(unit, row, "conclusion", "assessment-overstated", WARNING,
                 f"评估项目 {result.item.code} 自评为“{result.conclusion}”，但数据核验发现：{found}",
                 f"请补齐数据（如照片、台账），或把自评结论改为“{result.data_conclusion}”并填写"
                 "存在问题和整改措施；不改则报告中显示核验结论，标黄请您确认。")


def _unit_name_hint(name: str, config: Config) -> str:
    """How to fix an unknown folder name: stray spaces, or the closest configured name."""
    from difflib import get_close_matches

    known = [t.name for t in config.towns] + list(config.units) + list(config.county_teams)
    if name.strip() in known:
        return f"文件夹名前后多了空格，请改成“{name.strip()}”。"
    close = get_close_matches(name.strip(), known, n=1, cutoff=0.5)
    if close:
        return f"是不是“{close[0]}”？文件夹名须与名单中的单位全称完全一致。"
    return "文件夹名应为单位全称（如“城北街道”“县文旅局”）；名单见 wenming.toml。"


def _summary_checks(unit: UnitData) -> Iterable[Issue]:
    """半年小结 narrative (sheet 小结): each missing part becomes a 【请补充】 placeholder."""
    from .schema import Summary

    record = unit.summary or Summary.model_construct(row=0)
    for name, col in Summary.columns():
        if not getattr(record, name):
            yield at(unit, record, name, "summary-missing", WARNING,
                     f"小结“{col.header}”没有填写",
                     f"请在“小结”工作表填写{col.header}；不填则半年小结中显示【请补充：{col.header}】。")


def id_rows(unit: UnitData) -> list[tuple[str, int, str]]:
    """(ID, Excel row, sheet) of every volunteer with a valid ID, in roster order."""
    return [(person.id_card, person.row, person.sheet) for person in unit.volunteers
            if person.id_card]


def check_across_units(units: list[UnitData], report: Report,
                       ids: list[list[tuple[str, int, str]]] | None = None) -> None:
    """County mode: the same ID in several units' rosters is a warning (counted once).

    ``ids`` gives each unit's `id_rows` when the units no longer hold their records (validate
    in several processes); by default they are taken from the units.
    """
    from .schema import Volunteer

    first: dict[str, UnitData] = {}
    for unit, triples in zip(units, ids if ids is not None else map(id_rows, units), strict=True):
        for id_card, row, sheet in triples:
            other = first.setdefault(id_card, unit)
            if other is not unit:
                report.add(at(unit, Volunteer.model_construct(row=row, sheet=sheet), "id_card",
                              "duplicate-id-card-across-units", WARNING,
                              f"该志愿者也登记在 {other.name} 的花名册中",
                              "全县汇总时按一人计算；如确属两地服务可不处理。"))


__all__ = ["at", "check_across_units", "check_unit", "id_rows", "normalise_village", "where"]
