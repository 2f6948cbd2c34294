"""填报单位 folders: find them under the paths a user gives, and hold one unit's parsed data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config, Town
from .files import BACKUP_DIR
from .guard import SAVE_AS_SUFFIXES
from .read import EXCEL_SUFFIXES, SheetSummary, is_skipped_file
from .schema import Activity, Project, SelfAssessment, Site, Summary, Team, UnitInfo, Volunteer

PHOTO_DIR = "图片资料"


@dataclass
class UnitSource:
    """A 填报单位 to read: its name (folder name) and its workbook files."""

    name: str
    folder: Path
    files: list[Path]
    partial: bool = False  # only some files of the folder were named on the command line
    unreadable: str = ""  # why the folder could not be listed (Chinese), '' when it could


@dataclass
class UnitData:
    """Everything read for one 填报单位, parsed and typed (records keep their Excel row)."""

    name: str
    folder: Path
    kind: str  # town / unit / team / unknown (see Config.unit_kind)
    town: Town | None
    files: dict[str, Path] = field(default_factory=dict)  # workbook kind → file
    empty: set[str] = field(default_factory=set)  # workbook kinds present but not filled in
    columns: dict[str, dict[str, int]] = field(default_factory=dict)
    """Real sheet name → field → 0-based column (table sheets)."""
    form_cells: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    """Real sheet name of a form sheet → field → (Excel row, 0-based column) of its value."""
    bad_cells: set[tuple[str, int, str]] = field(default_factory=set)
    """(real sheet, Excel row, field) of cells whose value could not be read (an error)."""
    sheet_names: dict[str, list[str]] = field(default_factory=dict)
    """Model sheet (队员) → the real sheets read as it, in workbook order."""
    reading: list[SheetSummary] = field(default_factory=list)
    """What was read from every sheet (the reading summary), in reading order."""
    partial: bool = False  # only some of the folder's workbooks were named on the command line
    info: UnitInfo | None = None
    sites: list[Site] = field(default_factory=list)
    assessments: list[SelfAssessment] = field(default_factory=list)
    summary: Summary | None = None
    teams: list[Team] = field(default_factory=list)
    volunteers: list[Volunteer] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)

    @property
    def villages(self) -> list[str]:
        """The town's 村（社区） from config ([] for county units and teams)."""
        return list(self.town.villages) if self.town else []

    @property
    def photo_dir(self) -> Path:
        """The unit's 图片资料 folder."""
        return self.folder / PHOTO_DIR


def _workbook_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not is_skipped_file(p)
        and p.suffix.lower() in EXCEL_SUFFIXES + SAVE_AS_SUFFIXES
    )


def discover(paths: list[Path], config: Config | None = None) -> list[UnitSource]:
    """Units under ``paths``: a workbook, a 填报单位 folder, or a data folder of such folders.

    With ``config``, a folder whose name contains a known unit's (``城北街道自评材料``) is that
    unit's (`Config.known_unit`); `load_unit` then warns that the folder should be renamed.

    A single workbook's unit is its parent folder's name. A folder with two or more sub-folders
    holding workbooks is a data folder (workbooks lying beside them, such as a saved 报送情况
    .xlsx, are not a unit's); otherwise a folder with workbooks is one unit. Folders are listed
    in name order; one that cannot be listed becomes a unit with ``unreadable`` set.
    Raises:
        FileNotFoundError: a path does not exist.
    """
    units: dict[Path, UnitSource] = {}
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(path)
        if path.is_file():
            folder = path.resolve().parent
            unit = units.setdefault(folder, UnitSource(folder.name, path.parent, [], partial=True))
            if path not in unit.files:
                unit.files.append(path)
            continue
        try:
            own = _workbook_files(path)
            subs = sorted(p for p in path.iterdir()
                          if p.is_dir() and not is_skipped_file(p) and p.name != BACKUP_DIR)
        except OSError as exc:
            units[path.resolve()] = _unreadable(path, exc)
            continue
        found: dict[Path, UnitSource] = {}
        for sub in subs:
            try:
                files = _workbook_files(sub)
            except OSError as exc:
                found[sub.resolve()] = _unreadable(sub, exc)
                continue
            if files:
                found[sub.resolve()] = UnitSource(sub.name, sub, files)
        if own and len(found) < 2:
            units[path.resolve()] = UnitSource(path.resolve().name, path, own)
        else:
            units.update(found)
    if config is not None:
        taken = Counter(unit.name for unit in units.values())
        for unit in units.values():
            name = config.known_unit(unit.name)
            if name != unit.name and not taken[name]:  # never two folders for one unit
                taken[name] += 1
                unit.name = name
    return list(units.values())


def _unreadable(folder: Path, exc: OSError) -> UnitSource:
    from .guard import os_reason

    return UnitSource(folder.resolve().name, folder, [], unreadable=os_reason(exc))


def new_unit(source: UnitSource, config: Config) -> UnitData:
    """An empty UnitData for ``source`` with its kind and town from the config."""
    return UnitData(
        source.name, source.folder, config.unit_kind(source.name), config.town(source.name),
        partial=source.partial,
    )
