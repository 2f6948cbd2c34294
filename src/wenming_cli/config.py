"""County configuration (DESIGN.md §8): the bundled 西乡县 default, overridable by `wenming.toml`.

The default lives in ``resources/default_config.toml`` (county, period, deadline, units, teams,
thresholds, the 24 evaluation items of the notice's 附件3) and ``resources/xixiang_divisions.csv``
(17 towns, 215 村/社区, NBS codes as of 2022-10-31, names normalised: “乔山村委会” → “乔山村”).
A ``wenming.toml`` in the data folder is merged key by key over the default.
"""

from __future__ import annotations

import csv
import re
import sys
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

CONFIG_FILE_NAME = "wenming.toml"


class ConfigError(Exception):
    """The configuration file cannot be used; the message is Chinese and names file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Town(_Strict):
    """A 镇/街道 and its 村（社区）, the denominator of 覆盖率."""

    name: str
    code: str = ""
    villages: list[str]


class Thresholds(_Strict):
    """五有 data-check thresholds; the county's own defaults, not an official standard (§6)."""

    coverage_rate: float = Field(1.0, ge=0, le=1)
    required_team_categories: list[str] = [
        "党员", "理论宣讲", "文化艺术", "卫生健康", "科技与科普", "普法宣讲", "教育体育", "应急救援",
    ]
    min_village_teams: int = Field(1, ge=0)
    min_registered_share: float = Field(0.8, ge=0, le=1)
    min_theme_activities: int = Field(1, ge=0)
    min_demo_activities: int = Field(1, ge=0)
    every_month: bool = True
    photos_required: bool = True
    min_projects_per_type: int = Field(1, ge=0)
    special_fields: list[str] = ["养老", "育幼", "帮困", "疫情防控", "抢险救援"]
    min_brand_projects: int = Field(1, ge=0)

    @model_validator(mode="after")
    def _known_names(self) -> Thresholds:
        from .schema.projects import SERVICE_FIELDS
        from .schema.roster import TEAM_CATEGORIES

        _check_names(self.required_team_categories, TEAM_CATEGORIES, "required_team_categories")
        _check_names(self.special_fields, SERVICE_FIELDS, "special_fields")
        return self


KNOWN_CHECKS = (
    "site_coverage", "site_key_venues", "site_extension", "site_management", "team_categories",
    "team_village_level", "volunteer_registration", "activity_theme", "activity_regular",
    "activity_demo", "project_general", "project_special", "project_mutual", "project_matching",
    "project_brand", "three_levels",
)
"""Data checks an evaluation item may name (implemented in ``criteria``)."""


def _check_names(values: list[str], allowed: tuple[str, ...], key: str) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"{key} 中的“{'、'.join(unknown)}”不是可选的名称；可选：{'、'.join(allowed)}")
    return values


class EvaluationItem(_Strict):
    """One evaluation item (notice 附件3); ``check`` names the data check in ``criteria``."""

    code: str
    dimension: str
    title: str
    content: str
    check: str | None = None

    @model_validator(mode="after")
    def _known_check(self) -> EvaluationItem:
        if self.check is not None and self.check not in KNOWN_CHECKS:
            raise ValueError(f"check 只能是：{'、'.join(KNOWN_CHECKS)}")
        return self


class Contact(_Strict):
    """Who the county office phones about a unit's material (``[contacts."县文旅局"]``)."""

    person: str = ""
    phone: str = ""


class ServeLimits(_Strict):
    """Upload caps of `wenming serve` (``[serve]`` in wenming.toml), in MiB and counts.

    The defaults fit a county-sized town: its four workbooks are under 2 MiB each for ~1,000
    volunteers (the 西乡县 sample's largest town roster is 0.1 MiB), its 图片资料 are phone photos
    of 2–8 MiB; a request of 200 MiB holds about 40 such photos.
    """

    max_file_mb: float = Field(default=20, gt=0)
    """One workbook or photo."""
    max_request_mb: float = Field(default=200, gt=0)
    """One upload (all its files together, as sent)."""
    max_files: int = Field(default=100, gt=0)
    """Files in one upload (a zip counts once)."""
    max_photos: int = Field(default=300, gt=0)
    """Photos in a unit's 图片资料 after the upload."""
    max_zip_members: int = Field(default=300, gt=0)
    """Entries in one uploaded .zip of photos."""
    max_unzipped_mb: float = Field(default=500, gt=0)
    """What one .zip unpacks to, all members together."""


class Config(_Strict):
    """The whole county configuration.

    Raises:
        pydantic.ValidationError on construction with bad values (wrapped by :func:`load_config`).
    """

    county: str
    centre: str
    office: str = ""
    email: str = ""
    phone: str = ""
    notice: str = ""
    period_start: date
    period_end: date
    deadline: datetime
    report_date: date | None = None
    """成文日期 of the documents (落款); default: the deadline's day, never the day of the run."""
    inspection: str = "省市检查前"
    """When the county's 整改 must be done, as the 全县汇总 五、下一步工作 says it."""
    contacts: dict[str, Contact] = {}
    """联系人/联系电话 by unit name, for `status` when a unit's 基本情况 has none (电话催报)."""
    units: list[str] = []
    county_teams: dict[str, str] = {}
    towns: list[Town] = []
    thresholds: Thresholds = Field(default_factory=Thresholds)
    items: list[EvaluationItem]
    serve: ServeLimits = Field(default_factory=ServeLimits)
    """Upload caps of the intake desk (`wenming serve`)."""

    @model_validator(mode="after")
    def _period_order(self) -> Config:
        if self.period_end < self.period_start:
            raise ValueError("period_end（报告期结束）早于 period_start（报告期开始）")
        return self

    @model_validator(mode="after")
    def _names_are_folder_names(self) -> Config:
        # every unit name becomes a folder (init-templates, report): "../../x", "/etc", "CON"
        # or a name with a control character must be refused here, not half-way through a run
        from .files import component_problem

        named = ([("towns", t.name) for t in self.towns] + [("units", n) for n in self.units]
                 + [("county_teams", n) for n in self.county_teams])
        for key, name in named:
            problem = component_problem(name)
            if problem is not None:
                shown = "".join(c if ord(c) >= 32 and ord(c) != 127 else f"\\x{ord(c):02x}"
                                for c in name)
                raise ValueError(f"{key} 中的单位名称“{shown}”{problem}；单位名称会用作文件夹名，"
                                 "请改用单位全称")
        return self

    @property
    def document_date(self) -> date:
        """The 落款 date: ``report_date``, else the deadline's day (GB/T 9704 §7.3.5 成文日期)."""
        return self.report_date or self.deadline.date()

    @property
    def year(self) -> int:
        """The reporting year (year of ``period_start``)."""
        return self.period_start.year

    def town(self, name: str) -> Town | None:
        """The town called ``name``, or None."""
        for town in self.towns:
            if town.name == name:
                return town
        return None

    def known_unit(self, folder: str) -> str:
        """The 填报单位 a folder is for: its own name when that is a known unit, else the longest
        known unit name inside it (``城北街道自评材料`` → 城北街道, ``柳树镇 `` → 柳树镇); the folder
        name itself when none or two unrelated ones are inside."""
        if self.unit_kind(folder) != "unknown":
            return folder
        names = [t.name for t in self.towns] + list(self.units) + list(self.county_teams)
        inside = sorted({n for n in names if n and n in folder}, key=len, reverse=True)
        if inside and all(n in inside[0] for n in inside[1:]):
            return inside[0]
        return folder

    def unit_kind(self, name: str) -> str:
        """'town', 'unit' (county unit), 'team' (county professional team) or 'unknown'."""
        if self.town(name) is not None:
            return "town"
        if name in self.units:
            return "unit"
        if name in self.county_teams:
            return "team"
        return "unknown"


def _bundled_towns() -> list[dict[str, Any]]:
    text = resources.files("wenming_cli.resources").joinpath("xixiang_divisions.csv").read_text(
        encoding="utf-8"
    )
    towns: dict[str, dict[str, Any]] = {}
    for row in csv.DictReader(text.splitlines()):
        town = towns.setdefault(
            row["town"], {"name": row["town"], "code": row["town_code"], "villages": []}
        )
        town["villages"].append(row["village"])
    return list(towns.values())


def _bundled_raw() -> dict[str, Any]:
    text = resources.files("wenming_cli.resources").joinpath("default_config.toml").read_text(
        encoding="utf-8"
    )
    raw: dict[str, Any] = tomllib.loads(text)
    raw["towns"] = _bundled_towns()
    return raw


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key != "county_teams":
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_TYPE_HINTS = (
    ("float", "应为数字，如 0.8"),
    ("int", "应为整数，如 1"),
    ("bool", "应为 true 或 false"),
    ("datetime", "应为日期时间，如 2022-07-15T12:00:00"),
    ("date", "应为日期，如 2022-01-01"),
    ("string", "应为文字，用英文双引号括起来"),
    ("list", "应为列表，如 [\"党员\", \"应急救援\"]"),
    ("dict", "应为一组键值（[表名] 下逐行填写）"),
    ("greater_than", "数值太小"),
    ("less_than", "数值太大"),
)


def _value_hint(err: Any) -> str:
    ctx = err.get("ctx") or {}
    if "le" in ctx or "ge" in ctx:
        low, high = ctx.get("ge", "…"), ctx.get("le", "…")
        return f"应在 {low} 到 {high} 之间（比例写成小数，如 90% 写 0.9）"
    if err["type"] == "value_error":
        return str(ctx.get("error", err["msg"]))
    for fragment, hint in _TYPE_HINTS:
        if fragment in err["type"]:
            return hint
    return str(err["msg"])


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"配置文件 {source} 有误："]
    for err in error.errors():
        key = ".".join(str(p) for p in err["loc"]) or "（整体）"
        if err["type"] == "extra_forbidden":
            lines.append(f"  键 {key} 无法识别，请检查拼写或删除该行")
        elif not err["loc"] and err["type"] == "value_error":  # a check across keys
            lines.append(f"  {_value_hint(err)}")
        elif err["type"] == "missing":
            lines.append(f"  缺少键 {key}")
        else:
            lines.append(f"  键 {key} 的值不合适：{_value_hint(err)}")
    return "\n".join(lines)


def load_config(data_dir: Path | None = None) -> tuple[Config, Path | None]:
    """Load the bundled default, merged with ``data_dir/wenming.toml`` when that file exists.

    Returns:
        (config, path of the user file or None when only the bundled default was used).
    Raises:
        ConfigError: the user file is not valid TOML or has an unknown key / bad value
            (message names the file and the key).
    """
    raw = _bundled_raw()
    user_path: Path | None = None
    if data_dir is not None and (data_dir / CONFIG_FILE_NAME).is_file():
        user_path = data_dir / CONFIG_FILE_NAME
        try:
            text = user_path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"配置文件 {user_path} 不是 UTF-8 编码。请用记事本打开，"
                "“另存为”时编码选“UTF-8”。"
            ) from exc
        try:
            user = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            where = re.search(r"line (\d+), column (\d+)", str(exc))
            place = f"第 {where.group(1)} 行第 {where.group(2)} 列附近" if where else "某一行"
            raise ConfigError(
                f"配置文件 {user_path} 不是有效的 TOML：{place}写法有误。请用记事本打开检查该行："
                "文字要加英文双引号，键和值之间用 =，表名写在 [ ] 里。"
            ) from exc
        raw = _merge(raw, user)
    try:
        return Config.model_validate(raw), user_path
    except ValidationError as exc:
        raise ConfigError(_describe(exc, str(user_path or "（内置默认配置）"))) from exc
