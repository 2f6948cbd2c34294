"""Generate a county-scale data folder for the benchmarks (deterministic, fixed seed).

The 17 real towns of the bundled config (with their real 村（社区）), one 填报单位 folder each,
four workbooks per folder. At ``--scale 1`` the county has about 40,000 volunteers, 6,000
activities, 700 projects and 230 阵地; ``--scale N`` multiplies every row count by N (extra
村级 teams and 实践点 make the small sheets grow too).

Values are mixed the way the sample generator (tools/make_sample_data.py) mixes them: valid
610724 ID numbers with GB 11643-1999 check digits and the gender in the 17th digit, mobiles,
dates in 2022, the schema's dropdown values. On top of that about 1% of the cells are
realistically bad (ID numbers stored as numbers, wrong check digits, '2022.2.30', short phone
numbers, typos in team names, values outside the dropdowns, missing required cells, IDs listed
twice) and about 1% are odd but valid (phones as floats, dates as text, '√' for 是, '120人次',
村委会 names), so that `wenming validate` does real work.

Writers:
    --writer template  the project's own ``wenming_cli.xlsx_templates.write_workbook`` (styled
                       cells, dropdowns; the default: ~8 s for the 1× county, see README.md)
    --writer fast      openpyxl write_only mode, the same sheet layout (title row 1, header row 2
                       from ``header_text``, data from row 3; form sheets 项目|内容|说明) plus the
                       hidden ``_wenming`` marker sheet. No styles, no dropdowns.

Usage::

    python benchmarks/make_county.py [--scale N] [--out DIR] [--writer template|fast] [--jobs J]

The rows are built in one process from one seed (identical for every run with the same
--scale); the workbooks are then written by ``--jobs`` worker processes.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import shutil
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from wenming_cli.config import Config, load_config  # noqa: E402
from wenming_cli.schema import (  # noqa: E402
    ACTIVITIES,
    MARKER_SHEET,
    PROFILE,
    PROJECTS,
    ROSTER,
    TEMPLATE_VERSION,
    WorkbookSpec,
)
from wenming_cli.xlsx_templates import (  # noqa: E402
    UnitSetup,
    header_text,
    unit_setup,
    write_workbook,
)

DEFAULT_OUT = ROOT / "benchmarks" / "county_data"
PHOTO_DIR = "图片资料"
SEED = 20220715
YEAR = 2022
TOTALS = {"volunteers": 40_000, "activities": 6_000, "projects": 700}
BAD_CELL_SHARE = 0.01
"""Share of cells that carry a realistic error or warning."""
ODD_CELL_SHARE = 0.01
"""Share of cells that are odd but valid (the parser must normalise them)."""

Row = dict[str, Any]

# ---------------------------------------------------------------- value pools

SURNAMES_COMMON = "王李张刘陈杨赵黄周吴"
SURNAMES_OTHER = (
    "徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏"
    "钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹易常武乔贺龚文"
)
MALE_GIVEN = ("建国志永德明文庆宏长春立学忠金兴正世光家海红少子浩宇俊博嘉一晨思",
              "军强伟勇平华林峰波杰涛斌刚辉成荣福贵山东亮胜安民生才全明轩豪然航阳辰泽睿鹏凯")
FEMALE_GIVEN = ("秀桂玉春丽海雪金冬美淑翠凤红小晓欣雨思佳梓诗可一子",
                "英兰珍芳梅霞萍华琴娟艳燕玲莲凤琼敏静涵怡琪萱婷颖悦彤雯洁瑶琳")
MOBILE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182",
    "183", "187", "188", "198", "130", "131", "132", "155", "156", "185", "186", "166", "133",
    "153", "180", "181", "189", "177", "199", "191",
)
SKILLS = ("宣讲", "组织协调", "驾驶", "文字材料", "书法", "舞蹈", "声乐", "二胡", "摄影", "秧歌", "护理",
          "急救", "中医推拿", "茶叶种植", "电脑维修", "法律咨询", "人民调解", "课业辅导", "篮球", "太极拳",
          "视频剪辑", "家政", "厨艺", "电商直播", "游泳", "电工")
NOTES = ("退休教师", "社区卫生服务站医生", "镇卫生院护士", "司法所工作人员", "退休干部", "退役军人",
         "民兵", "在职教师")

# 镇级 teams of every town: (category, relative size); 应急救援 is missing in some towns.
TOWN_TEAMS = (
    ("党员", 14), ("理论宣讲", 7), ("文化艺术", 10), ("卫生健康", 7), ("科技与科普", 5),
    ("普法宣讲", 5), ("教育体育", 6), ("青年", 11), ("应急救援", 6), ("退役军人", 4),
)
VILLAGE_TEAM_CATEGORIES = ("巾帼", "道德宣讲", "实用技术培训", "党员", "文化艺术", "青年")
VILLAGE_TEAM_SIZE = 3

THEORY, POLICY, VALUES, CULTURE, CUSTOMS = (
    "学习实践科学理论", "宣传宣讲党的政策", "培育践行主流价值", "丰富活跃文化生活", "持续深入移风易俗",
)

# (name with {v}, category, team category, photo tag, served range, theme, demo)
ACTIVITY_KINDS: tuple[tuple[str, str, str, str, tuple[int, int], bool, bool], ...] = (
    ("{v}习近平新时代中国特色社会主义思想“微宣讲”", THEORY, "理论宣讲", "微宣讲", (25, 70), False, False),
    ("{v}党史学习教育“小课堂”", THEORY, "党员", "党史课堂", (20, 60), False, False),
    ("{v}“喜迎二十大 永远跟党走”主题宣讲", THEORY, "理论宣讲", "二十大宣讲", (40, 160), True, False),
    ("{v}“农民夜校”政策理论学习", THEORY, "党员", "农民夜校", (20, 50), False, False),
    ("{v}乡村振兴政策宣讲", POLICY, "理论宣讲", "政策宣讲", (30, 80), False, False),
    ("{v}防范电信网络诈骗宣传", POLICY, "普法宣讲", "反诈", (40, 160), False, False),
    ("{v}“民法典进万家”普法宣传", POLICY, "普法宣讲", "普法", (40, 160), False, False),
    ("{v}疫情防控知识宣传", POLICY, "卫生健康", "防疫宣传", (40, 160), False, False),
    ("{v}科技惠农知识培训", POLICY, "科技与科普", "科技培训", (25, 70), False, False),
    ("{v}“5·12”防灾减灾应急知识宣传", POLICY, "应急救援", "防灾减灾", (80, 200), False, False),
    ("{v}健康义诊", VALUES, "卫生健康", "义诊", (60, 180), False, False),
    ("{v}关爱独居老人上门服务", VALUES, "党员", "关爱老人", (10, 30), False, False),
    ("{v}“道德讲堂”身边好人故事分享", VALUES, "道德宣讲", "道德讲堂", (30, 80), False, False),
    ("{v}新时代文明实践“学雷锋”志愿服务集中行动", VALUES, "党员", "学雷锋", (200, 380), False, True),
    ("{v}“四点半课堂”课业辅导", VALUES, "教育体育", "四点半课堂", (15, 40), False, False),
    ("{v}广场舞展演", CULTURE, "文化艺术", "广场舞", (80, 200), False, False),
    ("{v}农家书屋读书分享会", CULTURE, "教育体育", "读书会", (15, 40), False, False),
    ("{v}“送戏下乡”文艺演出", CULTURE, "文化艺术", "送戏下乡", (100, 260), False, False),
    ("{v}“喜迎二十大 红歌大家唱”合唱展演", CULTURE, "文化艺术", "红歌", (100, 260), True, False),
    ("{v}“我们的节日·端午”包粽子 话传统", CULTURE, "巾帼", "端午", (60, 150), False, True),
    ("{v}人居环境整治志愿服务", CUSTOMS, "党员", "环境整治", (40, 120), False, False),
    ("{v}移风易俗“红白喜事简办”宣讲", CUSTOMS, "道德宣讲", "移风易俗", (40, 160), False, False),
    ("{v}“抵制高价彩礼 倡树文明新风”宣讲", CUSTOMS, "巾帼", "抵制高价彩礼", (40, 160), False, False),
    ("{v}文明积分兑换活动", CUSTOMS, "党员", "积分兑换", (30, 90), False, False),
)
SUMMARIES = (
    "宣讲员走进{v}，用群众听得懂的语言讲理论、讲政策，{n}名党员群众参加。",
    "志愿者在{p}开展活动，发放宣传资料，现场解答群众咨询。\n服务群众{n}人次。",
    "组织志愿者在{p}集中开展志愿服务，{k}名志愿者参与，服务群众{n}人次。",
    "在{p}开展活动，引导群众崇德向善、移风易俗，{n}名群众参加。",
)

# (name, type, field, target, team category, frequency, matching)
PROJECT_KINDS = (
    ("“理论宣讲进院落”", "普惠性", "理论宣讲", "辖区党员群众", "理论宣讲", "每月2次", "中心派单"),
    ("“文化惠民·周末广场”", "普惠性", "文化文艺", "辖区群众", "文化艺术", "每周1次", "定期服务"),
    ("“健康义诊进村（社区）”", "普惠性", "医疗健康", "辖区居民", "卫生健康", "每月1次", "群众点单"),
    ("“法润乡村”普法服务", "普惠性", "法律", "辖区群众", "普法宣讲", "每月1次", "群众点单"),
    ("“科普大篷车”进村入户", "普惠性", "科普", "辖区群众、中小学生", "科技与科普", "每季度2次", "中心派单"),
    ("“美丽家园”人居环境整治", "普惠性", "环境保护", "辖区村（社区）群众", "党员", "每周1次", "定期服务"),
    ("“银龄守护”独居老人关爱", "特惠性", "养老", "独居、空巢、高龄老人", "党员", "每周1次", "定期服务"),
    ("“四点半课堂”", "特惠性", "育幼", "双职工家庭子女和留守儿童", "教育体育", "工作日每天", "群众点单"),
    ("“微心愿”圆梦帮困", "特惠性", "帮困", "困难家庭、困境儿童", "青年", "每季度1次", "群众点单"),
    ("“守护家园”疫情防控志愿服务", "特惠性", "疫情防控", "辖区居民", "卫生健康", "按需开展", "中心派单"),
    ("“汛期守护”防汛抢险志愿服务", "特惠性", "抢险救援", "沿河及地质灾害隐患点群众", "应急救援",
     "汛期每周巡查", "中心派单"),
    ("“邻里守望·爱心互助”", "互惠性", "邻里守望", "辖区居民", "党员", "常态化", "群众点单"),
    ("“志愿时间银行”", "互惠性", "互帮互助", "注册志愿者及其家庭", "青年", "常态化", "其他"),
    ("“爱心超市”文明积分兑换", "互惠性", "互帮互助", "辖区群众", "党员", "每月1次", "其他"),
    ("“茶农互助”技术帮扶", "互惠性", "互帮互助", "辖区茶农", "科技与科普", "采茶季每周1次", "群众点单"),
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split proportionally to ``weights`` (largest remainder, sums exactly)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(weights)), key=lambda i: counts[i] - exact[i])[: total - sum(counts)]:
        counts[i] += 1
    return counts


# ---------------------------------------------------------------- the county


@dataclass
class Injected:
    """What was planted: (sheet, kind) → count; 'bad' = error/warning, 'odd' = valid but odd."""

    bad: Counter[str] = field(default_factory=Counter)
    odd: Counter[str] = field(default_factory=Counter)
    cells: Counter[str] = field(default_factory=Counter)


@dataclass
class TownData:
    name: str
    villages: tuple[str, ...]
    info: Row = field(default_factory=dict)
    sites: list[Row] = field(default_factory=list)
    teams: list[Row] = field(default_factory=list)
    volunteers: list[Row] = field(default_factory=list)
    activities: list[Row] = field(default_factory=list)
    projects: list[Row] = field(default_factory=list)
    assessments: list[Row] = field(default_factory=list)
    summary: Row = field(default_factory=dict)
    photos: list[str] = field(default_factory=list)


class County:
    """Builds every town's rows from one seed; IDs are unique county-wide (except planted dups)."""

    def __init__(self, config: Config, scale: int) -> None:
        self.config, self.scale = config, scale
        self.rng = random.Random(f"{SEED}-{scale}")
        self.ids: set[str] = set()
        self.people: list[Row] = []  # every volunteer so far (for cross-town duplicates)
        self.injected = Injected()

    # ---- people

    def name(self, rng: random.Random, male: bool) -> str:
        surname = rng.choice(SURNAMES_COMMON) if rng.random() < 0.45 else rng.choice(SURNAMES_OTHER)
        first, second = MALE_GIVEN if male else FEMALE_GIVEN
        given = rng.choice(second) if rng.random() < 0.3 else rng.choice(first) + rng.choice(second)
        return surname + given

    def id_card(self, rng: random.Random, birth: date, male: bool) -> str:
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"610724{birth:%Y%m%d}{seq:03d}"
            value = first17 + id_check_digit(first17)
            if value not in self.ids:
                self.ids.add(value)
                return value

    @staticmethod
    def mobile(rng: random.Random) -> str:
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    # ---- towns

    def build(self) -> list[TownData]:
        towns = self.config.towns
        weights = [len(t.villages) + 6 for t in towns]
        counts = {key: split(total * self.scale, weights) for key, total in TOTALS.items()}
        out = []
        for i, town in enumerate(towns):
            rng = random.Random(f"{SEED}-{self.scale}-{town.name}")
            data = TownData(town.name, tuple(town.villages))
            self.sites(data, rng)
            self.roster(data, rng, counts["volunteers"][i])
            self.activities(data, rng, counts["activities"][i])
            self.projects(data, rng, counts["projects"][i])
            self.team_cells(data, rng)
            self.profile(data, rng)
            out.append(data)
        return out

    def inject(self, sheet: str, rng: random.Random, columns: int) -> tuple[str | None, bool]:
        """Per row: (None, _) for a clean row, else (kind chooser key, is_bad)."""
        self.injected.cells[sheet] += columns
        r = rng.random()
        if r < BAD_CELL_SHARE * columns:
            return "bad", True
        if r < (BAD_CELL_SHARE + ODD_CELL_SHARE) * columns:
            return "odd", False
        return None, False

    def note(self, sheet: str, kind: str, bad: bool) -> None:
        (self.injected.bad if bad else self.injected.odd)[f"{sheet}:{kind}"] += 1

    def sites(self, data: TownData, rng: random.Random) -> None:
        town = data.name
        sites: list[Row] = [{
            "name": f"{town}新时代文明实践所", "site_type": "实践所", "village": None,
            "venue": "党群服务中心", "signboard": "是", "area": rng.choice((520, 600, 680, 760)),
            "functions": "理论宣讲、教育培训、志愿服务调度、文体活动",
            "hours": "周一至周五 8:30-12:00，14:30-18:00（节假日预约开放）",
            "keeper": self.name(rng, rng.random() < 0.5), "phone": self.mobile(rng),
        }]
        functions = ("理论宣讲、志愿服务、文体活动", "政策宣讲、道德讲堂、文体活动",
                     "理论宣讲、农家书屋、便民服务", "志愿服务、四点半课堂、文体活动")
        hours = ("周一至周五 9:00-17:30", "周一至周日 8:30-18:00", "周二至周日 9:00-17:00")
        for village in data.villages:
            if rng.random() < 0.05:  # no 实践站 yet (a coverage gap, not a cell error)
                continue
            venue = rng.choices(("党群服务中心", "文化礼堂", "综合文化服务中心", "农家书屋"),
                                (50, 25, 15, 10))[0]
            sites.append({
                "name": f"{village}新时代文明实践站", "site_type": "实践站", "village": village,
                "venue": venue, "signboard": "是" if rng.random() < 0.95 else "否",
                "area": rng.randrange(120, 420, 10), "functions": rng.choice(functions),
                "hours": rng.choice(hours), "keeper": self.name(rng, rng.random() < 0.5),
                "phone": self.mobile(rng),
            })
        if rng.random() < 0.5:
            village = rng.choice(data.villages)
            sites.append({
                "name": f"{village}新时代文明实践基地", "site_type": "实践基地", "village": village,
                "venue": "其他", "signboard": "是", "area": rng.randrange(600, 2000, 100),
                "functions": "劳动教育、技术培训", "hours": "每天 8:00-18:00（团体预约）",
                "keeper": self.name(rng, True), "phone": self.mobile(rng),
            })
        for k in range(1, self.scale):  # scale: more 实践点 per village
            for village in data.villages:
                sites.append({
                    "name": f"{village}第{k}新时代文明实践点", "site_type": "实践点",
                    "village": village, "venue": "其他", "signboard": "是",
                    "area": rng.randrange(60, 400, 10), "functions": "广场文艺、政策宣传",
                    "hours": "全天开放", "keeper": self.name(rng, rng.random() < 0.5),
                    "phone": self.mobile(rng),
                })
        for site in sites:
            how, bad = self.inject("阵地", rng, 12)
            if how == "bad":
                kind = rng.choice(("village", "signboard", "area", "keeper"))
                if kind == "village" and site["site_type"] == "实践站":
                    site["village"] = None  # village-required
                elif kind == "signboard":
                    site["signboard"] = "已挂"  # enum-invalid
                elif kind == "area":
                    site["area"] = "约300"  # number-invalid
                else:
                    site["keeper"] = None  # required-missing
                    kind = "keeper"
                self.note("阵地", kind, True)
            elif how == "odd":
                kind = rng.choice(("area", "signboard", "phone"))
                if kind == "area":
                    site["area"] = f"{site['area']}平方米"
                elif kind == "signboard":
                    site["signboard"] = "√" if site["signboard"] == "是" else "×"
                else:
                    site["phone"] = float(site["phone"])
                self.note("阵地", kind, False)
        for seq, site in enumerate(sites, start=1):
            site["seq"] = seq
        data.sites = sites

    def roster(self, data: TownData, rng: random.Random, total: int) -> None:
        town = data.name
        teams: list[Row] = []
        for category, size in TOWN_TEAMS:
            if category == "应急救援" and rng.random() < 0.25:
                continue  # a “8+N” gap
            teams.append({"name": f"{town}{category}志愿服务队", "category": category,
                          "level": "镇级", "village": None, "_size": size})
        for k in range(self.scale):
            for j, village in enumerate(data.villages):
                if k == 0 and rng.random() < 0.4:
                    continue
                category = VILLAGE_TEAM_CATEGORIES[(j + k) % len(VILLAGE_TEAM_CATEGORIES)]
                name = f"{village}{category}志愿服务队" + (f"（{k + 1}）" if k else "")
                teams.append({"name": name, "category": category, "level": "村级",
                              "village": village, "_size": VILLAGE_TEAM_SIZE})
        counts = split(total, [t["_size"] for t in teams])
        community = [v for v in data.villages if v.endswith("社区")]
        volunteers: list[Row] = []
        for team, count in zip(teams, counts, strict=True):
            for _ in range(count):
                volunteers.append(self.volunteer(data, rng, team, community))
        # the same person in two towns' rosters (county-mode warning), 0.3%
        earlier = self.people
        if earlier:
            for _ in range(max(1, total * 3 // 1000)):
                person = dict(rng.choice(earlier))
                person["team"] = rng.choice(teams)["name"]
                person["village"] = None
                person["note"] = "同时在其他镇（街道）服务"
                volunteers.insert(rng.randrange(len(volunteers) + 1), person)
                self.note("队员", "id-across-towns", True)
        self.people.extend(v for v in volunteers if isinstance(v["id_card"], str))
        # the same ID twice in one roster (error), 0.1%
        for _ in range(max(1, total // 1000)):
            twin = dict(rng.choice(volunteers))
            twin["phone"] = self.mobile(rng)
            volunteers.insert(rng.randrange(len(volunteers) + 1), twin)
            self.note("队员", "id-duplicate", True)
        for seq, person in enumerate(volunteers, start=1):
            person["seq"] = seq
        data.volunteers = volunteers
        by_team: dict[str, list[Row]] = {}
        for person in volunteers:
            by_team.setdefault(person["team"], []).append(person)
        for seq, team in enumerate(teams, start=1):
            team.pop("_size")
            team["seq"] = seq
            members = by_team.get(team["name"]) or volunteers
            leader = rng.choice(members)
            team["leader"] = leader["name"]
            team["phone"] = leader["phone"] if isinstance(leader["phone"], str) else self.mobile(rng)
            team["founded"] = date(rng.randint(2019, 2022), rng.randint(1, 12), rng.randint(1, 28))
            team["registered"] = "是" if rng.random() < 0.9 else "否"
        data.teams = teams

    def team_cells(self, data: TownData, rng: random.Random) -> None:
        """Bad/odd cells on sheet 队伍 (after activities and projects used the clean teams)."""
        for team in data.teams:
            how, _ = self.inject("队伍", rng, 10)
            if how == "bad":
                kind = rng.choice(("level", "phone", "village"))
                if kind == "level":
                    team["level"] = "乡级"
                elif kind == "phone":
                    team["phone"] = team["phone"][:9]
                elif team["level"] == "村级":
                    team["village"] = None
                else:
                    team["level"] = "乡级"
                    kind = "level"
                self.note("队伍", kind, True)
            elif how == "odd":
                team["founded"] = f"{team['founded'].year}年{team['founded'].month}月" \
                                  f"{team['founded'].day}日"
                self.note("队伍", "founded-text", False)

    def volunteer(self, data: TownData, rng: random.Random, team: Row,
                  community: list[str]) -> Row:
        category = team["category"]
        if category == "青年":
            years = (1987, 2004)
        else:
            years = rng.choice(((1950, 1965), (1960, 1985), (1966, 1995), (1975, 2004)))
        birth = date(years[0], 1, 1) + timedelta(days=rng.randint(0, (years[1] - years[0]) * 365))
        male = False if category == "巾帼" else rng.random() < (0.85 if category == "应急救援" else 0.5)
        if category == "党员":
            politics = "中共党员" if rng.random() < 0.92 else "中共预备党员"
        elif birth.year >= 1994:
            politics = rng.choices(("共青团员", "中共党员", "中共预备党员", "群众"), (55, 15, 5, 25))[0]
        else:
            politics = rng.choices(("中共党员", "中共预备党员", "民主党派", "群众"), (30, 2, 2, 66))[0]
        registered = "是" if rng.random() < (0.93 if "党员" in politics else 0.83) else "否"
        if team["village"]:
            village = team["village"]
        elif rng.random() < 0.04:
            village = None
        elif community and rng.random() < 0.5:
            village = rng.choice(community)
        else:
            village = rng.choice(data.villages)
        hours: float | int | None
        if registered == "是":
            hours = round(rng.uniform(4, 160) * 2) / 2
            if hours == int(hours):
                hours = int(hours)
        else:
            hours = rng.choice((None, None, 2, 4, 6, 8))
        row: Row = {
            "name": self.name(rng, male), "gender": "男" if male else "女",
            "id_card": self.id_card(rng, birth, male), "politics": politics,
            "phone": self.mobile(rng), "team": team["name"], "village": village,
            "registered": registered, "hours": hours,
            "skills": rng.choice(SKILLS) if rng.random() < 0.55 else None,
            "note": rng.choice(NOTES) if rng.random() < 0.05 else None,
        }
        how, _ = self.inject("队员", rng, 12)
        if how == "bad":
            kind = rng.choices(("id-numeric", "id-checksum", "id-birthdate", "phone-short",
                                "gender", "politics", "team", "village", "hours", "name"),
                               (20, 15, 5, 15, 8, 8, 8, 8, 5, 8))[0]
            ident = row["id_card"]
            if kind == "id-numeric":  # Excel kept 15 significant digits of a number
                row["id_card"] = float(ident[:17] + "0") if ident[17] == "X" else float(ident)
            elif kind == "id-checksum":
                wrong = _ID_CHECK[(_ID_CHECK.index(ident[17]) + rng.randint(1, 10)) % 11]
                row["id_card"] = ident[:17] + wrong
            elif kind == "id-birthdate":
                row["id_card"] = ident[:10] + "0230" + ident[14:]
            elif kind == "phone-short":
                row["phone"] = row["phone"][:10]
            elif kind == "gender":
                row["gender"] = "女" if male else "男"
            elif kind == "politics":
                row["politics"] = "党员"
            elif kind == "team":
                row["team"] = row["team"].replace("志愿服务队", "志愿队")
            elif kind == "village":
                row["village"] = "新建村"
            elif kind == "hours":
                row["hours"] = "约20"
            else:
                row["name"] = None
            self.note("队员", kind, True)
        elif how == "odd":
            kind = rng.choice(("phone-float", "id-spaces", "registered-alias", "hours-unit",
                               "village-committee", "gender-space"))
            if kind == "phone-float":
                row["phone"] = float(row["phone"])
            elif kind == "id-spaces":
                ident = row["id_card"]
                row["id_card"] = f"{ident[:6]} {ident[6:14]} {ident[14:]}"
            elif kind == "registered-alias":
                row["registered"] = "√" if registered == "是" else "×"
            elif kind == "hours-unit":
                row["hours"] = f"{row['hours'] or 2}小时"
            elif kind == "village-committee" and village:
                row["village"] = village + ("居委会" if village.endswith("社区") else "委会")
            else:
                row["gender"] = f" {row['gender']} "
                kind = "gender-space"
            self.note("队员", kind, False)
        return row

    def activities(self, data: TownData, rng: random.Random, total: int) -> None:
        town = data.name
        stations = [s["village"] for s in data.sites if s["site_type"] == "实践站" and s["village"]]
        team_of: dict[str, str] = {}
        for team in data.teams:
            if team["level"] == "镇级":
                team_of.setdefault(team["category"], team["name"])
        village_team = {t["village"]: t["name"] for t in data.teams if t["level"] == "村级"}
        rows: list[Row] = []
        used_tags: Counter[str] = Counter()
        for _ in range(total):
            kind = rng.choice(ACTIVITY_KINDS)
            name_t, category, team_cat, tag, served_range, theme, demo = kind
            office = rng.random() < 0.12 or not stations
            village = None if office else rng.choice(stations)
            v = f"{town}新时代文明实践所" if office else village
            place = v if office else f"{village}新时代文明实践站"
            team = village_team.get(village) if village and rng.random() < 0.3 else None
            team = team or team_of.get(team_cat) or team_of["党员"]
            r = rng.random()
            status = "已开展" if r < 0.70 else "计划中" if r < 0.97 else "已取消"
            month = rng.randint(1, 6) if status == "已开展" else rng.randint(7, 12)
            held = date(YEAR, month, rng.randint(1, 28)) if status == "已开展" else None
            plan_time: Any = held if held and rng.random() < 0.4 else f"{YEAR}年{month}月"
            served = rng.randint(*served_range)
            helpers = max(4, min(40, served // rng.randint(5, 12) + rng.randint(2, 8)))
            summary = rng.choice(SUMMARIES).format(v=v, p=place, n=served, k=helpers)
            row: Row = {
                "name": name_t.format(v=v), "category": category,
                "theme_20th": "是" if theme else "否", "demo": "是" if demo else "否",
                "plan_time": plan_time, "held_on": held, "place": place, "team": team,
                "status": status, "summary": summary if status != "已取消" else None,
                "note": "因疫情防控要求取消" if status == "已取消" else None,
            }
            if status == "已开展":
                row["volunteers"], row["served"] = helpers, served
                if rng.random() < 0.9:
                    names = []
                    for i in range(1, 2 + (rng.random() < 0.15)):
                        base = f"{held:%m%d}{tag}"
                        used_tags[base] += 1
                        names.append(f"{base}{used_tags[base]}.jpg" if used_tags[base] > 1
                                     else f"{base}{i}.jpg")
                    row["photos"] = "、".join(names)
                    data.photos.extend(names)
            rows.append(row)
        rows.sort(key=lambda a: (a["held_on"] or date(YEAR, 12, 31), a["status"]))
        for seq, row in enumerate(rows, start=1):
            row["seq"] = seq
            self.activity_cells(row, rng)
        data.activities = rows

    def activity_cells(self, row: Row, rng: random.Random) -> None:
        how, _ = self.inject("活动", rng, 15)
        held = row["held_on"]
        if how == "bad":
            kind = rng.choice(("held-invalid", "held-missing", "held-2021", "plan-ambiguous",
                               "status", "category", "served", "team", "photo-missing",
                               "name"))
            if kind == "held-invalid" and held:
                row["held_on"] = f"{YEAR}.2.30" if rng.random() < 0.5 else f"{YEAR}.{held.month}.32"
            elif kind == "held-missing" and held:
                row["held_on"] = None
            elif kind == "held-2021" and held:
                row["held_on"] = held.replace(year=YEAR - 1)
            elif kind == "plan-ambiguous":
                row["plan_time"] = 2022.1
            elif kind == "status":
                row["status"] = "已完成"
            elif kind == "category":
                row["category"] = "理论学习"
            elif kind == "served" and held:
                row["served"] = "若干"
            elif kind == "team":
                row["team"] = "县文旅局志愿服务队"
            elif kind == "photo-missing" and row.get("photos"):
                row["photos"] += "、补拍1.jpg"
            else:
                row["name"] = None
                kind = "name"
            self.note("活动", kind, True)
        elif how == "odd":
            kind = rng.choice(("held-text", "held-slash", "served-unit", "plan-date-text",
                               "theme-alias"))
            if kind == "held-text" and held:
                row["held_on"] = f"{held.year}年{held.month}月{held.day}日"
            elif kind == "held-slash" and held:
                row["held_on"] = f"{held.year}/{held.month}/{held.day}"
            elif kind == "served-unit" and held:
                row["served"] = f"{row['served']}人次"
            elif kind == "plan-date-text":
                row["plan_time"] = str(row["plan_time"]).replace("年", ".").replace("月", "")
            else:
                row["theme_20th"] = "Y" if row["theme_20th"] == "是" else "N"
                kind = "theme-alias"
            self.note("活动", kind, False)

    def projects(self, data: TownData, rng: random.Random, total: int) -> None:
        team_of: dict[str, Row] = {}
        for team in data.teams:
            team_of.setdefault(team["category"], team)
        rows: list[Row] = []
        for i in range(total):
            name, ptype, pfield, target, team_cat, freq, matching = PROJECT_KINDS[
                i % len(PROJECT_KINDS)]
            round_ = i // len(PROJECT_KINDS)
            team = team_of.get(team_cat) or team_of["党员"]
            start = rng.choice((date(2022, 1, 1), date(2022, 2, 15), date(2022, 3, 1),
                                date(2022, 4, 1), date(2022, 5, 1)))
            row: Row = {
                "name": name + (f"（{round_ + 1}期）" if round_ else ""), "type": ptype,
                "field": pfield, "target": target, "team": team["name"],
                "leader": team["leader"], "phone": team["phone"], "start": start,
                "end": date(2022, 12, 31), "frequency": freq,
                "beneficiaries": rng.randrange(40, 1500, 5),
                "brand": "是" if rng.random() < 0.08 else "否", "matching": matching,
                "summary": f"围绕{target}的需求，由{team['name']}{freq}开展服务。",
            }
            how, _ = self.inject("项目", rng, 15)
            if how == "bad":
                kind = rng.choice(("date-order", "beneficiaries", "type", "team", "target"))
                if kind == "date-order":
                    row["end"] = date(2021, 12, 31)
                elif kind == "beneficiaries":
                    row["beneficiaries"] = "约三百人"
                elif kind == "type":
                    row["type"] = ptype[:2]
                elif kind == "team":
                    row["team"] = "县志愿服务联合会"
                else:
                    row["target"] = None
                self.note("项目", kind, True)
            elif how == "odd":
                kind = rng.choice(("phone-float", "start-text", "beneficiaries-unit"))
                if kind == "phone-float":
                    row["phone"] = float(row["phone"])
                elif kind == "start-text":
                    row["start"] = f"{start.year}-{start.month}-{start.day}"
                else:
                    row["beneficiaries"] = f"{row['beneficiaries']}人"
                self.note("项目", kind, False)
            rows.append(row)
        order = {"普惠性": 0, "特惠性": 1, "互惠性": 2}
        rows.sort(key=lambda r: order.get(r["type"], 3))
        for seq, row in enumerate(rows, start=1):
            row["seq"] = seq
        data.projects = rows

    def profile(self, data: TownData, rng: random.Random) -> None:
        town = data.name
        stations = sum(s["site_type"] == "实践站" for s in data.sites)
        held = sum(a["status"] == "已开展" for a in data.activities)
        data.info = {
            "unit_name": town, "unit_type": "街道" if town.endswith("街道") else "镇",
            "head": self.name(rng, True), "contact": self.name(rng, False),
            "phone": f"0916-6{rng.randrange(10**6):06d}", "village_total": len(data.villages),
            "signature": (f"中共西乡县委{town}工作委员会" if town.endswith("街道")
                          else f"中共西乡县{town}委员会"),
            "report_date": date(2022, 7, 14),
        }
        figures = (f"建成实践站{stations}个，组建志愿服务队{len(data.teams)}支，登记志愿者"
                   f"{len(data.volunteers)}人，上半年开展活动{held}场，培育服务项目{len(data.projects)}个")
        rows = []
        for item in self.config.items:
            gap = rng.random() < 0.1
            rows.append({
                "code": item.code, "dimension": item.dimension, "content": item.content,
                "narrative": f"对照“{item.title}”要求，{town}{figures}。", "evidence": "台账、照片",
                "conclusion": "基本达标" if gap else "达标",
                "problems": "工作还不够平衡。" if gap else None,
                "measures": "对照标准逐项整改。" if gap else None,
                "deadline": "2022年9月底前" if gap else None,
            })
        data.assessments = rows
        data.summary = {"practices": f"今年以来，{town}{figures}。",
                        "highlights": "一是阵地建设有力；二是队伍持续壮大。",
                        "problems": "一是发展还不平衡；二是品牌项目不多。",
                        "plans": "下一步，对照“五有”标准持续抓好整改提升。"}


# ---------------------------------------------------------------- writing


def _books(data: TownData) -> tuple[tuple[WorkbookSpec, Mapping[str, Sequence[Row]]], ...]:
    return (
        (PROFILE, {"基本情况": [data.info], "阵地": data.sites, "自评": data.assessments,
                   "小结": [data.summary]}),
        (ROSTER, {"队伍": data.teams, "队员": data.volunteers}),
        (ACTIVITIES, {"活动": data.activities}),
        (PROJECTS, {"项目": data.projects}),
    )


def write_fast(path: Path, spec: WorkbookSpec, unit: UnitSetup,
               rows: Mapping[str, Sequence[Row]]) -> None:
    """openpyxl write_only: the template's sheet layout without styles and dropdowns."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    guide = wb.create_sheet("填表说明")
    guide.append([f"{unit.name}{spec.title} 填表说明"])
    for model in spec.sheets:
        ws = wb.create_sheet(model.sheet_name)
        columns = model.columns()
        ws.append([f"{unit.name}{spec.title}（{model.sheet_name}）"])
        records = rows.get(model.sheet_name, [])
        if model.layout == "form":
            ws.append(["项目", "内容", "说明"])
            record = records[0] if records else {}
            for name, col in columns:
                ws.append([header_text(col), record.get(name), col.help or None])
            continue
        ws.append([header_text(col) for _, col in columns])
        for record in records:
            line = []
            for name, col in columns:
                value = record.get(name)
                if col.kind in ("id_card", "phone") and isinstance(value, str):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = "@"
                    value = cell
                line.append(value)
            ws.append(line)
    marker = wb.create_sheet(MARKER_SHEET)
    marker.sheet_state = "hidden"
    marker.append(["kind", spec.kind])
    marker.append(["version", TEMPLATE_VERSION])
    marker.append(["unit", unit.name])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _photo_bytes() -> bytes:
    try:
        from io import BytesIO

        from PIL import Image

        buffer = BytesIO()
        Image.new("RGB", (64, 48), (200, 60, 50)).save(buffer, "JPEG", quality=50)
        return buffer.getvalue()
    except ImportError:  # any bytes do: only the file's existence is checked
        return b"\xff\xd8\xff\xe0" + b"\x00" * 16 + b"\xff\xd9"


def write_town(data: TownData, out: Path, writer: str) -> tuple[str, float]:
    """Write one town's folder; returns (town, seconds)."""
    started = time.perf_counter()
    config, _ = load_config()
    folder = out / data.name
    if folder.exists():
        shutil.rmtree(folder)
    setup = dataclasses.replace(unit_setup(config, data.name),
                                teams=tuple(t["name"] for t in data.teams))
    for spec, rows in _books(data):
        path = folder / spec.file_name
        if writer == "template":
            write_workbook(path, spec, setup, config, rows=rows)
        else:
            write_fast(path, spec, setup, rows)
    photo = _photo_bytes()
    photo_dir = folder / PHOTO_DIR
    photo_dir.mkdir(parents=True, exist_ok=True)
    for name in sorted(set(data.photos)):
        (photo_dir / name).write_bytes(photo)
    return data.name, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=int, default=1, help="multiply every row count by N")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--writer", choices=("template", "fast"), default="template",
                        help="template = wenming_cli.xlsx_templates.write_workbook; "
                             "fast = openpyxl write_only (see module doc)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes writing workbooks")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be >= 1")
    started = time.perf_counter()
    config, _ = load_config()
    county = County(config, args.scale)
    towns = county.build()
    built = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in args.out.iterdir():  # a previous run with other towns / scale
        if stale.is_dir() and stale.name not in {t.name for t in towns}:
            shutil.rmtree(stale)
    write_started = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            times = list(pool.map(write_town, towns, [args.out] * len(towns),
                                  [args.writer] * len(towns)))
    else:
        times = [write_town(t, args.out, args.writer) for t in towns]
    wrote = time.perf_counter() - write_started

    total = Counter[str]()
    for t in towns:
        total.update(sites=len(t.sites), teams=len(t.teams), volunteers=len(t.volunteers),
                     activities=len(t.activities), projects=len(t.projects), photos=len(t.photos))
    inj = county.injected
    cells = sum(inj.cells.values())
    print(f"county: {len(towns)} towns, scale {args.scale}: " + ", ".join(
        f"{k} {v}" for k, v in total.items()))
    print(f"planted: {sum(inj.bad.values())} bad cells/rows "
          f"({100 * sum(inj.bad.values()) / cells:.2f}% of {cells} data cells), "
          f"{sum(inj.odd.values())} odd-but-valid")
    print("  bad: " + ", ".join(f"{k} {v}" for k, v in sorted(inj.bad.items())))
    print("  odd: " + ", ".join(f"{k} {v}" for k, v in sorted(inj.odd.items())))
    slowest = max(times, key=lambda x: x[1])
    print(f"built rows in {built:.1f}s; wrote {len(towns) * 4} workbooks with writer "
          f"'{args.writer}', {args.jobs} job(s) in {wrote:.1f}s (slowest town {slowest[0]} "
          f"{slowest[1]:.1f}s); total {time.perf_counter() - started:.1f}s -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
