"""Generate sample data for two 县级单位 and one 县级专业志愿服务队 (deterministic).

The county notice asks the 22 成员单位 (附件1) and the 12 县级专业志愿服务队 (附件2) for a
2022年上半年文明实践志愿服务活动情况小结. This script writes the data of three of them into
``src/wenming_cli/sample_data`` through the project's own template writer, like
``tools/make_sample_data.py`` does for the towns (whose helpers it reuses):

- 县文旅局 (西乡县文化和旅游局): leads the county 文化艺术志愿服务队; 送文化下乡, 非遗展演,
  “我们的节日”, 全民阅读, 文明旅游宣传; the 品牌项目 “文化惠民·送戏下乡”巡演.
- 县卫健局 (西乡县卫生健康局): 卫生健康志愿服务队 and the two county hospitals' teams; 义诊,
  健康知识讲座, 疫苗接种宣传, 爱国卫生运动, 无偿献血, 家庭医生签约.
- 理论宣讲志愿服务队 (lead unit 县委党校): 党的十九届六中全会精神宣讲进村, “喜迎二十大”
  百姓宣讲, 政策宣讲进企业.

Units have no 阵地 (sheet 阵地 stays empty) and do not self-assess against the 五有 standard
(sheet 自评 keeps the 24 pre-filled items, unfilled); their narrative is sheet 小结, written from
the generated activities so that every number in it is the number the data gives. Each unit has
one held activity without photos (the 小结 names it under 存在问题). Every name, ID number and
phone number is invented; ID numbers carry valid GB 11643-1999 check digits and never collide
with the towns' sample rosters; the 活动地点 are real 村（社区） of the config.

Usage::

    python tools/make_unit_samples.py [--out DIR]

Re-running wipes and regenerates only the three unit folders under ``--out``; a fixed seed and
pinned zip timestamps give byte-identical files.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
for _path in (ROOT / "src", TOOLS):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from make_sample_data import People, pin_timestamps, quoted, random_date  # noqa: E402

from wenming_cli.config import Config, load_config  # noqa: E402
from wenming_cli.schema import ACTIVITIES, PROFILE, PROJECTS, ROSTER  # noqa: E402
from wenming_cli.xlsx_templates import unit_setup, write_workbook  # noqa: E402

DEFAULT_OUT = ROOT / "src" / "wenming_cli" / "sample_data"
PHOTO_DIR = "图片资料"
SEED = 20220712
YEAR = 2022
PERIOD_END = date(2022, 6, 30)
REPORT_DATE = date(2022, 7, 12)
ZIP_TIME = (2022, 7, 12, 9, 0, 0)
"""Pinned timestamp of every workbook part, so re-runs give byte-identical files."""
TOWN_SAMPLES = ("城北街道", "城南街道", "堰口镇")
"""The towns' sample folders whose ID numbers and mobiles this data must not reuse."""

Row = dict[str, Any]

THEORY, POLICY, VALUES, CULTURE, CUSTOMS = (
    "学习实践科学理论", "宣传宣讲党的政策", "培育践行主流价值", "丰富活跃文化生活", "持续深入移风易俗",
)
CATEGORIES = (THEORY, POLICY, VALUES, CULTURE, CUSTOMS)
NUMBERS = "一二三四五六"

# ---------------------------------------------------------------- plans


@dataclass(frozen=True)
class TeamSpec:
    """One 县级 team of the unit and the kind of people on it."""

    key: str
    name: str
    category: str
    founded: date
    size: int
    notes: tuple[str, ...]
    skills: tuple[str, ...]
    party: float  # share of 中共党员/预备党员
    male: float
    births: tuple[int, int]  # birth years
    grassroots: tuple[str, ...] = ()  # notes of people who live in a 村（社区）


@dataclass(frozen=True)
class Place:
    """A 活动地点: a real 村（社区） of the config (checked), or a county venue (town empty)."""

    town: str
    village: str = ""
    where: str = "新时代文明实践站"

    def text(self) -> str:
        return f"{self.town}{self.village}{self.where}" if self.village else self.town


def st(town: str, village: str, where: str = "新时代文明实践站") -> Place:
    return Place(town, village, where)


def venue(name: str) -> Place:
    return Place(name)


@dataclass(frozen=True)
class ActSpec:
    """One activity. Held when ``day`` is a date (else planned for ``month``). ``summary`` may use
    {p} (place), {v} (village), {n} (served), {r} (served rounded down to tens), {k} (volunteers).
    ``group`` ties the activity to a sentence of the 小结."""

    day: date | None
    name: str
    category: str
    team: str
    place: Place
    group: str
    tag: str
    scene: str  # photo: stage / clinic / class / reading / street
    summary: str
    served: tuple[int, int] = (40, 120)
    helpers: tuple[int, int] = (4, 10)
    theme: bool = False
    demo: bool = False
    month: int = 0
    photos: int = 1


@dataclass(frozen=True)
class ProjSpec:
    name: str
    type: str
    field: str
    target: str
    team: str
    frequency: str
    matching: str
    summary: str
    beneficiaries: tuple[int, int]
    start: date = date(2022, 1, 1)
    brand: bool = False


@dataclass(frozen=True)
class UnitPlan:
    name: str
    full_name: str
    signature: str
    phone: str
    we: str  # 我局 / 我队
    teams: tuple[TeamSpec, ...]
    activities: tuple[ActSpec, ...]
    projects: tuple[ProjSpec, ...]
    no_photo: tuple[str, ...]  # names of held activities without photos
    summary: Callable[[Stats], Row]


def d(month: int, day: int) -> date:
    return date(YEAR, month, day)


def planned(month: int, name: str, category: str, team: str, place: Place, summary: str,
            theme: bool = False) -> ActSpec:
    return ActSpec(None, name, category, team, place, "", "", "", summary, theme=theme,
                   month=month)


# ---- 县文旅局

WENLV_TEAMS = (
    TeamSpec("art", "文化艺术志愿服务队", "文化艺术", date(2019, 9, 20), 22,
             ("县文化馆干部", "县文化馆文艺骨干", "非遗传承人", "退休文艺工作者", "业余文艺团队骨干"),
             ("声乐", "舞蹈", "书法", "汉调桄桄", "器乐", "摄影", "剪纸", "主持", "快板"),
             party=0.5, male=0.45, births=(1960, 1996)),
    TeamSpec("tour", "县文旅局文明旅游志愿服务队", "其他", date(2020, 5, 19), 10,
             ("局机关干部", "文化市场综合执法大队干部", "景区讲解员"),
             ("导游讲解", "英语", "摄影", "文字材料", "驾驶"),
             party=0.7, male=0.55, births=(1968, 1997)),
    TeamSpec("read", "县图书馆阅读推广志愿服务队", "文化艺术", date(2021, 4, 23), 9,
             ("县图书馆馆员", "退休教师", "大学生志愿者"),
             ("阅读推广", "讲故事", "朗诵", "课业辅导"),
             party=0.4, male=0.3, births=(1958, 2002)),
)

WENLV_ACTS = (
    ActSpec(d(1, 14), "“我们的节日·春节”写春联送万福", CULTURE, "art",
            st("城北街道", "东关社区"), "节日", "写春联", "street",
            "组织书法志愿者在{p}现场书写春联、福字，免费赠送辖区群众，服务群众{n}人次。",
            served=(180, 320)),
    ActSpec(d(1, 21), "“欢乐迎新春”送文化下乡文艺演出", CULTURE, "art",
            st("堰口镇", "南坝村"), "下乡", "迎新春演出", "stage",
            "文化艺术志愿服务队走进{p}，表演歌舞、小品、快板和汉调桄桄选段，为群众送上新春文化大餐，"
            "{r}余名群众观看。", served=(300, 480), helpers=(18, 26), demo=True, photos=2),
    ActSpec(d(1, 26), "春节假期文明旅游宣传", VALUES, "tour",
            st("城南街道", "东渡社区", "滨河公园"), "旅游", "文明旅游", "street",
            "志愿者在{p}发放《文明旅游出行指南》，倡导文明出游、安全出游，引导游客错峰游览。",
            served=(120, 220)),
    ActSpec(d(2, 15), "“我们的节日·元宵”非遗展演", CULTURE, "art",
            st("城南街道", "五丰社区"), "节日", "元宵非遗", "stage",
            "组织非遗传承人在{p}展演汉调桄桄、剪纸和茶艺，开展猜灯谜活动，{n}名群众参与。",
            served=(200, 360), helpers=(12, 20), demo=True),
    ActSpec(d(2, 24), "送文化下乡文艺演出", CULTURE, "art",
            st("杨河镇", "黄池社区"), "下乡", "送文化下乡", "stage",
            "志愿者走进{p}，表演群众喜闻乐见的歌舞、小品和快板，宣传乡村振兴政策，{r}余名群众观看。",
            served=(220, 380), helpers=(12, 20)),
    ActSpec(d(3, 5), "“学雷锋”文化志愿服务集中行动", VALUES, "art",
            st("城北街道", "北坝社区", "文化广场"), "学雷锋", "学雷锋", "street",
            "组织{k}名文化志愿者在{p}开展书法作品赠送、文艺辅导、旅游咨询等志愿服务，"
            "服务群众{n}人次。", served=(260, 420), helpers=(24, 34), demo=True, photos=2),
    ActSpec(d(3, 18), "“书香西乡”全民阅读分享会", CULTURE, "read",
            venue("县图书馆"), "阅读", "阅读分享", "reading",
            "在{p}举办全民阅读分享会，志愿者领读红色经典，{n}名读者参加。", served=(40, 80)),
    ActSpec(d(3, 29), "“非遗进社区”剪纸技艺体验课", CULTURE, "art",
            st("城北街道", "莲花社区"), "非遗", "剪纸体验", "class",
            "邀请剪纸非遗传承人在{p}教授剪纸技艺，{n}名居民和青少年参加体验。", served=(30, 60)),
    ActSpec(d(4, 2), "“学党史·悟思想”红色文化讲解", THEORY, "tour",
            st("峡口镇", "峡口社区"), "红色", "红色讲解", "class",
            "讲解员志愿者在{p}讲述西乡革命斗争故事，引导群众学党史、悟思想，{n}名党员群众参加。",
            served=(50, 90)),
    ActSpec(d(4, 23), "“世界读书日”全民阅读推广", CULTURE, "read",
            st("城南街道", "和平社区"), "阅读", "读书日", "reading",
            "在{p}开展世界读书日阅读推广，为居民推荐好书、现场办理借阅证，开展亲子共读，"
            "{n}名群众参加。", served=(60, 120)),
    ActSpec(d(4, 27), "“喜迎二十大·红色记忆”主题故事会", THEORY, "read",
            st("骆家坝镇", "骆镇社区"), "红色", "红色故事会", "class",
            "志愿者走进{p}，讲述党的百年奋斗故事和家乡新时代的发展变化，引导群众听党话、感党恩、"
            "跟党走，{n}名群众参加。", served=(60, 110), theme=True),
    ActSpec(d(5, 13), "移风易俗主题小品巡演", CUSTOMS, "art",
            st("沙河镇", "星火村"), "下乡", "移风易俗巡演", "stage",
            "文艺志愿者在{p}表演自编移风易俗小品和快板，倡导婚事新办、丧事简办、抵制高价彩礼，"
            "{r}余名群众观看。", served=(180, 300), helpers=(10, 16)),
    ActSpec(d(5, 19), "“5·19中国旅游日”旅游政策宣传", POLICY, "tour",
            st("城北街道", "北坝社区", "文化广场"), "旅游", "旅游日", "street",
            "在{p}设立咨询台，宣传《旅游法》和文明旅游公约，推介全县乡村旅游线路，解答群众咨询"
            "{n}人次。", served=(150, 260)),
    ActSpec(d(5, 26), "“喜迎二十大·奋进新征程”送文化下乡文艺演出", CULTURE, "art",
            st("高川镇", "五里坝社区"), "下乡", "二十大演出", "stage",
            "文化艺术志愿服务队在{p}表演《没有共产党就没有新中国》合唱、舞蹈和快板，讲述新时代"
            "十年的发展变化，{r}余名群众观看。", served=(380, 600), helpers=(20, 28), theme=True,
            demo=True, photos=2),
    ActSpec(d(6, 2), "“我们的节日·端午”民俗文化展演", CULTURE, "art",
            st("城南街道", "东渡社区", "滨河公园"), "节日", "端午", "stage",
            "在{p}展演端午民俗和传统文艺节目，组织群众包粽子、做香包，{n}名群众参与。",
            served=(220, 360), helpers=(12, 20)),
    ActSpec(d(6, 11), "“喜迎二十大”文化和自然遗产日非遗展示", CULTURE, "art",
            st("城北街道", "北坝社区", "文化广场"), "非遗", "遗产日", "stage",
            "在{p}集中展示全县非遗项目，传承人现场演示剪纸、茶艺和汉调桄桄，{n}名群众参观。",
            served=(260, 420), helpers=(12, 20), theme=True),
    ActSpec(d(6, 22), "暑期旅游安全和文明出游宣传", POLICY, "tour",
            st("堰口镇", "南坝村"), "旅游", "旅游安全", "street",
            "志愿者在{p}宣传汛期旅游安全知识和文明出游规范，提醒群众雨季不到危险水域、山区游玩。",
            served=(60, 120)),
    planned(7, "“文化进万家”夏季纳凉晚会", CULTURE, "art",
            st("城北街道", "北坝社区", "文化广场"), "在文化广场举办纳凉晚会，组织业余文艺团队轮流展演。"),
    planned(8, "“喜迎二十大”书画摄影作品展", CULTURE, "art", venue("县文化馆"),
            "征集全县书画、摄影作品，集中展示新时代发展成就。", theme=True),
    planned(9, "“庆丰收 迎盛会”中国农民丰收节文艺演出", CULTURE, "art", st("茶镇", "茶镇村"),
            "在中国农民丰收节期间举办文艺演出和农产品展示，庆祝丰收、喜迎二十大。", theme=True),
    planned(10, "“我们的节日·重阳”文艺慰问演出", VALUES, "art", st("城南街道", "和平社区"),
            "重阳节期间为老年人送去文艺演出，陪老人拉家常。"),
)

WENLV_PROJECTS = (
    ProjSpec("“文化惠民·送戏下乡”巡演", "普惠性", "文化文艺", "全县农村群众", "art", "每月2场",
             "中心派单",
             "文化艺术志愿服务队常年开展送戏下乡巡演，把歌舞、小品、汉调桄桄等节目送到群众家门口，"
             "演出前穿插政策宣讲和移风易俗宣传。", (6000, 9000), brand=True),
    ProjSpec("“书香西乡”全民阅读推广", "普惠性", "文化文艺", "全县读者、中小学生", "read", "每周1次",
             "定期服务", "依托县图书馆和村（社区）书屋开展阅读分享、亲子共读和好书推荐，推动全民阅读。",
             (1500, 3000), start=date(2022, 3, 1)),
    ProjSpec("“小小传承人”非遗公益课堂", "特惠性", "育幼", "农村留守儿童", "art", "每月1次", "群众点单",
             "利用周末和寒暑假为农村留守儿童开设剪纸、戏曲、书法等非遗公益课，培养孩子们对传统文化的兴趣。",
             (120, 260), start=date(2022, 3, 1)),
    ProjSpec("“文明旅游我先行”志愿引导", "普惠性", "其他", "游客及市民", "tour", "节假日", "定期服务",
             "节假日在景区和游客集散地设立志愿服务点，开展文明旅游引导、旅游咨询和安全提示。",
             (2000, 5000)),
)

# ---- 县卫健局

WEIJIAN_TEAMS = (
    TeamSpec("health", "卫生健康志愿服务队", "卫生健康", date(2019, 9, 20), 24,
             ("局机关干部", "县疾控中心医师", "县妇幼保健院医师", "镇卫生院医生", "乡村医生"),
             ("临床医疗", "护理", "急救", "健康教育", "公共卫生", "中医推拿"),
             party=0.6, male=0.5, births=(1965, 1996), grassroots=("镇卫生院医生", "乡村医生")),
    TeamSpec("hosp", "县人民医院志愿服务队", "卫生健康", date(2020, 2, 10), 16,
             ("县人民医院内科医师", "县人民医院外科医师", "县人民医院护士", "县人民医院药师"),
             ("临床医疗", "护理", "急救", "心电图", "药学"),
             party=0.5, male=0.4, births=(1968, 1998)),
    TeamSpec("tcm", "县中医医院志愿服务队", "卫生健康", date(2020, 3, 2), 10,
             ("县中医医院中医师", "县中医医院护士", "县中医医院康复治疗师"),
             ("针灸", "中医推拿", "中药", "康复理疗", "护理"),
             party=0.5, male=0.45, births=(1966, 1997)),
)

WEIJIAN_ACTS = (
    ActSpec(d(1, 12), "新冠疫苗加强针接种宣传进社区", POLICY, "health",
            st("城北街道", "西关社区"), "疫苗", "疫苗宣传", "street",
            "志愿者在{p}宣传新冠疫苗加强针接种政策，现场登记预约，引导符合条件的群众及时接种。",
            served=(120, 240)),
    ActSpec(d(1, 20), "“迎新春 送健康”义诊进乡村", VALUES, "hosp",
            st("堰口镇", "三郎村"), "义诊", "迎新春义诊", "clinic",
            "组织县人民医院{k}名医务志愿者在{p}为群众免费测血压、测血糖、做心电图，开展健康咨询和"
            "用药指导，服务群众{n}人次。", served=(150, 260), helpers=(10, 14), demo=True, photos=2),
    ActSpec(d(2, 17), "老年人新冠疫苗接种入户宣传", POLICY, "health",
            st("城南街道", "水东村"), "疫苗", "入户宣传", "street",
            "志愿者入户走访{v}60岁以上老年人，讲解疫苗接种的必要性和注意事项，为行动不便的老人预约"
            "上门接种。", served=(60, 120)),
    ActSpec(d(2, 25), "冬春季中医养生健康讲座", CUSTOMS, "tcm",
            st("柳树镇", "柳树社区"), "讲座", "养生讲座", "class",
            "县中医医院志愿者在{p}讲解冬春季养生保健和常见病预防知识，现场教授八段锦，"
            "{n}名群众参加。", served=(40, 80)),
    ActSpec(d(3, 5), "“学雷锋”志愿服务月大型义诊", VALUES, "health",
            st("城北街道", "北坝社区", "文化广场"), "义诊", "学雷锋义诊", "clinic",
            "组织县人民医院、县中医医院等{k}名医务志愿者在{p}开展大型义诊，提供内科、外科、中医、"
            "妇科等咨询诊疗，服务群众{n}人次。", served=(300, 460), helpers=(30, 40), demo=True,
            photos=2),
    ActSpec(d(3, 16), "疫情防控知识宣传进社区", POLICY, "health",
            st("城北街道", "进站路社区"), "疫苗", "防疫宣传", "street",
            "志愿者在{p}宣传疫情防控知识，提醒返乡人员主动报备，引导群众科学佩戴口罩、勤洗手。",
            served=(100, 180)),
    ActSpec(d(3, 24), "“世界防治结核病日”宣传", POLICY, "health",
            st("沙河镇", "沙河社区"), "讲座", "结核病防治", "street",
            "志愿者在{p}宣传结核病防治知识和国家免费诊治政策，发放宣传资料，解答群众咨询。",
            served=(80, 150)),
    ActSpec(d(4, 8), "“爱国卫生月”环境卫生整治", CUSTOMS, "health",
            st("城南街道", "和平社区"), "爱卫", "爱国卫生", "street",
            "在第34个爱国卫生月期间，组织志愿者在{p}清理卫生死角、开展病媒生物防制，倡导文明健康、"
            "绿色环保的生活方式。", served=(90, 160), helpers=(12, 20)),
    ActSpec(d(4, 25), "“全国儿童预防接种日”宣传", POLICY, "health",
            st("峡口镇", "峡口社区"), "疫苗", "预防接种日", "street",
            "志愿者在{p}宣传儿童免疫规划和预防接种知识，为家长查验接种证、提醒补种，服务群众{n}人次。",
            served=(70, 130)),
    ActSpec(d(4, 28), "“喜迎二十大 健康进万家”专家义诊巡诊", VALUES, "hosp",
            st("两河口镇", "两河口社区"), "义诊", "专家巡诊", "clinic",
            "县人民医院专家志愿者在{p}开展义诊巡诊，为群众看病问诊、讲解慢病防治知识，"
            "服务群众{n}人次。", served=(180, 300), helpers=(10, 15), theme=True),
    ActSpec(d(5, 12), "“5·12”国际护士节健康知识进社区", CUSTOMS, "hosp",
            st("城北街道", "莲花社区"), "讲座", "护士节", "class",
            "护理志愿者在{p}讲解慢性病居家护理和急救知识，现场演示心肺复苏，{n}名居民参加。",
            served=(40, 80)),
    ActSpec(d(5, 19), "“喜迎二十大 医者守初心”医务党员宣讲", THEORY, "health",
            st("白龙塘镇", "白龙社区"), "宣讲", "医务宣讲", "class",
            "医务党员志愿者在{p}结合抗疫一线经历，讲述卫生健康事业发展成就和身边的医者故事，"
            "{n}名党员群众参加。", served=(50, 90), theme=True),
    ActSpec(d(5, 21), "“全民健身 健康同行”八段锦展演", CULTURE, "tcm",
            st("杨河镇", "拱桥社区"), "健身", "八段锦", "stage",
            "县中医医院志愿者在{p}教授八段锦、太极拳，组织群众健身展演，{n}名群众参加。",
            served=(80, 150), helpers=(6, 10)),
    ActSpec(d(5, 31), "“世界无烟日”控烟宣传", CUSTOMS, "health",
            st("城南街道", "东渡社区"), "爱卫", "无烟日", "street",
            "志愿者在{p}宣传吸烟和二手烟的危害，劝导公共场所不吸烟，倡导创建无烟家庭。",
            served=(80, 150)),
    ActSpec(d(6, 9), "“喜迎二十大 健康进万家”中医义诊", VALUES, "tcm",
            st("子午镇", "三花石社区"), "义诊", "中医义诊", "clinic",
            "县中医医院志愿者在{p}开展中医义诊，提供针灸、推拿体验和中医药养生咨询，"
            "服务群众{n}人次。", served=(120, 220), helpers=(6, 10), theme=True),
    ActSpec(d(6, 14), "“世界献血者日”无偿献血志愿服务", VALUES, "health",
            st("城南街道", "东渡社区", "滨河公园"), "献血", "无偿献血", "clinic",
            "组织志愿者在{p}宣传无偿献血知识，引导市民参与献血，{n}名群众参与咨询和献血。",
            served=(120, 200), helpers=(12, 18), demo=True),
    ActSpec(d(6, 21), "防溺水和夏季传染病防控讲座", POLICY, "health",
            st("私渡镇", "红安社区"), "讲座", "防溺水", "class",
            "志愿者在{p}为中小学生和家长讲解防溺水、手足口病等夏季传染病防控知识，{n}人参加。",
            served=(60, 110)),
    ActSpec(d(6, 27), "“健康守护”家庭医生签约上门服务", VALUES, "health",
            st("桑园镇", "胜利村"), "签约", "家庭医生", "clinic",
            "家庭医生志愿者走进{v}，为65岁以上老人、慢性病患者上门随访、测量血压血糖，宣传家庭医生"
            "签约政策，服务群众{n}人次。", served=(50, 90)),
    planned(7, "暑期防溺水健康宣教进社区", POLICY, "health", st("城北街道", "南关社区"),
            "暑期在社区开展防溺水和中暑防治宣传，教授急救技能。"),
    planned(8, "“中国医师节·喜迎二十大”大型义诊", VALUES, "hosp",
            st("城北街道", "北坝社区", "文化广场"), "中国医师节期间组织医务志愿者开展大型义诊。",
            theme=True),
    planned(9, "全民健康生活方式宣传月活动", CUSTOMS, "health", st("峡口镇", "康宁社区"),
            "宣传“三减三健”，倡导合理膳食、适量运动、戒烟限酒。"),
    planned(10, "“我们的节日·重阳”老年人健康体检", VALUES, "tcm", st("大河镇", "大河社区"),
            "为辖区老年人免费体检，建立健康档案。"),
)

WEIJIAN_PROJECTS = (
    ProjSpec("“健康义诊进村（社区）”", "普惠性", "医疗健康", "全县城乡居民，重点为老年人和慢性病患者",
             "hosp", "每月2次", "群众点单",
             "根据镇（街道）、村（社区）点单，组织县级医院医务志愿者轮流下乡义诊，开展健康咨询和慢病随访。",
             (2000, 4000)),
    ProjSpec("“健康守护”家庭医生签约志愿服务", "特惠性", "医疗健康",
             "65岁以上老年人、慢性病患者、重度残疾人", "health", "每月1次上门随访", "定期服务",
             "家庭医生团队与重点人群结对签约，定期上门随访、测量血压血糖、指导用药，为行动不便的群众"
             "提供上门服务。", (1200, 2500)),
    ProjSpec("“疫苗接种守护”疫情防控志愿服务", "特惠性", "疫情防控", "60岁以上老年人等重点人群",
             "health", "按需开展", "中心派单",
             "组织医务志愿者入户宣传新冠疫苗接种政策，为行动不便的老年人提供预约和上门接种服务。",
             (3000, 6000)),
    ProjSpec("“热血西乡·爱心接力”无偿献血", "互惠性", "互帮互助", "18—60周岁健康市民", "health",
             "每季度1次", "其他",
             "组织医务志愿者和爱心市民参与无偿献血，献血者及其直系亲属临床用血按规定享受费用减免，"
             "形成“人人献血、人人受益”的互助格局。", (300, 600), start=date(2022, 3, 1)),
)

# ---- 理论宣讲志愿服务队 (县委党校)

THEORY_TEAMS = (
    TeamSpec("theory", "理论宣讲志愿服务队", "理论宣讲", date(2019, 8, 28), 32,
             ("县委党校教师", "县委宣讲团成员", "镇（街道）宣讲员", "退休干部", "百姓宣讲员", "乡村“土专家”"),
             ("宣讲", "写作", "主持", "讲故事", "快板", "政策解读"),
             party=0.78, male=0.6, births=(1955, 1995),
             grassroots=("镇（街道）宣讲员", "百姓宣讲员", "乡村“土专家”")),
)

THEORY_ACTS = (
    ActSpec(d(1, 11), "党的十九届六中全会精神宣讲进村", THEORY, "theory",
            st("城北街道", "乔山村"), "六中全会", "六中全会宣讲", "class",
            "宣讲员走进{v}，用群众听得懂的语言宣讲党的十九届六中全会精神，讲解党的百年奋斗重大成就和"
            "历史经验，{n}名党员群众参加。", served=(50, 90), helpers=(3, 5)),
    ActSpec(d(1, 19), "党的十九届六中全会精神宣讲进社区", THEORY, "theory",
            st("城南街道", "五丰社区"), "六中全会", "六中全会进社区", "class",
            "宣讲员在{p}结合社区治理实际宣讲党的十九届六中全会精神，{n}名党员群众参加。",
            served=(50, 90), helpers=(3, 5)),
    ActSpec(d(2, 22), "党的十九届六中全会精神“院坝宣讲”", THEORY, "theory",
            st("堰口镇", "韩岭村"), "六中全会", "院坝宣讲", "class",
            "宣讲员在{v}农家院坝围坐宣讲，把党的十九届六中全会精神和强农惠农政策讲进群众心里，"
            "{n}名群众参加。", served=(40, 70), helpers=(3, 5)),
    ActSpec(d(2, 24), "“强信心 暖民心”惠民政策宣讲进村", POLICY, "theory",
            st("白勉峡镇", "五间房村"), "政策", "惠民政策", "class",
            "宣讲员在{p}解读产业奖补、医疗保障和防止返贫监测帮扶政策，现场解答群众疑问，"
            "{n}名群众参加。", served=(40, 80), helpers=(3, 5)),
    ActSpec(d(3, 4), "“学雷锋 树新风”道德故事宣讲", VALUES, "theory",
            st("峡口镇", "峡口社区"), "学雷锋", "学雷锋宣讲", "class",
            "宣讲员在{p}讲述雷锋故事和身边好人事迹，倡导向上向善的道德风尚，{n}名群众参加。",
            served=(70, 120), helpers=(6, 10), demo=True, photos=2),
    ActSpec(d(3, 22), "乡村振兴政策宣讲进村", POLICY, "theory",
            st("桑园镇", "胜利村"), "政策", "乡村振兴", "class",
            "宣讲员在{p}宣讲中央一号文件和乡村振兴政策，结合本村茶产业讲解产业扶持措施，"
            "{n}名群众参加。", served=(40, 80), helpers=(3, 5)),
    ActSpec(d(3, 30), "政策宣讲进企业——助企纾困政策解读", POLICY, "theory",
            st("堰口镇", "南坝村", "茶产业新时代文明实践基地"), "企业", "助企纾困", "class",
            "宣讲员走进{p}，为茶企负责人和职工解读减税降费、稳岗就业等助企纾困政策，"
            "{n}名企业职工参加。", served=(30, 60), helpers=(3, 5)),
    ActSpec(d(4, 14), "“喜迎二十大”百姓宣讲进村", THEORY, "theory",
            st("高川镇", "宝华村"), "二十大", "百姓宣讲", "class",
            "百姓宣讲员在{p}用身边人讲身边事，讲述新时代十年村里的发展变化，引导群众听党话、"
            "感党恩、跟党走，{n}名群众参加。", served=(50, 90), helpers=(3, 6), theme=True),
    ActSpec(d(4, 26), "“倡树文明新风”移风易俗宣讲", CUSTOMS, "theory",
            st("骆家坝镇", "松树村"), "移风易俗", "移风易俗宣讲", "class",
            "宣讲员在{p}宣讲婚事新办、丧事简办和抵制高价彩礼，结合村规民约讲解红白理事会章程，"
            "{n}名群众参加。", served=(40, 80), helpers=(3, 5)),
    ActSpec(d(5, 5), "“喜迎二十大 青春心向党”青年宣讲", THEORY, "theory",
            st("城北街道", "莲花社区"), "二十大", "青年宣讲", "class",
            "青年宣讲员在{p}讲述新时代青年奋斗故事，引导辖区团员青年坚定理想信念，{n}名青年参加。",
            served=(40, 70), helpers=(4, 6), theme=True),
    ActSpec(d(5, 18), "“喜迎二十大”百姓宣讲进院落", THEORY, "theory",
            st("大河镇", "大河社区"), "二十大", "院落宣讲", "class",
            "百姓宣讲员走进{v}居民院落，讲述脱贫攻坚和乡村振兴带来的新变化，{n}名群众参加。",
            served=(40, 80), helpers=(3, 5), theme=True),
    ActSpec(d(5, 25), "“理论+文艺”快板宣讲进广场", CULTURE, "theory",
            st("城北街道", "北坝社区", "文化广场"), "文艺", "快板宣讲", "stage",
            "宣讲员用快板、三句半等形式，把党的创新理论和惠民政策编成段子在{p}演出，"
            "{r}余名群众观看。", served=(180, 280), helpers=(8, 12)),
    ActSpec(d(6, 9), "“稳经济一揽子政策”宣讲进企业", POLICY, "theory",
            st("城北街道", "乔山村", "茶园新时代文明实践基地"), "企业", "稳经济宣讲", "class",
            "宣讲员走进{p}，向茶企和种植大户解读国务院稳住经济一揽子政策措施中的减税降费、"
            "金融支持等内容，{n}人参加。", served=(30, 60), helpers=(3, 5)),
    ActSpec(d(6, 16), "“喜迎二十大·永远跟党走”百姓宣讲比赛", THEORY, "theory",
            venue("县委党校"), "二十大", "宣讲比赛", "class",
            "联合县委宣传部在{p}举办百姓宣讲比赛，各镇（街道）推选的基层宣讲员同台讲述身边的"
            "发展变化，{n}名干部群众现场观看。", served=(150, 240), helpers=(16, 24), theme=True,
            demo=True, photos=2),
    ActSpec(d(6, 23), "“党的故事我来讲”七一专题宣讲", THEORY, "theory",
            st("子午镇", "三花石社区"), "七一", "七一宣讲", "class",
            "宣讲员在{p}讲述党的光辉历程和老党员的初心故事，{n}名党员群众参加。",
            served=(50, 90), helpers=(3, 5)),
    planned(7, "庆祝建党101周年专题党课进村", THEORY, "theory", st("茶镇", "龙泉村"),
            "宣讲员为村党员讲专题党课，重温入党誓词。"),
    planned(8, "“喜迎二十大”百姓宣讲进万家", THEORY, "theory", st("沙河镇", "青岩村"),
            "百姓宣讲员入户宣讲新时代发展成就。", theme=True),
    planned(9, "政策宣讲进企业——稳就业惠民生政策解读", POLICY, "theory", st("城南街道", "官兵村"),
            "为企业职工解读稳就业、社保补贴等惠民政策。"),
    planned(11, "学习宣传贯彻党的二十大精神集中宣讲", THEORY, "theory", venue("各镇（街道）"),
            "组织宣讲员深入镇（街道）、村（社区）宣讲党的二十大精神。"),
)

THEORY_PROJECTS = (
    ProjSpec("“百姓宣讲进万家”", "普惠性", "理论宣讲", "全县党员群众", "theory", "每周1次", "中心派单",
             "组建县委党校教师、县委宣讲团成员和百姓宣讲员相结合的宣讲队伍，深入村（社区）、院落、"
             "田间地头宣讲党的创新理论。", (3000, 6000)),
    ProjSpec("“政策直通车”宣讲进企业", "普惠性", "理论宣讲", "县域企业负责人和职工", "theory",
             "每季度2次", "群众点单", "根据企业点单，为企业负责人和职工解读助企纾困、稳岗就业等政策。",
             (300, 800), start=date(2022, 3, 1)),
    ProjSpec("“红色故事进课堂”关爱留守儿童", "特惠性", "育幼", "农村留守儿童", "theory", "每月1次",
             "群众点单", "宣讲员到村（社区）为留守儿童讲红色故事、英雄故事，开展爱党爱国教育。",
             (150, 300), start=date(2022, 4, 1)),
)

# ---------------------------------------------------------------- data


@dataclass
class UnitData:
    plan: UnitPlan
    info: Row
    teams: list[Row]
    volunteers: list[Row]
    activities: list[Row]
    projects: list[Row]
    summary: Row
    photos: dict[str, tuple[date, str]]


@dataclass
class Stats:
    """The figures the 小结 quotes, computed from the rows."""

    plan: UnitPlan
    teams: list[Row]
    volunteers: list[Row]
    activities: list[Row]
    projects: list[Row]
    towns: list[str]  # every 镇（街道） of the county, in config order

    @property
    def held(self) -> list[Row]:
        return [a for a in self.activities if a["status"] == "已开展"]

    @property
    def planned(self) -> list[Row]:
        return [a for a in self.activities if a["status"] == "计划中"]

    def group(self, *groups: str) -> list[Row]:
        return [a for a in self.held if a["_group"] in groups]

    @property
    def registered(self) -> int:
        return sum(v["registered"] == "是" for v in self.volunteers)

    @property
    def party(self) -> int:
        return sum(v["politics"] in ("中共党员", "中共预备党员") for v in self.volunteers)

    @property
    def theme_held(self) -> list[Row]:
        return [a for a in self.held if a["theme_20th"] == "是"]

    @property
    def demo_held(self) -> list[Row]:
        return [a for a in self.held if a["demo"] == "是"]

    @property
    def no_photo(self) -> list[Row]:
        return [a for a in self.held if not a.get("photos")]

    def brand(self) -> list[Row]:
        return [p for p in self.projects if p["brand"] == "是"]

    def towns_reached(self) -> list[str]:
        reached = {a["_place"].town for a in self.held if a["_place"].village}
        return [t for t in self.towns if t in reached]

    def towns_missed(self) -> list[str]:
        reached = set(self.towns_reached())
        return [t for t in self.towns if t not in reached]


def served(acts: Iterable[Row]) -> int:
    return sum(a["served"] for a in acts)


def turnout(acts: Iterable[Row]) -> int:
    return sum(a["volunteers"] for a in acts)


def places(acts: Iterable[Row]) -> str:
    """'堰口镇南坝村、杨河镇黄池社区' (distinct 村（社区）, in order)."""
    return "、".join(dict.fromkeys(f"{a['_place'].town}{a['_place'].village}" for a in acts
                                   if a["_place"].village))


def cn_day(value: date) -> str:
    return f"{value.month}月{value.day}日"


def enum(items: Sequence[str], sep: str = "；") -> str:
    """'一是…；二是…。'"""
    return sep.join(f"{NUMBERS[i]}是{t}" for i, t in enumerate(items)) + "。"


def in_town(acts: Iterable[Row], *towns: str) -> list[Row]:
    return [a for a in acts if a["_place"].town in towns]


# ---------------------------------------------------------------- narratives (sheet 小结)


def _opening(s: Stats, lead: str) -> str:
    return (f"{lead}截至2022年6月30日，{s.plan.we}共有志愿服务队{len(s.teams)}支、登记志愿者"
            f"{len(s.volunteers)}人（在全国志愿服务信息系统注册{s.registered}人），上半年开展新时代"
            f"文明实践志愿服务活动{len(s.held)}场，参与志愿者{turnout(s.held)}人次，服务群众"
            f"{served(s.held)}人次。")


def _no_photo_text(s: Stats) -> str:
    missing = s.no_photo
    if not missing:
        return "活动台账、图片资料归档还不够规范"
    names = quoted(a["name"] for a in missing)
    return (f"活动图片、台账整理归档不够及时，{cn_day(missing[0]['held_on'])}开展的{names}"
            "活动缺少图片资料")


def summary_wenlv(s: Stats) -> Row:
    festival = s.group("节日")
    heritage = s.group("非遗")
    tour = s.group("下乡")
    reading = s.group("阅读")
    travel = s.group("旅游")
    red = s.group("红色")
    brand = s.brand()[0]
    city = in_town(s.held, "城北街道", "城南街道", "县图书馆")
    theme_planned = [a for a in s.planned if a["theme_20th"] == "是"]
    practices = "\n".join((
        _opening(s, "今年以来，县文旅局坚持以习近平新时代中国特色社会主义思想为指导，认真落实县新时代"
                    "文明实践中心工作部署，发挥文化馆、图书馆等文化阵地和文艺人才优势，牵头建强文化"
                    "艺术志愿服务队，推动文化志愿服务常态化开展。"),
        f"一是用好传统节日载体。围绕春节、元宵、端午等传统节日，开展{quoted(a['name'] for a in festival)}"
        f"等“我们的节日”主题活动{len(festival)}场，服务群众{served(festival)}人次；组织非遗传承人开展"
        f"{quoted(a['name'] for a in heritage)}等非遗展示体验活动{len(heritage)}场，让群众在家门口"
        "感受传统文化魅力。",
        f"二是推进送文化下乡。组织文化艺术志愿服务队开展送文化下乡演出{len(tour)}场，走进"
        f"{places(tour)}等地，服务群众{served(tour)}人次，把乡村振兴、移风易俗等内容编入节目，"
        "寓教于乐。",
        f"三是深化全民阅读和文明旅游宣传。依托县图书馆和社区书屋开展{quoted(a['name'] for a in reading)}"
        f"等全民阅读活动{len(reading)}场；结合春节假期、“5·19中国旅游日”和暑期旅游旺季，开展文明"
        f"旅游和旅游安全宣传{len(travel)}场，服务群众{served(travel)}人次。",
    ))
    highlights = "\n".join((
        f"一是品牌项目持续发力。{brand['name']}作为我局文明实践品牌项目，{brand['frequency']}常态化"
        f"开展，受益群众{brand['beneficiaries']}人，演出前穿插政策宣讲，做到“送文化”与“送政策”相结合。",
        f"二是聚焦喜迎二十大。开展{quoted(a['name'] for a in s.theme_held)}等喜迎二十大主题活动"
        f"{len(s.theme_held)}场，组织{quoted(a['name'] for a in s.demo_held[:2])}等集中性示范活动"
        f"{len(s.demo_held)}场，用文艺形式讲好新时代发展故事；开展{quoted(a['name'] for a in red)}"
        f"等红色文化活动{len(red)}场，服务群众{served(red)}人次。",
    ))
    problems = "\n".join((
        f"一是活动覆盖不够均衡。上半年{len(s.held)}场活动中有{len(city)}场在县城开展，"
        f"{'、'.join(s.towns_missed())}等{len(s.towns_missed())}个镇尚未开展文化志愿服务活动，"
        "偏远山区群众享受文化服务的机会偏少。",
        f"二是队伍结构还不够优化。志愿者以局属单位干部职工和文艺骨干为主，社会文艺爱好者吸纳不够，"
        f"还有{len(s.volunteers) - s.registered}名志愿者未在全国志愿服务信息系统注册。",
        f"三是{_no_photo_text(s)}。",
    ))
    plans = "\n".join((
        f"下一步，{s.plan.we}将对照县新时代文明实践中心要求，持续抓好文化志愿服务。一是围绕喜迎党的"
        f"二十大，开展{quoted(a['name'] for a in theme_planned)}等主题活动，营造喜庆祥和的社会氛围。",
        "二是推动送文化下乡向偏远村（社区）延伸，完善“群众点单、中心派单、志愿者接单”机制，"
        "按需配送文艺节目。",
        "三是加强志愿者招募、培训和注册管理，年底前实现志愿者全部注册；规范活动台账和图片资料管理，"
        "做到活动开展一场、资料归档一场。",
    ))
    return {"practices": practices, "highlights": highlights, "problems": problems,
            "plans": plans}


def summary_weijian(s: Stats) -> Row:
    clinic = s.group("义诊")
    vaccine = s.group("疫苗")
    lectures = s.group("讲座")
    patriotic = s.group("爱卫")
    blood = s.group("献血")
    signing = s.group("签约")
    preaching = s.group("宣讲")
    fitness = s.group("健身")
    special = [p for p in s.projects if p["type"] == "特惠性"]
    mutual = [p for p in s.projects if p["type"] == "互惠性"]
    theme_planned = [a for a in s.planned if a["theme_20th"] == "是"]
    practices = "\n".join((
        _opening(s, "今年以来，县卫健局坚持以人民健康为中心，认真落实县新时代文明实践中心工作部署，"
                    "牵头建强卫生健康志愿服务队，组织县人民医院、县中医医院组建院级志愿服务队，"
                    "推动卫生健康志愿服务进村（社区）、进家庭。"),
        f"一是常态化开展义诊服务。组织医务志愿者开展{quoted(a['name'] for a in clinic)}等义诊活动"
        f"{len(clinic)}场，走进{places(clinic)}等地，服务群众{served(clinic)}人次；开展家庭医生签约"
        f"上门服务{len(signing)}场，为重点人群提供随访和健康管理。",
        f"二是抓好疫苗接种和疫情防控宣传。开展新冠疫苗加强针接种、老年人疫苗接种和儿童预防接种等"
        f"宣传{len(vaccine)}场，服务群众{served(vaccine)}人次，为行动不便的老年人预约上门接种。",
        f"三是普及健康知识、倡导文明健康生活方式。开展{quoted(a['name'] for a in lectures)}等健康"
        f"知识讲座和宣传{len(lectures)}场，结合爱国卫生月、世界无烟日开展爱国卫生运动和控烟宣传"
        f"{len(patriotic)}场，开展{quoted(a['name'] for a in fitness)}等全民健身活动{len(fitness)}场，"
        f"组织无偿献血志愿服务{len(blood)}场。",
    ))
    highlights = "\n".join((
        f"一是项目化推进重点人群健康服务。实施{quoted(p['name'] for p in special)}等特惠性项目"
        f"{len(special)}个，其中{special[0]['name']}受益群众{special[0]['beneficiaries']}人；"
        f"{mutual[0]['name']}项目引导群众互帮互助，形成“人人献血、人人受益”的互助格局。",
        f"二是聚焦喜迎二十大。开展{quoted(a['name'] for a in s.theme_held)}等喜迎二十大主题活动"
        f"{len(s.theme_held)}场，其中医务党员宣讲{len(preaching)}场；组织"
        f"{quoted(a['name'] for a in s.demo_held[:2])}等集中性示范活动{len(s.demo_held)}场。",
    ))
    problems = "\n".join((
        f"一是服务覆盖还不够全面。上半年活动覆盖{len(s.towns_reached())}个镇（街道），"
        f"{'、'.join(s.towns_missed())}等{len(s.towns_missed())}个镇尚未开展，偏远镇村群众享受专家义诊的"
        "机会偏少。",
        "二是医务志愿者工学矛盾突出。医务人员临床任务和疫情防控任务重，参加志愿服务的时间难以保证，"
        f"还有{len(s.volunteers) - s.registered}名志愿者未在全国志愿服务信息系统注册。",
        f"三是{_no_photo_text(s)}。",
    ))
    plans = "\n".join((
        f"下一步，{s.plan.we}将持续推动卫生健康志愿服务常态化。一是围绕喜迎党的二十大，开展"
        f"{quoted(a['name'] for a in theme_planned)}等主题活动，组织专家团队到偏远镇村巡回义诊。",
        "二是深化“健康守护”家庭医生签约志愿服务，做实做细重点人群随访和健康管理；统筹安排医务志愿者"
        "排班，建立志愿服务时长激励机制。",
        "三是加强志愿者注册和台账管理，年底前实现志愿者全部注册，活动图片、台账随活动同步归档。",
    ))
    return {"practices": practices, "highlights": highlights, "problems": problems,
            "plans": plans}


def _age(person: Row) -> int:
    born = date(int(person["id_card"][6:10]), int(person["id_card"][10:12]),
                int(person["id_card"][12:14]))
    return PERIOD_END.year - born.year - ((PERIOD_END.month, PERIOD_END.day)
                                          < (born.month, born.day))


def summary_theory(s: Stats) -> Row:
    sixth = s.group("六中全会")
    twentieth = s.group("二十大")
    policy = s.group("政策", "企业")
    business = s.group("企业")
    other = s.group("学雷锋", "移风易俗", "文艺", "七一")
    brand_like = s.projects[0]
    teachers = sum(v.get("note") == "县委党校教师" for v in s.volunteers)
    grassroots = sum(v.get("note") in ("镇（街道）宣讲员", "百姓宣讲员", "乡村“土专家”")
                     for v in s.volunteers)
    older = sum(_age(v) >= 60 for v in s.volunteers)
    theme_planned = [a for a in s.planned if a["theme_20th"] == "是"]
    practices = "\n".join((
        _opening(s, "今年以来，理论宣讲志愿服务队在县委党校牵头组织下，坚持以习近平新时代中国特色社会"
                    "主义思想为指导，围绕学习贯彻党的十九届六中全会精神和喜迎党的二十大，深入村（社区）、"
                    "企业开展理论宣讲。"),
        f"一是宣讲党的十九届六中全会精神。1—2月组织宣讲员深入{places(sixth)}等村（社区）开展宣讲"
        f"{len(sixth)}场，{served(sixth)}名党员群众参加。",
        f"二是开展“喜迎二十大”百姓宣讲。组织{quoted(a['name'] for a in twentieth[:3])}等宣讲活动"
        f"{len(twentieth)}场，服务群众{served(twentieth)}人次，用身边人讲身边事、身边事教身边人。",
        f"三是推动政策宣讲进村进企业。围绕乡村振兴、助企纾困和稳经济一揽子政策开展政策宣讲"
        f"{len(policy)}场，其中走进企业{len(business)}场；结合学雷锋、移风易俗和“七一”开展"
        f"{quoted(a['name'] for a in other)}等宣讲{len(other)}场。",
    ))
    highlights = "\n".join((
        f"一是专兼结合建强宣讲队伍。队伍中既有县委党校教师{teachers}人，也有镇（街道）宣讲员、百姓"
        f"宣讲员和乡村“土专家”{grassroots}人，党员{s.party}人，做到理论讲得准、家常话讲得实。",
        f"二是宣讲形式接地气。采取院坝宣讲、快板宣讲、宣讲比赛等群众喜闻乐见的形式，{brand_like['name']}"
        f"项目受益群众{brand_like['beneficiaries']}人；组织{quoted(a['name'] for a in s.demo_held)}"
        f"等集中性示范活动{len(s.demo_held)}场。",
    ))
    problems = "\n".join((
        f"一是宣讲员队伍年龄偏大，{len(s.volunteers)}名队员中60岁以上的有{older}人，青年宣讲员"
        "数量不足。",
        "二是宣讲覆盖面有待扩大，上半年宣讲主要集中在镇（街道）所在地和交通便利的村（社区），"
        "偏远村组群众听宣讲的机会偏少。",
        f"三是{_no_photo_text(s)}。",
    ))
    plans = "\n".join((
        f"下一步，{s.plan.we}将紧扣喜迎和学习宣传贯彻党的二十大精神这条主线，一是开展"
        f"{quoted(a['name'] for a in theme_planned)}等宣讲活动，党的二十大召开后第一时间组织集中宣讲。",
        "二是加大青年宣讲员选拔培养力度，在团员青年、大学生村官中发展一批宣讲员，定期开展集体备课和"
        "试讲评议。",
        "三是推行“群众点单、中心派单、宣讲员接单”，把宣讲送到偏远村组和企业车间，同步规范活动台账和"
        "图片资料。",
    ))
    return {"practices": practices, "highlights": highlights, "problems": problems,
            "plans": plans}


# ---------------------------------------------------------------- plans of the three units

PLANS = (
    UnitPlan("县文旅局", "西乡县文化和旅游局", "西乡县文化和旅游局", "0916-6218305", "我局",
             WENLV_TEAMS, WENLV_ACTS, WENLV_PROJECTS, ("暑期旅游安全和文明出游宣传",),
             summary_wenlv),
    UnitPlan("县卫健局", "西乡县卫生健康局", "西乡县卫生健康局", "0916-6213472", "我局",
             WEIJIAN_TEAMS, WEIJIAN_ACTS, WEIJIAN_PROJECTS, ("防溺水和夏季传染病防控讲座",),
             summary_weijian),
    UnitPlan("理论宣讲志愿服务队", "西乡县理论宣讲志愿服务队", "西乡县理论宣讲志愿服务队",
             "0916-6221516", "我队", THEORY_TEAMS, THEORY_ACTS, THEORY_PROJECTS,
             ("“党的故事我来讲”七一专题宣讲",), summary_theory),
)

# ---------------------------------------------------------------- builders


def existing_people(*folders: Path) -> tuple[set[str], set[str]]:
    """ID numbers and mobiles already used in the towns' sample data (read with calamine)."""
    from python_calamine import CalamineWorkbook

    ids: set[str] = set()
    phones: set[str] = set()
    books = {book.resolve() for out in folders for town in TOWN_SAMPLES
             for book in (out / town).glob("*.xlsx")}
    for book in sorted(books):
        wb = CalamineWorkbook.from_path(str(book))
        for sheet in wb.sheet_names:
            for row in wb.get_sheet_by_name(sheet).to_python():
                for value in row:
                    text = str(value).strip()
                    if re.fullmatch(r"\d{17}[\dXx]", text):
                        ids.add(text.upper())
                    elif re.fullmatch(r"1[3-9]\d{9}", text):
                        phones.add(text)
    return ids, phones


def _politics(rng: random.Random, team: TeamSpec, birth_year: int) -> str:
    if rng.random() < team.party:
        return "中共党员" if rng.random() < 0.94 else "中共预备党员"
    if birth_year >= 1993:
        return rng.choices(("共青团员", "群众"), (60, 40))[0]
    return rng.choices(("群众", "民主党派"), (90, 10))[0]


def build_roster(plan: UnitPlan, people: People, rng: random.Random, villages: Sequence[str],
                 leads: dict[str, str]) -> tuple[list[Row], list[Row]]:
    teams: list[Row] = []
    volunteers: list[Row] = []
    for seq, spec in enumerate(plan.teams, start=1):
        members: list[Row] = []
        for _ in range(spec.size):
            birth = random_date(rng, date(spec.births[0], 1, 1), date(spec.births[1], 12, 31))
            note = rng.choice(spec.notes) if rng.random() < 0.8 else None
            if note == "退休教师" or note == "退休干部" or note == "退休文艺工作者":
                birth = random_date(rng, date(1952, 1, 1), date(1961, 12, 31))
            elif note == "大学生志愿者":
                birth = random_date(rng, date(2000, 1, 1), date(2003, 12, 31))
            male = rng.random() < spec.male
            if note and "护士" in note:
                male = rng.random() < 0.1
            politics = _politics(rng, spec, birth.year)
            registered = "是" if rng.random() < (0.95 if "党员" in politics else 0.85) else "否"
            hours: float | None
            if registered == "是":
                hours = round(rng.uniform(8, 120) * 2) / 2
                if hours == int(hours):
                    hours = int(hours)
            else:
                hours = rng.choice((None, 4, 6, 8))
            members.append({
                "name": people.name(plan.name, male, birth.year), "gender": "男" if male else "女",
                "id_card": people.id_card(birth, male), "politics": politics,
                "phone": people.mobile(), "team": spec.name,
                "village": rng.choice(villages) if note in spec.grassroots else None,
                "registered": registered, "hours": hours,
                "skills": rng.choice(spec.skills) if rng.random() < 0.7 else None, "note": note,
            })
        leaders = [m for m in members if m["politics"] == "中共党员" and m["registered"] == "是"
                   and 1966 <= int(m["id_card"][6:10]) <= 1988] or members
        leader = rng.choice(leaders)
        teams.append({
            "seq": seq, "name": spec.name, "category": spec.category, "level": "县级",
            "village": None, "leader": leader["name"], "phone": leader["phone"],
            "founded": spec.founded, "registered": "是",
            "note": f"县级专业志愿服务队，牵头单位{leads[spec.name]}" if spec.name in leads
            else None,
        })
        volunteers.extend(members)
    for seq, person in enumerate(volunteers, start=1):
        person["seq"] = seq
    return teams, volunteers


def build_activities(plan: UnitPlan, teams: dict[str, Row], config: Config,
                     rng: random.Random) -> tuple[list[Row], dict[str, tuple[date, str]]]:
    rows: list[Row] = []
    photos: dict[str, tuple[date, str]] = {}
    total = sum(t.size for t in plan.teams)
    for spec in plan.activities:
        place = spec.place
        if place.village:
            town = config.town(place.town)
            assert town is not None and place.village in town.villages, place
        team = teams[spec.team]["name"]
        fmt = {"p": place.text(), "v": place.village or place.text()}
        if spec.day is not None:
            n = rng.randint(*spec.served)
            k = min(rng.randint(*spec.helpers), total)
            fmt.update(n=str(n), r=str(n // 10 * 10), k=str(k))
            plan_time: Any = spec.day if rng.random() < 0.5 else f"{YEAR}年{spec.day.month}月"
            row: Row = {"held_on": spec.day, "plan_time": plan_time, "status": "已开展",
                        "volunteers": k, "served": n}
            if spec.name not in plan.no_photo:
                names = []
                for i in range(1, spec.photos + 1):
                    name = f"{spec.day:%m%d}{spec.tag}{i}.jpg"
                    assert name not in photos, name
                    photos[name] = (spec.day, spec.scene)
                    names.append(name)
                row["photos"] = tuple(names)
        else:
            row = {"held_on": None, "plan_time": f"{YEAR}年{spec.month}月", "status": "计划中"}
        row.update({
            "name": spec.name, "category": spec.category,
            "theme_20th": "是" if spec.theme else "否", "demo": "是" if spec.demo else "否",
            "place": place.text(), "team": team, "summary": spec.summary.format(**fmt),
            "_group": spec.group, "_place": place,
        })
        rows.append(row)
    rows.sort(key=lambda r: r["held_on"] or date(YEAR, int(str(r["plan_time"])[5:-1]), 15))
    for seq, row in enumerate(rows, start=1):
        row["seq"] = seq
    return rows, photos


def build_projects(plan: UnitPlan, teams: dict[str, Row], rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    order = {"普惠性": 0, "特惠性": 1, "互惠性": 2}
    for seq, spec in enumerate(sorted(plan.projects, key=lambda p: order[p.type]), start=1):
        team = teams[spec.team]
        rows.append({
            "seq": seq, "name": spec.name, "type": spec.type, "field": spec.field,
            "target": spec.target, "team": team["name"], "leader": team["leader"],
            "phone": team["phone"], "start": spec.start, "end": date(YEAR, 12, 31),
            "frequency": spec.frequency,
            "beneficiaries": rng.randrange(spec.beneficiaries[0], spec.beneficiaries[1], 10),
            "brand": "是" if spec.brand else "否", "matching": spec.matching,
            "summary": spec.summary,
        })
    return rows


def unique_villages(config: Config) -> list[str]:
    """村（社区） whose name is unique in the county (a volunteer's 所在村（社区） is unambiguous)."""
    counts = Counter(v for t in config.towns for v in t.villages)
    return [v for t in config.towns for v in t.villages if counts[v] == 1]


def build_unit(plan: UnitPlan, config: Config, people: People) -> UnitData:
    rng = random.Random(f"{SEED}-{plan.name}")
    contact = people.adult_name(plan.name)
    teams, volunteers = build_roster(plan, people, rng, unique_villages(config),
                                     config.county_teams)
    by_key = {spec.key: team for spec, team in zip(plan.teams, teams, strict=True)}
    activities, photos = build_activities(plan, by_key, config, rng)
    projects = build_projects(plan, by_key, rng)
    stats = Stats(plan, teams, volunteers, activities, projects, [t.name for t in config.towns])
    info = {
        "unit_name": plan.name, "unit_type": unit_setup(config, plan.name).unit_type,
        "contact": contact, "phone": plan.phone, "signature": plan.signature,
        "report_date": REPORT_DATE,
    }
    data = UnitData(plan, info, teams, volunteers, activities, projects, plan.summary(stats),
                    photos)
    check_unit(data, stats)
    return data


def check_unit(data: UnitData, s: Stats) -> None:
    """The generated data stays within the brief (fails loudly when an edit breaks it)."""
    name = data.plan.name
    assert 1 <= len(data.teams) <= 3 and 25 <= len(data.volunteers) <= 60, name
    assert 12 <= len(data.activities) <= 25, name
    assert {a["held_on"].month for a in s.held} == set(range(1, 7)), name
    assert all(a["held_on"] <= PERIOD_END for a in s.held), name
    assert set(a["category"] for a in s.held) == set(CATEGORIES), name
    assert len(s.theme_held) >= 2 and s.demo_held and s.planned, name
    assert [a["name"] for a in s.no_photo] == list(data.plan.no_photo), name
    assert 2 <= len(data.projects) <= 4, name
    assert s.registered / len(data.volunteers) >= 0.8, name
    ids = [v["id_card"] for v in data.volunteers]
    assert len(ids) == len(set(ids)), name
    for person in data.volunteers:
        assert (person["gender"] == "男") == (int(person["id_card"][16]) % 2 == 1)
    for text in data.summary.values():
        assert 2 <= len(text.split("\n")) <= 4 and "{" not in text, (name, text)


# ---------------------------------------------------------------- photos


def draw_photo(path: Path, when: date, scene: str) -> None:
    """A 480×360 JPEG of a simple scene (stage, clinic, class, reading, street), date stamped."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = random.Random(f"{SEED}-{path.parent.parent.name}-{path.name}")
    people_colours = ((60, 70, 100), (230, 230, 230), (90, 120, 80), (150, 60, 60), (40, 40, 45))
    if scene in ("class", "reading"):
        img = Image.new("RGB", (480, 360), (232, 226, 210))
        d = ImageDraw.Draw(img)
        d.rectangle((0, 250, 480, 360), fill=(170, 130, 95))
        if scene == "class":
            d.rectangle((110, 45, 370, 165), fill=(60, 90, 150))  # screen
            d.rectangle((80, 12, 400, 36), fill=(190, 30, 35))  # banner
            d.ellipse((228, 150, 252, 174), fill=(35, 30, 28))  # speaker
            d.rectangle((220, 174, 260, 196), fill=(40, 50, 80))
            d.rectangle((212, 192, 268, 250), fill=(120, 80, 50))  # lectern
        else:
            for x in range(20, 460, 110):  # bookshelves
                d.rectangle((x, 30, x + 95, 200), fill=(120, 85, 55))
                for shelf in range(4):
                    y = 40 + shelf * 40
                    d.rectangle((x + 6, y, x + 89, y + 30), fill=rng.choice(
                        ((170, 60, 50), (60, 90, 140), (200, 185, 130), (80, 120, 80))))
            d.rectangle((90, 215, 390, 245), fill=(150, 110, 70))  # table
        for row in range(3):
            for i in range(6):
                x = 30 + i * 72 + rng.randint(-5, 5) + (row % 2) * 16
                y = 228 + row * 42
                d.ellipse((x, y, x + 20, y + 20), fill=(35, 30, 28))
                d.rectangle((x - 5, y + 20, x + 25, y + 46), fill=rng.choice(people_colours))
    else:
        sky = rng.choice(((158, 197, 232), (176, 206, 235), (205, 220, 236)))
        img = Image.new("RGB", (480, 360), sky)
        d = ImageDraw.Draw(img)
        d.ellipse((395, 22, 440, 67), fill=(250, 230, 150))
        for x in range(0, 480, 120):  # hills
            d.polygon([(x - 30, 190), (x + 60, 110 + rng.randint(0, 30)), (x + 150, 190)],
                      fill=(100, 140, 110))
        d.rectangle((0, 190, 480, 360), fill=rng.choice(((126, 150, 98), (150, 150, 140))))
        if scene == "stage":
            d.rectangle((50, 110, 430, 250), fill=(160, 40, 40))  # backdrop
            d.rectangle((80, 122, 400, 150), fill=(230, 190, 60))  # banner
            d.rectangle((30, 250, 450, 275), fill=(110, 60, 40))  # stage floor
            for i in range(5):  # performers
                x = 110 + i * 60
                d.ellipse((x, 185, x + 18, 203), fill=(35, 30, 28))
                d.rectangle((x - 4, 203, x + 22, 248), fill=rng.choice(
                    ((220, 60, 90), (240, 200, 60), (250, 250, 250))))
        else:
            bx = rng.randint(20, 180)
            d.rectangle((bx, 100, bx + 240, 220), fill=(225, 215, 195))  # building
            d.polygon([(bx - 15, 100), (bx + 120, 55), (bx + 255, 100)], fill=(150, 60, 50))
            d.rectangle((bx + 25, 115, bx + 215, 138), fill=(200, 30, 35))  # banner
            tent = (220, 60, 50) if scene == "street" else (60, 110, 190)
            tx = rng.choice((15, 300))
            d.polygon([(tx, 230), (tx + 85, 198), (tx + 170, 230)], fill=tent)
            d.rectangle((tx + 8, 230, tx + 162, 252), fill=(240, 240, 240))  # table
            if scene == "clinic":
                d.rectangle((tx + 70, 208, tx + 100, 228), fill=(250, 250, 250))
                d.rectangle((tx + 82, 211, tx + 88, 225), fill=(200, 30, 35))  # red cross
                d.rectangle((tx + 78, 215, tx + 92, 221), fill=(200, 30, 35))
        for _ in range(rng.randint(6, 10)):
            x, y = rng.randint(15, 450), rng.randint(262, 305)
            vest = rng.random() < 0.45
            coat = (250, 250, 250) if scene == "clinic" and vest else (215, 40, 40)
            d.ellipse((x, y, x + 16, y + 16), fill=(40, 32, 28))
            d.rectangle((x - 4, y + 16, x + 20, y + 48),
                        fill=coat if vest else rng.choice(people_colours))
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    d = ImageDraw.Draw(img)
    d.text((350, 334), when.strftime("%Y-%m-%d"), fill=(255, 150, 20),
           font=ImageFont.load_default(size=18))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=50, optimize=True)


# ---------------------------------------------------------------- writing




def _public(rows: Iterable[Row]) -> list[Row]:
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]


def write_unit(data: UnitData, out: Path, config: Config) -> None:
    folder = out / data.plan.name
    if folder.exists():
        shutil.rmtree(folder)
    setup = dataclasses.replace(unit_setup(config, data.plan.name),
                                teams=tuple(t["name"] for t in data.teams))
    books = (
        (PROFILE, {"基本情况": [data.info], "阵地": [], "自评": [], "小结": [data.summary]}),
        (ROSTER, {"队伍": data.teams, "队员": data.volunteers}),
        (ACTIVITIES, {"活动": _public(data.activities)}),
        (PROJECTS, {"项目": data.projects}),
    )
    for spec, rows in books:
        path = folder / spec.file_name
        write_workbook(path, spec, setup, config, rows=rows)
        pin_timestamps(path, ZIP_TIME)
    for name, (when, scene) in sorted(data.photos.items()):
        draw_photo(folder / PHOTO_DIR / name, when, scene)


def describe(data: UnitData) -> str:
    s = Stats(data.plan, data.teams, data.volunteers, data.activities, data.projects, [])
    acts = data.activities
    return "\n".join((
        f"{data.plan.name}: 队伍 {len(data.teams)}, 志愿者 {len(data.volunteers)} "
        f"(注册 {s.registered}, 党员 {s.party}, "
        f"政治面貌 {dict(Counter(v['politics'] for v in data.volunteers))})",
        f"  活动 {len(acts)} {dict(Counter(a['status'] for a in acts))}; 已开展按月 "
        f"{dict(sorted(Counter(a['held_on'].month for a in s.held).items()))}; 按类别 "
        f"{dict(Counter(a['category'] for a in s.held))}",
        f"  服务群众 {served(s.held)} 人次, 参与志愿者 {turnout(s.held)} 人次; 喜迎二十大 已开展 "
        f"{len(s.theme_held)} 计划 {sum(a['theme_20th'] == '是' for a in s.planned)}; 示范 "
        f"{len(s.demo_held)}; 无图片 {len(s.no_photo)}; 图片 {len(data.photos)}",
        f"  项目 {len(data.projects)} {dict(Counter(p['type'] for p in data.projects))}, 品牌 "
        f"{quoted(p['name'] for p in s.brand()) or '无'}",
    ))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    config, _ = load_config()
    people = People(random.Random(SEED))
    taken_ids, taken_phones = existing_people(args.out, DEFAULT_OUT)
    people.ids |= taken_ids
    people.phones |= taken_phones
    built = [build_unit(plan, config, people) for plan in PLANS]
    for data in built:
        assert not {v["id_card"] for v in data.volunteers} & taken_ids, data.plan.name
        write_unit(data, args.out, config)
        print(describe(data))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
