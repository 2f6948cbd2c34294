"""Generate the sample data shipped in ``src/wenming_cli/sample_data`` (deterministic).

Three 填报单位 of 西乡县 with invented but realistic data, written only through the project's own
template writer (`wenming_cli.xlsx_templates.write_workbook`), so templates and sample data never
drift apart. The activity photos are small JPEGs drawn with Pillow (a development-only
dependency: ``pip install pillow``). Every name, ID number and phone number is invented; the ID
numbers carry valid GB 11643-1999 check digits, the 村（社区） are the real ones of the config.

Planned gaps, so that ``wenming validate`` and the 五有 checklist have something to find:

- 城北街道 (main sample, ~300 volunteers, ~80 activities): 古元村、枣园村 have no 实践站
  (覆盖率 17/19); the 余家山村 实践站 is not 挂牌; no 应急救援 team; 5 held activities have no
  photos (the clerk's 自评 does not mention the photos: the checklist must).
- 城南街道: complete (every 村（社区） has a 站, “8+N” complete, a 品牌项目); 2 of its volunteers
  are also on 城北街道's roster (same person, same ID: a county-mode warning).
- 堰口镇: 三坪村、檀木村 have no 实践站; no activity held in May; no 品牌项目.

Usage::

    python tools/make_sample_data.py [--out DIR]

Re-running wipes and regenerates the three unit folders under ``--out``. The data comes from a
fixed seed, and the workbooks' zip timestamps and document dates are pinned, so an unchanged
script gives byte-identical files.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import shutil
import sys
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from wenming_cli.config import Config, load_config  # noqa: E402
from wenming_cli.schema import ACTIVITIES, PROFILE, PROJECTS, ROSTER  # noqa: E402
from wenming_cli.xlsx_templates import unit_setup, write_workbook  # noqa: E402

DEFAULT_OUT = ROOT / "src" / "wenming_cli" / "sample_data"
PHOTO_DIR = "图片资料"
SEED = 20220714
YEAR = 2022
PERIOD_END = date(2022, 6, 30)
REPORT_DATE = date(2022, 7, 14)
ZIP_TIME = (2022, 7, 14, 9, 0, 0)
"""Pinned timestamp of every workbook part, so re-runs give byte-identical files."""

Row = dict[str, Any]

# ---------------------------------------------------------------- categories and names

THEORY, POLICY, VALUES, CULTURE, CUSTOMS = (
    "学习实践科学理论", "宣传宣讲党的政策", "培育践行主流价值", "丰富活跃文化生活", "持续深入移风易俗",
)
CATEGORIES = (THEORY, POLICY, VALUES, CULTURE, CUSTOMS)

TEAM_FALLBACK = {
    "道德宣讲": ("理论宣讲", "党员"),
    "应急救援": ("党员",),
    "巾帼": ("文化艺术", "党员"),
    "青年": ("教育体育", "党员"),
    "实用技术培训": ("科技与科普", "党员"),
    "退役军人": ("党员",),
}

PROFESSIONAL = ("理论宣讲", "普法宣讲", "卫生健康", "科技与科普", "应急救援")
"""Team categories whose activities a village team of another kind does not take over."""

SURNAMES_COMMON = "王李张刘陈杨赵黄周吴"
SURNAMES_OTHER = (
    "徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏"
    "钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹易常武乔贺龚文"
)
MALE_FIRST = "建国志永德明文庆宏长春立学忠金兴正世光家海红少"
MALE_SECOND = "军强伟勇平华林峰波杰涛斌刚辉成荣福贵山东亮胜安民生才全明"
MALE_YOUNG_FIRST = "子浩宇俊博嘉一晨思梓家"
MALE_YOUNG_SECOND = "轩宇豪然杰航阳辰泽睿鹏凯"
FEMALE_FIRST = "秀桂玉春丽海雪金冬美淑翠凤红小晓"
FEMALE_SECOND = "英兰珍芳梅霞萍华琴娟艳燕玲莲凤琼敏静"
FEMALE_YOUNG_FIRST = "欣雨思佳梓诗可一子晓"
FEMALE_YOUNG_SECOND = "涵怡琪萱婷颖悦彤雯洁瑶琳"

MOBILE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182",
    "183", "187", "188", "198", "130", "131", "132", "155", "156", "185", "186", "166", "133",
    "153", "180", "181", "189", "177", "199", "191",
)

SKILLS = {
    "党员": ("宣讲", "组织协调", "驾驶", "文字材料"),
    "理论宣讲": ("宣讲", "写作", "主持", "讲故事"),
    "道德宣讲": ("讲故事", "宣讲", "快板"),
    "文化艺术": ("书法", "舞蹈", "声乐", "二胡", "摄影", "秧歌", "剪纸", "汉调桄桄"),
    "卫生健康": ("护理", "中医推拿", "急救", "心理咨询", "临床医疗", "药学"),
    "科技与科普": ("茶叶种植", "电脑维修", "科普讲解", "无人机", "家电维修"),
    "普法宣讲": ("法律咨询", "人民调解", "反诈宣传"),
    "教育体育": ("课业辅导", "篮球", "太极拳", "乒乓球", "英语", "绘画"),
    "青年": ("摄影", "视频剪辑", "主持", "篮球", "计算机"),
    "巾帼": ("家政", "厨艺", "手工编织", "心理疏导", "广场舞"),
    "实用技术培训": ("茶叶种植", "果树嫁接", "生猪养殖", "电商直播"),
    "应急救援": ("急救", "游泳", "驾驶", "水上救援", "电工"),
}

NOTES = {
    "卫生健康": ("社区卫生服务站医生", "镇卫生院护士", "乡村医生"),
    "教育体育": ("退休教师", "在职教师"),
    "普法宣讲": ("司法所工作人员", "律师"),
    "党员": ("退休干部", "街道干部"),
    "应急救援": ("退役军人", "民兵"),
}

# ---------------------------------------------------------------- small helpers

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A uniformly random date in [start, end]."""
    return start + timedelta(days=rng.randint(0, (end - start).days))


def month_day(rng: random.Random, month: int, weekdays_only: bool = False) -> date:
    """A random day of ``month`` in YEAR (3rd–28th), optionally a weekday."""
    while True:
        day = date(YEAR, month, rng.randint(3, 28))
        if not weekdays_only or day.weekday() < 5:
            return day


def pct(part: int, whole: int) -> str:
    """'89.47%' (two decimals, trailing zeros kept like a clerk writes them; 100% as '100%')."""
    if whole == 0:
        return "0%"
    value = 100 * part / whole
    return "100%" if part == whole else f"{value:.2f}%"


def join(names: Iterable[str], limit: int | None = None) -> str:
    """'甲、乙、丙' (at most ``limit`` names)."""
    items = list(names)
    return "、".join(items[:limit] if limit else items)


def quoted(names: Iterable[str]) -> str:
    """Project/activity names as a clerk lists them: “甲”、“乙”活动 (no nested quotes)."""
    return "、".join(n if "“" in n else f"“{n}”" for n in names)


def short(town: str) -> str:
    """'城北' for 城北街道, '堰口' for 堰口镇."""
    return town.removesuffix("街道").removesuffix("镇")


class People:
    """Invented people: unique names per town, unique ID numbers and mobiles county-wide."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.names: dict[str, set[str]] = {}

    def surname(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES_COMMON) if rng.random() < 0.45 else rng.choice(SURNAMES_OTHER)

    def name(self, town: str, male: bool, birth_year: int) -> str:
        rng = self.rng
        taken = self.names.setdefault(town, set())
        young = birth_year >= 1992
        if male:
            first, second = (MALE_YOUNG_FIRST, MALE_YOUNG_SECOND) if young else (MALE_FIRST,
                                                                                MALE_SECOND)
        else:
            first, second = (FEMALE_YOUNG_FIRST, FEMALE_YOUNG_SECOND) if young else (
                FEMALE_FIRST, FEMALE_SECOND)
        while True:
            given = rng.choice(second) if rng.random() < 0.3 else rng.choice(first) + rng.choice(
                second)
            if len(given) == 2 and given[0] == given[1]:
                continue
            full = self.surname() + given
            if full not in taken:
                taken.add(full)
                return full

    def adult_name(self, town: str) -> str:
        """A name for a 管理员 / 负责人 (no ID needed)."""
        return self.name(town, self.rng.random() < 0.55, self.rng.randint(1962, 1992))

    def id_card(self, birth: date, male: bool) -> str:
        rng = self.rng
        while True:
            seq = rng.randrange(1, 500) * 2 + (1 if male else 0)
            first17 = f"610724{birth:%Y%m%d}{seq:03d}"
            value = first17 + id_check_digit(first17)
            if value not in self.ids:
                self.ids.add(value)
                return value

    def mobile(self) -> str:
        while True:
            value = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value


# ---------------------------------------------------------------- activity catalogue


@dataclass(frozen=True)
class ActSpec:
    """An activity kind. ``name``/``summary`` may use {v} (村/社区 or 实践所), {p} (place), {t}
    (town), {s} (town short name), {n} (served) and {k} (volunteers)."""

    name: str
    category: str
    team: str
    tag: str
    when: date | tuple[int, ...]
    summary: str
    theme: bool = False
    demo: bool = False
    served: tuple[int, int] = (40, 160)
    at: str = "station"  # station / office / square
    only: str = ""  # 村 / 社区: restrict the station's kind


ALL_MONTHS = tuple(range(1, 13))

DATED: tuple[ActSpec, ...] = (
    ActSpec("“学习贯彻党的十九届六中全会精神”集中宣讲", THEORY, "理论宣讲", "集中宣讲",
            date(2022, 1, 14),
            "邀请县委宣讲团成员在{p}集中宣讲党的十九届六中全会精神，辖区党员干部、群众代表{n}人参加。",
            served=(80, 150), at="office"),
    ActSpec("冬春季森林防火和安全用电宣传", POLICY, "应急救援", "防火宣传", date(2022, 1, 18),
            "志愿者在{p}发放森林防火、安全用电宣传资料，提醒群众春节期间文明祭祀、安全用火用电。",
            only="村"),
    ActSpec("“我们的节日·春节”写春联送祝福", CULTURE, "文化艺术", "写春联", date(2022, 1, 21),
            "组织书法志愿者在{p}现场书写春联、福字，免费赠送群众。\n服务群众{n}人次。",
            served=(100, 260)),
    ActSpec("春节前走访慰问困难群众", VALUES, "党员", "走访慰问", date(2022, 1, 26),
            "党员志愿者入户走访慰问{v}困难群众和留守老人，送去米、面、油等慰问品，了解生产生活困难。",
            served=(20, 60)),
    ActSpec("“我们的节日·元宵”猜灯谜闹元宵", CULTURE, "文化艺术", "元宵", date(2022, 2, 15),
            "在{p}开展猜灯谜、包元宵等民俗活动，{n}名群众参与，共度佳节。", served=(120, 300)),
    ActSpec("新冠疫苗加强针接种宣传引导", POLICY, "卫生健康", "疫苗宣传", date(2022, 2, 22),
            "志愿者入户宣传新冠疫苗加强针接种政策，为行动不便的老人预约上门接种服务。"),
    ActSpec("新时代文明实践“学雷锋”志愿服务集中行动", VALUES, "党员", "学雷锋", date(2022, 3, 5),
            "纪念毛泽东等老一辈革命家为雷锋同志题词59周年，组织{k}名志愿者在{p}开展义诊、义剪、"
            "家电维修、政策咨询等志愿服务。\n服务群众{n}人次。",
            demo=True, served=(200, 380), at="office"),
    ActSpec("“巾帼心向党 奋进新征程”三八妇女节主题活动", VALUES, "巾帼", "三八",
            date(2022, 3, 8),
            "在{p}举办三八妇女节主题活动，开展“最美家庭”故事分享、手工编织展示，{n}名妇女群众参加。"),
    ActSpec("“学雷锋·植绿护绿”义务植树", VALUES, "青年", "植树", date(2022, 3, 12),
            "组织青年志愿者在{v}开展义务植树、补植补绿，倡导绿色低碳的生活方式。", demo=True,
            served=(30, 60), only="村"),
    ActSpec("“3·15”消费者权益保护宣传", POLICY, "普法宣讲", "消费维权", date(2022, 3, 15),
            "联合市场监管所在{p}设点宣传消费者权益保护法，现场解答群众咨询，教群众识别假冒伪劣商品。"),
    ActSpec("“学雷锋·文明交通”劝导志愿服务", VALUES, "青年", "文明交通", date(2022, 3, 25),
            "志愿者在{v}主要路口开展文明交通劝导，劝导行人不闯红灯、电动车驾乘人员佩戴头盔。",
            demo=True, served=(150, 320), only="社区"),
    ActSpec("“文明祭扫 绿色清明”倡议宣传", CUSTOMS, "党员", "文明祭扫", date(2022, 3, 31),
            "在{p}发放《文明祭扫倡议书》，倡导鲜花祭扫、网上祭扫，不烧纸钱、不放鞭炮。"),
    ActSpec("“缅怀革命先烈 传承红色基因”清明祭英烈", VALUES, "青年", "祭英烈", date(2022, 4, 2),
            "组织辖区青少年在{p}开展网上祭英烈、讲述英烈故事活动，{n}名青少年参加。",
            served=(30, 80)),
    ActSpec("“4·15”全民国家安全教育日宣传", POLICY, "普法宣讲", "国安宣传", date(2022, 4, 15),
            "在{p}设立宣传点，宣传《国家安全法》《反间谍法》，增强群众国家安全意识。"),
    ActSpec("“书香润万家”世界读书日阅读分享会", CULTURE, "教育体育", "读书日", date(2022, 4, 23),
            "在{p}阅览室举办阅读分享会，志愿者带领孩子们共读红色经典，{n}名家长和儿童参加。",
            served=(30, 70)),
    ActSpec("“喜迎二十大 永远跟党走”主题宣讲", THEORY, "理论宣讲", "二十大宣讲",
            date(2022, 4, 28),
            "宣讲员走进{p}，结合身边变化讲述新时代十年的发展成就，引导群众听党话、感党恩、跟党走。",
            theme=True),
    ActSpec("“喜迎二十大 青春勇担当”五四青年节主题活动", THEORY, "青年", "五四",
            date(2022, 5, 4),
            "组织辖区团员青年在{p}重温入团誓词、学习习近平总书记寄语青年的重要讲话精神。\n"
            "{n}名团员青年参加。", theme=True, served=(30, 80)),
    ActSpec("“孝老爱亲 传承好家风”母亲节故事会", VALUES, "巾帼", "好家风", date(2022, 5, 8),
            "在{p}举办好家风故事会，邀请“好婆婆”“好媳妇”讲述孝老爱亲故事。"),
    ActSpec("“5·12”防灾减灾日应急知识宣传", POLICY, "应急救援", "防灾减灾", date(2022, 5, 12),
            "在{p}开展防灾减灾宣传和应急疏散演练，讲解地质灾害、汛期避险和应急救护知识。",
            served=(80, 200)),
    ActSpec("全国助残日“关爱残疾人”志愿服务", VALUES, "党员", "助残", date(2022, 5, 15),
            "志愿者走访辖区重度残疾人家庭，帮助打扫卫生、代办事项，宣传残疾人帮扶政策。",
            served=(15, 40)),
    ActSpec("科技活动周科普知识宣传", POLICY, "科技与科普", "科普", date(2022, 5, 20),
            "在{p}开展科普知识宣传，展示茶园绿色防控、智能手机使用等实用技术，解答群众咨询。"),
    ActSpec("“喜迎二十大·奋进新征程”广场文艺演出", CULTURE, "文化艺术", "文艺演出",
            date(2022, 5, 27),
            "在{p}举办广场文艺演出，表演合唱、广场舞、快板和汉调桄桄选段，{r}余名群众观看。",
            theme=True, served=(200, 500), at="square"),
    ActSpec("“童心向党 喜迎二十大”六一儿童节主题活动", VALUES, "教育体育", "六一",
            date(2022, 6, 1),
            "在{p}组织少年儿童开展红歌合唱、绘画比赛，为留守儿童送去学习用品。", theme=True,
            served=(40, 100)),
    ActSpec("“我们的节日·端午”包粽子 话传统", CULTURE, "巾帼", "端午", date(2022, 6, 2),
            "在{p}组织群众包粽子、做香包，讲述端午节的由来，把粽子送给独居老人。\n"
            "服务群众{n}人次。", demo=True, served=(60, 150)),
    ActSpec("“6·5”世界环境日垃圾分类宣传", CUSTOMS, "青年", "垃圾分类", date(2022, 6, 5),
            "志愿者在{p}讲解垃圾分类知识，开展“垃圾分类小游戏”，引导群众养成分类投放习惯。",
            only="社区"),
    ActSpec("“爱心送考”高考护航志愿服务", VALUES, "青年", "爱心送考", date(2022, 6, 7),
            "高考期间在考点周边设立爱心服务点，为考生和家长提供饮用水、防暑药品和交通引导。",
            served=(150, 300), only="社区"),
    ActSpec("“喜迎二十大 红歌大家唱”合唱展演", CULTURE, "文化艺术", "红歌", date(2022, 6, 15),
            "组织辖区合唱队在{p}演唱《没有共产党就没有新中国》《我和我的祖国》等经典红歌。",
            theme=True, served=(100, 260), at="square"),
    ActSpec("“安全生产月”安全知识宣传", POLICY, "应急救援", "安全生产", date(2022, 6, 10),
            "在{p}开展安全生产宣传，讲解燃气使用、电动车充电等安全常识，排查院落安全隐患。"),
    ActSpec("“6·26”国际禁毒日禁毒宣传", POLICY, "普法宣讲", "禁毒", date(2022, 6, 24),
            "在{p}开展禁毒宣传，展出禁毒展板，讲解新型毒品的识别和危害。"),
    ActSpec("“七一”前夕走访慰问老党员", VALUES, "党员", "慰问老党员", date(2022, 6, 28),
            "走访慰问{v}老党员、生活困难党员，为50年党龄老党员送去慰问品，听老党员讲初心故事。",
            served=(10, 30)),
)

PLANNED: tuple[ActSpec, ...] = (
    ActSpec("庆祝建党101周年暨“喜迎二十大”主题党日", THEORY, "党员", "", (7,),
            "组织党员重温入党誓词、集中学习，开展为民服务活动。", theme=True, at="office"),
    ActSpec("汛期防汛避险知识宣传", POLICY, "应急救援", "", (7,),
            "入户宣传防汛避险知识，排查沿河、地质灾害隐患点。"),
    ActSpec("暑期“四点半课堂”公益托管", VALUES, "教育体育", "", (7,),
            "暑期为双职工家庭子女提供课业辅导、安全教育和兴趣课程。", only="社区"),
    ActSpec("“八一”走访慰问退役军人", VALUES, "党员", "", (8,),
            "走访慰问辖区退役军人、军属，宣传优抚政策。"),
    ActSpec("“喜迎二十大”主题书画摄影展", CULTURE, "文化艺术", "", (8,),
            "征集辖区群众书画、摄影作品，集中展示新时代发展成就。", theme=True, at="office"),
    ActSpec("“庆丰收 迎盛会”中国农民丰收节活动", CULTURE, "文化艺术", "", (9,),
            "开展农产品展销、农事趣味比赛和文艺演出，庆祝丰收、喜迎二十大。", theme=True,
            only="村"),
    ActSpec("“我们的节日·中秋”邻里团圆会", CULTURE, "巾帼", "", (9,),
            "组织邻里共做月饼、赏月联欢，看望独居老人。"),
    ActSpec("全民国防教育日宣传", POLICY, "普法宣讲", "", (9,), "宣传国防法律法规和征兵政策。"),
    ActSpec("“我们的节日·重阳”敬老爱老志愿服务", VALUES, "卫生健康", "", (10,),
            "为老年人义诊、理发、打扫卫生，陪老人拉家常。"),
    ActSpec("“喜迎二十大 奋进新征程”群众广场舞展演", CULTURE, "文化艺术", "", (10,),
            "组织各村（社区）广场舞队展演。", theme=True, at="square"),
    ActSpec("学习宣传贯彻党的二十大精神集中宣讲", THEORY, "理论宣讲", "", (11,),
            "组织宣讲员深入村（社区）宣讲党的二十大精神。", at="office"),
    ActSpec("冬季消防安全宣传", POLICY, "应急救援", "", (11,), "开展冬季消防安全宣传和隐患排查。"),
    ActSpec("移风易俗“婚事新办、丧事简办”倡议", CUSTOMS, "党员", "", (11,),
            "修订完善村规民约，发放倡议书，推动红白事简办。", only="村"),
    ActSpec("“12·4”国家宪法日宪法宣传", POLICY, "普法宣讲", "", (12,),
            "开展宪法宣传，组织群众诵读宪法。"),
    ActSpec("“12·5”国际志愿者日志愿服务集中展示", VALUES, "青年", "", (12,),
            "集中展示全年志愿服务成果，表扬优秀志愿者。", at="office"),
    ActSpec("“最美家庭”“好婆婆好媳妇”评选表彰", CUSTOMS, "巾帼", "", (12,),
            "评选表彰最美家庭、好婆婆、好媳妇，发挥典型示范作用。"),
)

RECURRING: tuple[ActSpec, ...] = (
    ActSpec("{v}“学习贯彻党的十九届六中全会精神”宣讲", THEORY, "理论宣讲", "宣讲", (1, 2, 3, 4),
            "宣讲员走进{v}，用群众听得懂的语言宣讲党的十九届六中全会精神，{n}名党员群众参加。",
            served=(30, 80)),
    ActSpec("{v}习近平新时代中国特色社会主义思想“微宣讲”", THEORY, "理论宣讲", "微宣讲",
            ALL_MONTHS,
            "在{p}开展“微宣讲”，宣讲员结合身边事讲理论、讲政策。\n{n}名群众参加。",
            served=(25, 70)),
    ActSpec("{v}党史学习教育“小课堂”", THEORY, "党员", "党史课堂", ALL_MONTHS,
            "在{p}开展党史学习教育小课堂，老党员讲述党史故事，{n}名党员群众参加。",
            served=(20, 60)),
    ActSpec("{v}“农民夜校”政策理论学习", THEORY, "党员", "农民夜校", ALL_MONTHS,
            "利用晚上农闲时间在{p}开办农民夜校，学习党的创新理论和强农惠农政策。", served=(20, 50),
            only="村"),
    ActSpec("{v}乡村振兴政策宣讲", POLICY, "理论宣讲", "政策宣讲", ALL_MONTHS,
            "宣讲员在{p}宣讲乡村振兴、产业奖补和防止返贫监测帮扶政策，解答群众疑问。",
            served=(30, 80), only="村"),
    ActSpec("{v}防范电信网络诈骗宣传", POLICY, "普法宣讲", "反诈", ALL_MONTHS,
            "志愿者在{p}讲解常见电信网络诈骗手法，帮助群众下载安装“国家反诈中心”APP。"),
    ActSpec("{v}“民法典进万家”普法宣传", POLICY, "普法宣讲", "普法", ALL_MONTHS,
            "在{p}开展民法典宣传，结合婚姻家庭、邻里纠纷案例释法说理，现场解答法律咨询。"),
    ActSpec("{v}城乡居民医保政策宣传", POLICY, "卫生健康", "医保宣传", (1, 2, 3, 9, 10, 11, 12),
            "入户宣传城乡居民医保参保缴费和报销政策，帮助老年人用手机缴费。"),
    ActSpec("{v}疫情防控知识宣传", POLICY, "卫生健康", "防疫宣传", ALL_MONTHS,
            "志愿者在{p}宣传疫情防控知识，提醒返乡人员主动报备，引导群众做好个人防护。"),
    ActSpec("{v}科技惠农知识培训", POLICY, "科技与科普", "科技培训", ALL_MONTHS,
            "邀请农技人员在{p}讲解茶园管理、病虫害绿色防控技术和产业扶持政策，{n}名群众参加。",
            served=(25, 70), only="村"),
    ActSpec("{v}健康义诊", VALUES, "卫生健康", "义诊", ALL_MONTHS,
            "组织医务志愿者在{p}为群众免费测血压、测血糖，开展健康咨询。\n服务群众{n}人次。",
            served=(60, 180)),
    ActSpec("{v}关爱独居老人上门服务", VALUES, "党员", "关爱老人", ALL_MONTHS,
            "志愿者上门看望{v}独居、空巢老人，帮助打扫卫生、代购生活用品。", served=(10, 30)),
    ActSpec("{v}“道德讲堂”身边好人故事分享", VALUES, "道德宣讲", "道德讲堂", ALL_MONTHS,
            "在{p}开设道德讲堂，讲述身边好人好事，引导群众崇德向善。", served=(30, 80)),
    ActSpec("{v}“四点半课堂”课业辅导", VALUES, "教育体育", "四点半课堂",
            (3, 4, 5, 6, 9, 10, 11, 12),
            "放学后在{p}为辖区中小学生提供课业辅导和安全教育，{n}名学生参加。", served=(15, 40),
            only="社区"),
    ActSpec("{v}广场舞展演", CULTURE, "文化艺术", "广场舞", ALL_MONTHS,
            "组织辖区广场舞队在{p}展演，{r}余名群众参与观看。", served=(80, 200)),
    ActSpec("{v}农家书屋读书分享会", CULTURE, "教育体育", "读书会", ALL_MONTHS,
            "在{v}农家书屋开展读书分享，志愿者为群众推荐种养殖技术和红色经典书籍。",
            served=(15, 40), only="村"),
    ActSpec("{v}“送戏下乡”文艺演出", CULTURE, "文化艺术", "送戏下乡", ALL_MONTHS,
            "文艺志愿者走进{v}，表演小品、快板、汉调桄桄等群众喜闻乐见的节目，{r}余名群众观看。",
            served=(100, 260), only="村"),
    ActSpec("{v}全民健身太极拳培训", CULTURE, "教育体育", "太极拳", (3, 4, 5, 6, 9, 10, 11),
            "体育志愿者在{p}教授太极拳，组织群众开展全民健身活动。", served=(20, 60)),
    ActSpec("{v}人居环境整治志愿服务", CUSTOMS, "党员", "环境整治", ALL_MONTHS,
            "组织党员志愿者清理{v}房前屋后、河道沟渠的垃圾杂物，引导群众养成卫生习惯。",
            served=(40, 120)),
    ActSpec("{v}移风易俗“红白喜事简办”宣讲", CUSTOMS, "道德宣讲", "移风易俗", ALL_MONTHS,
            "在{p}宣讲红白喜事简办标准和村规民约，发放移风易俗倡议书。"),
    ActSpec("{v}“文明餐桌·光盘行动”宣传", CUSTOMS, "青年", "光盘行动", ALL_MONTHS,
            "志愿者走进辖区餐馆和院落宣传“光盘行动”，倡导节约粮食、文明用餐。", only="社区"),
    ActSpec("{v}垃圾分类入户宣传", CUSTOMS, "青年", "垃圾分类", ALL_MONTHS,
            "志愿者入户发放垃圾分类指南，讲解可回收物、有害垃圾的分类投放方法。", only="社区"),
    ActSpec("{v}“抵制高价彩礼 倡树文明新风”宣讲", CUSTOMS, "巾帼", "抵制高价彩礼", ALL_MONTHS,
            "巾帼志愿者在{p}宣讲抵制高价彩礼、婚事新办，组织适婚青年家庭签订承诺书。",
            only="村"),
    ActSpec("{v}文明积分兑换活动", CUSTOMS, "党员", "积分兑换", ALL_MONTHS,
            "在{p}组织群众用文明积分兑换生活用品，公布文明积分“红黑榜”。", served=(30, 90)),
)

CANCELLED: tuple[tuple[str, str, str, int, str], ...] = (
    ("“迎新春”广场文艺演出", CULTURE, "文化艺术", 1, "因疫情防控要求取消"),
    ("“全民健身”群众趣味运动会", CULTURE, "教育体育", 6, "因汛期防汛工作取消"),
)

# ---------------------------------------------------------------- project catalogue


@dataclass(frozen=True)
class ProjSpec:
    """A service project kind. ``name`` may use {s} (town short name)."""

    key: str
    name: str
    type: str
    field: str
    target: str
    team: str
    frequency: str
    matching: str
    summary: str
    beneficiaries: tuple[int, int] = (60, 300)


PROJECT_SPECS: tuple[ProjSpec, ...] = (
    ProjSpec("宣讲", "“理论宣讲进院落”", "普惠性", "理论宣讲", "辖区党员群众", "理论宣讲",
             "每月2次", "中心派单",
             "组建“百姓宣讲团”，深入院落、田间地头，用群众听得懂的语言宣讲党的创新理论和惠民政策。",
             (400, 1200)),
    ProjSpec("文化", "“文化惠民·周末广场”", "普惠性", "文化文艺", "辖区群众", "文化艺术", "每周1次",
             "定期服务", "每周末在文化广场组织广场舞、合唱、汉调桄桄等群众文艺展演，丰富群众文化生活。",
             (800, 2000)),
    ProjSpec("义诊", "“健康义诊进村（社区）”", "普惠性", "医疗健康", "辖区居民，重点为老年人和慢性病患者",
             "卫生健康", "每月1次", "群众点单",
             "组织医务志愿者轮流到各村（社区）免费测血压血糖、开展健康咨询，建立慢病老人随访台账。",
             (300, 900)),
    ProjSpec("普法", "“法润{s}”普法服务", "普惠性", "法律", "辖区群众", "普法宣讲", "每月1次", "群众点单",
             "法律志愿者定期到村（社区）坐诊，开展法律咨询、矛盾调解和以案释法。", (200, 600)),
    ProjSpec("科普", "“科普大篷车”进村入户", "普惠性", "科普", "辖区群众、中小学生", "科技与科普",
             "每季度2次", "中心派单", "开展应急避险、健康生活、智能手机使用等科普宣传，为群众解答生活中的科学问题。",
             (300, 800)),
    ProjSpec("环境", "“美丽家园”人居环境整治", "普惠性", "环境保护", "辖区村（社区）群众", "党员", "每周1次",
             "定期服务", "党员志愿者每周五集中清理卫生死角，带动群众共建整洁美丽家园。", (500, 1500)),
    ProjSpec("银龄", "“银龄守护”独居老人关爱", "特惠性", "养老", "辖区独居、空巢、高龄老人", "党员",
             "每周1次", "定期服务",
             "志愿者与独居、空巢老人结对，每周上门探访，提供代购代办、打扫卫生、健康监测等服务。",
             (40, 120)),
    ProjSpec("课堂", "“四点半课堂”", "特惠性", "育幼", "辖区双职工家庭子女和留守儿童", "教育体育",
             "工作日每天", "群众点单",
             "工作日放学后在实践站为孩子们提供课业辅导、安全教育和兴趣课程，解决家长接送难题。",
             (40, 100)),
    ProjSpec("心愿", "“微心愿”圆梦帮困", "特惠性", "帮困", "困难家庭、困境儿童", "青年", "每季度1次",
             "群众点单", "征集困难群众和困境儿童的“微心愿”，由爱心单位和志愿者认领圆梦。", (30, 90)),
    ProjSpec("防疫", "“守护家园”疫情防控志愿服务", "特惠性", "疫情防控", "辖区居民", "卫生健康", "按需开展",
             "中心派单", "配合开展核酸检测秩序维护、返乡人员排查和居家隔离人员生活保障。", (500, 2000)),
    ProjSpec("防汛", "“汛期守护”防汛抢险志愿服务", "特惠性", "抢险救援", "沿河及地质灾害隐患点群众",
             "应急救援", "汛期每周巡查", "中心派单",
             "汛期组织应急志愿者巡查隐患点，协助转移避险群众，开展防汛避险知识宣传。", (80, 300)),
    ProjSpec("助残", "“爱心助残”上门服务", "特惠性", "帮困", "辖区重度残疾人", "卫生健康", "每月1次",
             "定期服务", "为重度残疾人提供上门康复指导、代办证件和生活照料。", (20, 60)),
    ProjSpec("守望", "“邻里守望·爱心互助”", "互惠性", "邻里守望", "辖区居民", "巾帼", "常态化",
             "群众点单", "以院落为单位组建邻里互助小组，邻里之间互相照看老人孩子、代收快递、调解小纠纷。",
             (200, 600)),
    ProjSpec("银行", "“志愿时间银行”", "互惠性", "互帮互助", "辖区注册志愿者及其家庭", "青年", "常态化",
             "其他", "志愿者服务时长存入“时间银行”，需要帮助时可兑换同等时长的志愿服务。", (100, 300)),
    ProjSpec("超市", "“爱心超市”文明积分兑换", "互惠性", "互帮互助", "辖区群众", "党员", "每月1次", "其他",
             "群众参加志愿服务、环境整治可获得文明积分，每月在爱心超市兑换生活用品。", (300, 900)),
    ProjSpec("工具", "“共享工具箱”邻里互助", "互惠性", "互帮互助", "辖区居民", "科技与科普", "常态化",
             "群众点单", "在实践站设立共享工具箱，志愿者上门帮助维修水电、家电，居民闲置工具互借共享。",
             (100, 300)),
    ProjSpec("茶农", "“茶农互助”技术帮扶", "互惠性", "互帮互助", "辖区茶农", "实用技术培训", "采茶季每周1次",
             "群众点单", "组织种茶能手与新茶农结对，互帮互学茶园管理和制茶技术，农忙时换工互助。",
             (60, 200)),
)
PROJECTS_BY_KEY = {p.key: p for p in PROJECT_SPECS}

# ---------------------------------------------------------------- town plans


@dataclass(frozen=True)
class TeamPlan:
    """One team: category, level, village (村级), relative size, founding date, registered."""

    category: str
    level: str = "镇级"
    village: str | None = None
    size: int = 10
    founded: date = date(2020, 5, 1)
    registered: str = "是"
    name: str | None = None


@dataclass(frozen=True)
class SitePlan:
    """An extra 实践基地 / 实践点."""

    name: str
    site_type: str
    village: str
    functions: str
    hours: str
    area: int


@dataclass(frozen=True)
class Gap:
    """A 自评 row that is not 达标, as the clerk writes it."""

    conclusion: str
    problems: str
    measures: str
    deadline: str


@dataclass(frozen=True)
class TownPlan:
    """Everything that differs between the sample towns."""

    name: str
    signature: str
    head: str
    contact: str
    phone: str
    no_station: tuple[str, ...]
    unsigned: tuple[str, ...]
    extra_sites: tuple[SitePlan, ...]
    teams: tuple[TeamPlan, ...]
    volunteers: int
    held_per_month: tuple[int, ...]  # January … June
    planned_per_month: tuple[int, ...]  # July … December
    cancelled: int
    projects: tuple[str, ...]
    brand: tuple[str, ...]
    no_photo: int
    two_photo_share: float
    all_dated: bool  # use every dated catalogue activity (else a sample)
    gaps: dict[str, Gap] = field(default_factory=dict)
    shared_from: str | None = None  # town whose volunteers partly also serve here
    shared: int = 0


CHENGBEI = TownPlan(
    name="城北街道",
    signature="中共西乡县委城北街道工作委员会",
    head="",
    contact="",
    phone="0916-6212635",
    no_station=("古元村", "枣园村"),
    unsigned=("余家山村",),
    extra_sites=(
        SitePlan("乔山村茶园新时代文明实践基地", "实践基地", "乔山村", "茶叶种植技术培训、劳动教育、茶文化体验",
                 "每天 8:00-18:00（团体预约）", 1200),
        SitePlan("北坝社区文化广场新时代文明实践点", "实践点", "北坝社区", "广场文艺、全民健身、政策宣传",
                 "全天开放", 2600),
    ),
    teams=(
        TeamPlan("党员", size=48, founded=date(2019, 7, 1)),
        TeamPlan("理论宣讲", size=24, founded=date(2019, 9, 10)),
        TeamPlan("文化艺术", size=34, founded=date(2019, 9, 10)),
        TeamPlan("卫生健康", size=24, founded=date(2020, 2, 3)),
        TeamPlan("科技与科普", size=18, founded=date(2020, 6, 18)),
        TeamPlan("普法宣讲", size=18, founded=date(2020, 6, 18)),
        TeamPlan("教育体育", size=24, founded=date(2020, 9, 1)),
        TeamPlan("青年", size=40, founded=date(2019, 5, 4)),
        TeamPlan("巾帼", "村级", "莲花社区", size=26, founded=date(2021, 3, 8),
                 name="莲花社区巾帼志愿服务队"),
        TeamPlan("道德宣讲", "村级", "东关社区", size=20, founded=date(2021, 4, 20),
                 name="东关社区道德宣讲志愿服务队"),
        TeamPlan("实用技术培训", "村级", "乔山村", size=18, founded=date(2022, 4, 12),
                 registered="否", name="乔山村实用技术培训志愿服务队"),
    ),
    volunteers=300,
    held_per_month=(8, 7, 11, 9, 10, 11),
    planned_per_month=(4, 4, 3, 4, 3, 4),
    cancelled=2,
    projects=("宣讲", "文化", "义诊", "普法", "科普", "环境", "银龄", "课堂", "心愿", "防疫", "助残",
              "守望", "银行", "超市", "茶农"),
    brand=("银龄", "课堂"),
    no_photo=5,
    two_photo_share=0.12,
    all_dated=True,
    gaps={
        "1.1": Gap("基本达标", "古元村、枣园村尚未建成新时代文明实践站，覆盖率未达到100%。",
                   "结合村级活动场所提升改造，督促古元村、枣园村落实场地和管理人员，建成后统一挂牌并纳入“所—站”管理。",
                   "2022年8月底前"),
        "1.5": Gap("基本达标", "余家山村新时代文明实践站标识牌尚未制作安装，未挂牌。",
                   "按全县统一样式制作标识牌，完成余家山村实践站挂牌，同步公示开放时间和管理员。",
                   "2022年7月底前"),
        "2.2": Gap("基本达标", "尚未组建应急救援志愿服务队，应急志愿服务力量薄弱。",
                   "依托街道应急办、派出所和辖区退役军人、民兵，组建城北街道应急救援志愿服务队，开展应急救护和防汛避险培训。",
                   "2022年8月底前"),
    },
)

CHENGNAN = TownPlan(
    name="城南街道",
    signature="中共西乡县委城南街道工作委员会",
    head="",
    contact="",
    phone="0916-6231408",
    no_station=(),
    unsigned=(),
    extra_sites=(
        SitePlan("东渡社区滨河公园新时代文明实践点", "实践点", "东渡社区", "广场文艺、全民健身、志愿服务",
                 "全天开放", 3000),
    ),
    teams=(
        TeamPlan("党员", size=9, founded=date(2019, 7, 1)),
        TeamPlan("理论宣讲", size=6, founded=date(2019, 9, 12)),
        TeamPlan("文化艺术", size=8, founded=date(2019, 9, 12)),
        TeamPlan("卫生健康", size=6, founded=date(2020, 2, 6)),
        TeamPlan("科技与科普", size=5, founded=date(2020, 7, 1)),
        TeamPlan("普法宣讲", size=5, founded=date(2020, 7, 1)),
        TeamPlan("教育体育", size=6, founded=date(2020, 9, 1)),
        TeamPlan("应急救援", size=8, founded=date(2021, 7, 20)),
        TeamPlan("巾帼", "村级", "五丰社区", size=7, founded=date(2021, 3, 8),
                 name="五丰社区巾帼志愿服务队"),
    ),
    volunteers=60,
    held_per_month=(3, 3, 5, 4, 3, 4),
    planned_per_month=(1, 1, 1, 1, 0, 0),
    cancelled=0,
    projects=("宣讲", "义诊", "课堂", "防汛", "守望", "银行"),
    brand=("课堂",),
    no_photo=0,
    two_photo_share=0.15,
    all_dated=False,
    shared_from="城北街道",
    shared=2,
)

YANKOU = TownPlan(
    name="堰口镇",
    signature="中共西乡县堰口镇委员会",
    head="",
    contact="",
    phone="0916-6541172",
    no_station=("三坪村", "檀木村"),
    unsigned=(),
    extra_sites=(
        SitePlan("南坝村茶产业新时代文明实践基地", "实践基地", "南坝村", "茶叶种植加工培训、电商直播培训",
                 "周一至周六 8:30-17:30", 900),
    ),
    teams=(
        TeamPlan("党员", size=9, founded=date(2019, 7, 1)),
        TeamPlan("理论宣讲", size=6, founded=date(2019, 10, 8)),
        TeamPlan("文化艺术", size=7, founded=date(2019, 10, 8)),
        TeamPlan("卫生健康", size=5, founded=date(2020, 3, 2)),
        TeamPlan("科技与科普", size=5, founded=date(2020, 5, 20)),
        TeamPlan("普法宣讲", size=5, founded=date(2020, 5, 20)),
        TeamPlan("教育体育", size=5, founded=date(2020, 9, 1)),
        TeamPlan("应急救援", size=8, founded=date(2021, 6, 1)),
        TeamPlan("巾帼", "村级", "古城社区", size=5, founded=date(2021, 3, 8),
                 name="古城社区巾帼志愿服务队"),
        TeamPlan("实用技术培训", "村级", "罗镇村", size=5, founded=date(2021, 4, 15),
                 name="罗镇村实用技术培训志愿服务队"),
    ),
    volunteers=60,
    held_per_month=(4, 4, 5, 4, 0, 5),
    planned_per_month=(1, 0, 1, 1, 0, 0),
    cancelled=0,
    projects=("文化", "科普", "银龄", "心愿", "茶农", "超市"),
    brand=(),
    no_photo=0,
    two_photo_share=0.1,
    all_dated=False,
    gaps={
        "1.1": Gap("基本达标", "三坪村、檀木村尚未建成新时代文明实践站，覆盖率未达到100%。",
                   "利用三坪村、檀木村村级活动场所改造契机，落实实践站场地、管理员和开放制度，建成后统一挂牌。",
                   "2022年9月底前"),
        "3.2": Gap("基本达标", "5月集中开展防汛和夏收夏种工作，全镇未开展文明实践活动，活动常态化不够。",
                   "制定月度活动计划，每月每个实践站至少开展1场活动，由实践所统一调度、按月通报。",
                   "2022年7月起长期坚持"),
        "4.5": Gap("未达标", "现有服务项目以常规服务为主，尚未培育形成叫得响的品牌项目。",
                   "从“银龄守护”“茶农互助”等群众认可度高的项目中择优培育，完善服务标准，加强宣传推广，年内打造1个镇级品牌项目。",
                   "2022年12月底前"),
    },
)

PLANS = (CHENGBEI, CHENGNAN, YANKOU)

# ---------------------------------------------------------------- builders


@dataclass
class TownData:
    """The rows of one town's four workbooks, plus what the narratives need."""

    plan: TownPlan
    villages: tuple[str, ...]
    info: Row = field(default_factory=dict)
    sites: list[Row] = field(default_factory=list)
    teams: list[Row] = field(default_factory=list)
    volunteers: list[Row] = field(default_factory=list)
    activities: list[Row] = field(default_factory=list)
    projects: list[Row] = field(default_factory=list)
    assessments: list[Row] = field(default_factory=list)
    summary: Row = field(default_factory=dict)
    photos: dict[str, tuple[date, str, int]] = field(default_factory=dict)
    category_of_team: dict[str, str] = field(default_factory=dict)

    @property
    def stations(self) -> list[str]:
        return [s["village"] for s in self.sites if s["site_type"] == "实践站"]

    def team_for(self, category: str, village: str | None, rng: random.Random) -> str:
        """The team responsible for an activity of team ``category`` held in ``village``."""
        local = [t for t in self.teams if t["level"] == "村级" and t["village"] == village]
        if local and (local[0]["category"] == category
                      or (category not in PROFESSIONAL and rng.random() < 0.3)):
            return str(local[0]["name"])
        for wanted in (category, *TEAM_FALLBACK.get(category, ()), "党员"):
            for team in self.teams:
                if team["category"] == wanted and team["level"] == "镇级":
                    return str(team["name"])
            for team in self.teams:
                if team["category"] == wanted:
                    return str(team["name"])
        raise AssertionError(f"no team for {category}")


def build_sites(data: TownData, people: People, rng: random.Random) -> None:
    plan, town = data.plan, data.plan.name
    sites: list[Row] = [{
        "name": f"{town}新时代文明实践所", "site_type": "实践所", "village": None,
        "venue": "党群服务中心", "signboard": "是", "area": rng.choice((520, 600, 680, 760)),
        "functions": "理论宣讲、教育培训、志愿服务调度、文体活动",
        "hours": "周一至周五 8:30-12:00，14:30-18:00（节假日预约开放）",
        "keeper": people.adult_name(town), "phone": people.mobile(),
    }]
    functions = (
        "理论宣讲、志愿服务、文体活动", "政策宣讲、道德讲堂、文体活动", "理论宣讲、农家书屋、便民服务",
        "志愿服务、四点半课堂、文体活动", "政策宣讲、科普培训、文化娱乐",
    )
    hours = ("周一至周五 9:00-17:30", "周一至周日 8:30-18:00", "周二至周日 9:00-17:00",
             "周一至周五 8:30-12:00，14:30-18:00")
    for village in data.villages:
        if village in plan.no_station:
            continue
        if village.endswith("社区"):
            venue = "党群服务中心" if rng.random() < 0.8 else "综合文化服务中心"
        else:
            venue = rng.choices(("党群服务中心", "文化礼堂", "综合文化服务中心", "农家书屋"),
                                (50, 25, 15, 10))[0]
        unsigned = village in plan.unsigned
        sites.append({
            "name": f"{village}新时代文明实践站", "site_type": "实践站", "village": village,
            "venue": venue, "signboard": "否" if unsigned else "是",
            "area": rng.randrange(120, 420, 10), "functions": rng.choice(functions),
            "hours": rng.choice(hours), "keeper": people.adult_name(town),
            "phone": people.mobile(), "note": "标识牌制作中" if unsigned else None,
        })
    for extra in plan.extra_sites:
        sites.append({
            "name": extra.name, "site_type": extra.site_type, "village": extra.village,
            "venue": "其他", "signboard": "是", "area": extra.area, "functions": extra.functions,
            "hours": extra.hours, "keeper": people.adult_name(town), "phone": people.mobile(),
        })
    for seq, site in enumerate(sites, start=1):
        site["seq"] = seq
    data.sites = sites


def team_name(town: str, plan: TeamPlan) -> str:
    return plan.name or f"{town}{plan.category}志愿服务队"


def _politics(rng: random.Random, category: str, birth_year: int) -> str:
    if category == "党员":
        return "中共党员" if rng.random() < 0.92 else "中共预备党员"
    if birth_year >= 1994:
        return rng.choices(("共青团员", "中共党员", "中共预备党员", "群众"), (55, 15, 5, 25))[0]
    return rng.choices(("中共党员", "中共预备党员", "民主党派", "群众"), (30, 2, 2, 66))[0]


def _birth(rng: random.Random, category: str) -> date:
    if category == "青年":
        years = (1987, 2004)
    elif category == "教育体育":
        years = (1958, 2000)
    else:
        years = rng.choice(((1950, 1965), (1960, 1985), (1966, 1995), (1975, 2004)))
    return random_date(rng, date(years[0], 1, 1), date(years[1], 12, 31))


def build_roster(data: TownData, people: People, rng: random.Random,
                 shared: Sequence[Row] = ()) -> None:
    plan, town = data.plan, data.plan.name
    teams: list[Row] = []
    for seq, tp in enumerate(plan.teams, start=1):
        teams.append({
            "seq": seq, "name": team_name(town, tp), "category": tp.category, "level": tp.level,
            "village": tp.village, "founded": tp.founded, "registered": tp.registered,
        })
    data.teams = teams
    data.category_of_team = {t["name"]: t["category"] for t in teams}

    # how many volunteers per team: proportional to the planned sizes, summing exactly
    total = plan.volunteers - len(shared)
    weights = [tp.size for tp in plan.teams]
    counts = [total * w // sum(weights) for w in weights]
    for i in sorted(range(len(counts)), key=lambda i: -weights[i])[: total - sum(counts)]:
        counts[i] += 1

    community = [v for v in data.villages if v.endswith("社区")]
    volunteers: list[Row] = []
    for tp, team, count in zip(plan.teams, teams, counts, strict=True):
        for _ in range(count):
            birth = _birth(rng, tp.category)
            male = False if tp.category == "巾帼" else rng.random() < (0.5 if tp.category !=
                                                                        "应急救援" else 0.85)
            politics = _politics(rng, tp.category, birth.year)
            registered = "是" if rng.random() < (0.93 if "党员" in politics else 0.83) else "否"
            if tp.village:
                village: str | None = tp.village
            elif rng.random() < 0.04:
                village = None
            elif community and rng.random() < 0.5:
                village = rng.choice(community)
            else:
                village = rng.choice(data.villages)
            hours: float | None
            if registered == "是":
                hours = round(rng.uniform(4, 160) * 2) / 2
            else:
                hours = rng.choice((None, None, 2, 4, 6, 8))
            if hours is not None and hours == int(hours):
                hours = int(hours)
            skills = rng.choice(SKILLS[tp.category]) if rng.random() < 0.55 else None
            note = None
            if tp.category in NOTES and rng.random() < 0.15:
                note = rng.choice(NOTES[tp.category])
                if note == "退休教师" and birth.year > 1965:
                    note = "在职教师"
            volunteers.append({
                "name": people.name(town, male, birth.year), "gender": "男" if male else "女",
                "id_card": people.id_card(birth, male), "politics": politics,
                "phone": people.mobile(), "team": team["name"], "village": village,
                "registered": registered, "hours": hours, "skills": skills, "note": note,
            })
    for person in shared:
        category = person["_category"]
        own = next((t["name"] for t in teams if t["category"] == category), teams[0]["name"])
        people.names.setdefault(town, set()).add(person["name"])
        copy = {k: v for k, v in person.items() if not k.startswith("_") and k != "seq"}
        volunteers.append({**copy, "team": own, "village": None,
                           "note": f"同时在{plan.shared_from}{category}志愿服务队服务"})
    # roster order: by team as a clerk lists them, shared people after their team mates
    order = {t["name"]: i for i, t in enumerate(teams)}
    volunteers.sort(key=lambda v: order[v["team"]])
    for seq, person in enumerate(volunteers, start=1):
        person["seq"] = seq
    data.volunteers = volunteers

    # team leaders: a party member of working age in the team, if any
    for team in teams:
        members = [v for v in volunteers if v["team"] == team["name"]]
        best = [v for v in members if v["politics"] == "中共党员" and v["registered"] == "是"
                and 1962 <= int(v["id_card"][6:10]) <= 1992] or members
        leader = rng.choice(best)
        team["leader"], team["phone"] = leader["name"], leader["phone"]
        if team["registered"] == "否":
            team["note"] = "2022年4月新组建，正在办理注册"


def _place(data: TownData, spec: ActSpec, rng: random.Random,
           used: Counter[str]) -> tuple[str | None, str, str]:
    """(village or None, 活动地点, text for {p})."""
    town = data.plan.name
    if spec.at == "office":
        return None, f"{town}新时代文明实践所", f"{town}新时代文明实践所"
    if spec.at == "square":
        squares = [s for s in data.sites if s["site_type"] == "实践点"]
        if squares:
            site = squares[0]
            return site["village"], site["name"], site["name"].replace("新时代文明实践点", "")
    candidates = [v for v in data.stations if not spec.only or v.endswith(spec.only)]
    if not candidates:
        candidates = data.stations
    least = min(used[v] for v in candidates)
    village = rng.choice([v for v in candidates if used[v] <= least + 1])
    used[village] += 1
    return village, f"{village}新时代文明实践站", f"{village}新时代文明实践站"


def _activity(data: TownData, spec: ActSpec, rng: random.Random, used: Counter[str],
              held_on: date | None, status: str) -> Row:
    village, place, p = _place(data, spec, rng, used)
    v = village or f"{data.plan.name}新时代文明实践所"
    team = data.team_for(spec.team, village, rng)
    served = rng.randint(*spec.served)
    volunteers = max(4, min(40, served // rng.randint(5, 12) + rng.randint(2, 8)))
    fmt = {"v": v, "p": p, "t": data.plan.name, "s": short(data.plan.name), "n": served,
           "r": served // 10 * 10, "k": volunteers}
    summary = spec.summary
    if status != "已开展":  # nothing has been counted yet: drop the clauses with figures
        summary = re.sub(r"[，\n][^，。\n]*\{[nrk]\}[^，。\n]*", "", summary)
        summary = re.sub(r"。+", "。", summary).strip("\n")
    month = held_on.month if held_on else spec.when[0] if isinstance(spec.when, tuple) else 1
    if isinstance(spec.when, date) and rng.random() < 0.5:
        plan_time: Any = spec.when
    else:
        plan_time = f"{YEAR}年{month}月"
    row: Row = {
        "name": spec.name.format(**fmt), "category": spec.category,
        "theme_20th": "是" if spec.theme else "否", "demo": "是" if spec.demo else "否",
        "plan_time": plan_time, "held_on": held_on, "place": place, "team": team,
        "status": status, "summary": summary.format(**fmt), "_tag": spec.tag,
    }
    if status == "已开展":
        row["volunteers"], row["served"] = volunteers, served
    return row


def build_activities(data: TownData, rng: random.Random) -> None:
    plan = data.plan
    used: Counter[str] = Counter()
    rows: list[Row] = []
    recurring_used: set[tuple[str, str]] = set()
    for month, target in enumerate(plan.held_per_month, start=1):
        if target == 0:
            continue
        dated = [s for s in DATED if isinstance(s.when, date) and s.when.month == month]
        if not plan.all_dated:
            keep = max(1, min(len(dated), round(target * 0.55)))
            must = [s for s in dated if s.theme or s.demo][:1]
            rest = [s for s in dated if s not in must]
            dated = must + rng.sample(rest, max(0, keep - len(must)))
        chosen: list[tuple[ActSpec, date]] = [(s, s.when) for s in dated
                                              if isinstance(s.when, date)]
        pool = [s for s in RECURRING if isinstance(s.when, tuple) and month in s.when]
        categories = Counter(s.category for s, _ in chosen)
        while len(chosen) < target:
            # prefer categories that are rare this month, so all five show up
            rare = min(categories[c] for c in CATEGORIES)
            options = [s for s in pool if categories[s.category] <= rare + 1]
            spec = rng.choice(options)
            chosen.append((spec, month_day(rng, month, weekdays_only=True)))
            categories[spec.category] += 1
        for spec, day in chosen:
            row = _activity(data, spec, rng, used, day, "已开展")
            key = (row["name"], str(month))
            if key in recurring_used:  # same activity twice a month: pick another place
                row = _activity(data, spec, rng, used, day, "已开展")
            recurring_used.add((row["name"], str(month)))
            rows.append(row)
    for month, target in enumerate(plan.planned_per_month, start=7):
        specs = [s for s in PLANNED if isinstance(s.when, tuple) and month in s.when]
        if len(specs) > target:
            themed = [s for s in specs if s.theme][: min(1, target)]
            specs = themed + rng.sample([s for s in specs if s not in themed],
                                        target - len(themed))
        while len(specs) < target:
            specs.append(rng.choice([s for s in RECURRING if isinstance(s.when, tuple)
                                     and month in s.when and s not in specs]))
        for spec in specs:
            if isinstance(spec.when, tuple) and spec.when != (month,):
                spec = dataclasses.replace(spec, when=(month,))
            rows.append(_activity(data, spec, rng, used, None, "计划中"))
    for name, category, team_category, month, note in CANCELLED[: plan.cancelled]:
        spec = ActSpec(name, category, team_category, "", (month,), "", at="square")
        row = _activity(data, spec, rng, used, None, "已取消")
        row["summary"] = None
        row["note"] = note
        rows.append(row)
    rows.sort(key=lambda r: (r["held_on"] or _plan_day(r["plan_time"]), r["status"] != "已开展"))
    _photos(data, rows, rng)
    for seq, row in enumerate(rows, start=1):
        row["seq"] = seq
        row.pop("_tag", None)
    data.activities = rows


def _plan_day(value: Any) -> date:
    if isinstance(value, date):
        return value
    match = re.match(r"(\d{4})年(\d{1,2})月", str(value))
    assert match, value
    return date(int(match.group(1)), int(match.group(2)), 15)


def _photos(data: TownData, rows: list[Row], rng: random.Random) -> None:
    held = [r for r in rows if r["status"] == "已开展"]
    plain = [r for r in held if r["theme_20th"] == "否" and r["demo"] == "否"]
    without = {id(r) for r in rng.sample(plain, data.plan.no_photo)}
    for row in held:
        if id(row) in without:
            continue
        count = 2 if rng.random() < data.plan.two_photo_share else 1
        names = []
        for i in range(1, count + 1):
            base = f"{row['held_on']:%m%d}{row['_tag']}"
            name = f"{base}{i}.jpg"
            while name in data.photos:
                base += "_"
                name = f"{base}{i}.jpg"
            data.photos[name] = (row["held_on"], row["category"], i)
            names.append(name)
        row["photos"] = tuple(names)


def build_projects(data: TownData, rng: random.Random) -> None:
    plan, town = data.plan, data.plan.name
    rows: list[Row] = []
    leaders = {t["name"]: (t["leader"], t["phone"]) for t in data.teams}
    order = {"普惠性": 0, "特惠性": 1, "互惠性": 2}
    specs = sorted((PROJECTS_BY_KEY[k] for k in plan.projects), key=lambda s: order[s.type])
    for seq, spec in enumerate(specs, start=1):
        team = data.team_for(spec.team, None, rng)
        leader, phone = leaders[team]
        start = rng.choice((date(2022, 1, 1), date(2022, 2, 15), date(2022, 3, 1),
                            date(2022, 4, 1), date(2022, 5, 1)))
        if spec.key == "防汛":
            start, end = date(2022, 5, 1), date(2022, 10, 31)
        else:
            end = date(2022, 12, 31)
        rows.append({
            "seq": seq, "name": spec.name.format(s=short(town)), "type": spec.type,
            "field": spec.field, "target": spec.target, "team": team, "leader": leader,
            "phone": phone, "start": start, "end": end, "frequency": spec.frequency,
            "beneficiaries": rng.randrange(spec.beneficiaries[0], spec.beneficiaries[1], 5),
            "brand": "是" if spec.key in plan.brand else "否", "matching": spec.matching,
            "summary": spec.summary,
        })
    data.projects = rows


# ---------------------------------------------------------------- statistics and narratives


@dataclass
class Stats:
    """The figures a clerk quotes, computed from the rows (so the text matches the data)."""

    we: str
    whole: str
    secretary: str
    villages: int
    stations: list[str]
    missing: list[str]
    unsigned: list[str]
    venues: Counter[str]
    extra: list[Row]
    teams: list[Row]
    village_teams: list[Row]
    categories: list[str]
    missing_required: list[str]
    volunteers: int
    registered: int
    party: int
    avg_hours: float
    held: list[Row]
    served: int
    volunteer_times: int
    by_category: Counter[str]
    missing_months: list[int]
    theme_held: list[Row]
    theme_planned: list[Row]
    demo_held: list[Row]
    by_type: dict[str, list[Row]]
    brand: list[Row]
    matching: Counter[str]


def compute_stats(data: TownData, config: Config) -> Stats:
    town = data.plan.name
    street = town.endswith("街道")
    stations = [v for v in data.stations if v]
    held = [a for a in data.activities if a["status"] == "已开展"]
    volunteers = data.volunteers
    hours = [float(v["hours"]) for v in volunteers if v["hours"] is not None]
    categories = list(dict.fromkeys(t["category"] for t in data.teams))
    months = {a["held_on"].month for a in held}
    return Stats(
        we="我街道" if street else "我镇",
        whole="全街道" if street else "全镇",
        secretary="街道党工委书记" if street else "镇党委书记",
        villages=len(data.villages),
        stations=stations,
        missing=[v for v in data.villages if v not in stations],
        unsigned=[s["name"] for s in data.sites if s["signboard"] == "否"],
        venues=Counter(s["venue"] for s in data.sites if s["site_type"] == "实践站"),
        extra=[s for s in data.sites if s["site_type"] in ("实践基地", "实践点")],
        teams=data.teams,
        village_teams=[t for t in data.teams if t["level"] == "村级"],
        categories=categories,
        missing_required=[c for c in config.thresholds.required_team_categories
                          if c not in categories],
        volunteers=len(volunteers),
        registered=sum(v["registered"] == "是" for v in volunteers),
        party=sum(v["politics"] in ("中共党员", "中共预备党员") for v in volunteers),
        avg_hours=sum(hours) / len(volunteers),
        held=held,
        served=sum(a["served"] for a in held),
        volunteer_times=sum(a["volunteers"] for a in held),
        by_category=Counter(a["category"] for a in held),
        missing_months=[m for m in range(1, PERIOD_END.month + 1) if m not in months],
        theme_held=[a for a in held if a["theme_20th"] == "是"],
        theme_planned=[a for a in data.activities
                       if a["status"] == "计划中" and a["theme_20th"] == "是"],
        demo_held=[a for a in held if a["demo"] == "是"],
        by_type={t: [p for p in data.projects if p["type"] == t]
                 for t in ("普惠性", "特惠性", "互惠性")},
        brand=[p for p in data.projects if p["brand"] == "是"],
        matching=Counter(p["matching"] for p in data.projects),
    )


def narratives(data: TownData, s: Stats) -> dict[str, tuple[str, str]]:
    """code → (自评情况, 佐证材料)."""
    town = data.plan.name
    cov = pct(len(s.stations), s.villages)
    venue_text = "、".join(f"依托{venue}建站{n}个" for venue, n in s.venues.most_common())
    extra_text = join(e["name"] for e in s.extra)
    n_base = sum(e["site_type"] == "实践基地" for e in s.extra)
    n_point = sum(e["site_type"] == "实践点" for e in s.extra)
    sites_total = len(data.sites)
    signed = sites_total - len(s.unsigned)
    level_counts = Counter(t["level"] for t in s.teams)
    theme_names = quoted(a["name"] for a in s.theme_held[:3])
    demo_names = quoted(a["name"] for a in s.demo_held[:3])
    cat = s.by_category
    types = s.by_type
    emergency = [t for t in s.teams if t["category"] == "应急救援"]
    texts: dict[str, tuple[str, str]] = {}

    texts["1.1"] = (
        f"截至2022年6月30日，{s.whole}建成新时代文明实践所1个、新时代文明实践站{len(s.stations)}个，"
        f"{s.villages}个村（社区）中已建站{len(s.stations)}个，覆盖率{cov}。"
        + (f"{join(s.missing)}实践站正在选址筹建。" if s.missing else "实现村（社区）全覆盖。"),
        "阵地台账、挂牌照片",
    )
    texts["1.2"] = (
        "坚持整合利用、不搞重复建设，实践站统一依托村（社区）现有阵地建设，其中"
        f"{venue_text}。各站普遍设置理论宣讲室、志愿服务室和文体活动场地。",
        "阵地台账、阵地照片",
    )
    extension = []
    if n_base:
        extension.append(f"实践基地{n_base}个")
    if n_point:
        extension.append(f"实践点{n_point}个")
    texts["1.3"] = (
        f"依托产业基地、文化广场等群众聚集的场所延伸设立{join(extension)}（{extra_text}），"
        "把文明实践阵地延伸到田间地头和群众身边。",
        "基地（点）授牌文件、照片",
    )
    texts["1.4"] = (
        "统筹辖区学校、卫生院、文化广场、农家书屋等资源，与驻地单位签订共建协议，"
        "推动场地、设备错时开放、共建共享，做到“一室多用、一场多能”。",
        "共建协议、资源清单",
    )
    texts["1.5"] = (
        f"所、站按照有场所、有牌子、有制度、有人员的要求规范建设，{sites_total}个阵地均明确管理员、"
        f"公示开放时间，已挂牌{signed}个"
        + (f"，{join(s.unsigned)}标识牌正在制作。" if s.unsigned else "，全部规范挂牌。"),
        "管理制度、开放时间公示照片、管理员名单",
    )
    texts["1.6"] = (
        "实践站设在村（社区）党群服务中心等群众常去的地方，实行错时开放、节假日照常开放。"
        f"上半年各阵地开展活动{len(s.held)}场，服务群众{s.served}人次。",
        "活动台账、图片资料",
    )
    texts["2.1"] = (
        f"成立{town}新时代文明实践志愿服务大队，由{s.secretary}任大队长，统筹调度{len(s.teams)}支"
        "志愿服务队，实行“所派单、站接单、志愿者服务”的运行方式；每季度组织一次志愿者业务培训。",
        "志愿服务大队成立文件、培训签到表",
    )
    team_sentence = (
        f"组建{join(s.categories[:6])}等志愿服务队{len(s.teams)}支，其中镇级{level_counts['镇级']}支、"
        f"村级{level_counts['村级']}支"
    )
    if s.missing_required:
        team_sentence += f"；“8+N”队伍中{join(s.missing_required)}志愿服务队尚未组建。"
    else:
        size = sum(v["team"] == emergency[0]["name"] for v in data.volunteers) if emergency else 0
        team_sentence += (f"，“8+N”队伍全部建成，应急救援志愿服务队有队员{size}人，"
                          "参与防汛、疫情防控等应急任务。")
    texts["2.2"] = (team_sentence, "队伍花名册、队伍组建文件")
    texts["2.3"] = (
        "引导辖区爱心企业、个体工商户和志愿者协会参与文明实践，联合开展助老、助残、助学等服务，"
        "为“微心愿”“爱心超市”等项目捐赠物资。",
        "合作协议、活动照片",
    )
    village_names = join(t["village"] for t in s.village_teams)
    texts["2.4"] = (
        f"在{village_names}组建村级志愿服务队{len(s.village_teams)}支；镇级队伍实行包联村（社区）"
        "制度，定期下沉开展政策宣讲、义诊、普法等服务。",
        "志愿服务队伍花名册、活动台账",
    )
    texts["2.5"] = (
        f"{s.whole}登记志愿者{s.volunteers}人，其中在全国志愿服务信息系统注册{s.registered}人，"
        f"占{pct(s.registered, s.volunteers)}；党员志愿者{s.party}人。推行志愿服务时长记录，"
        f"人均服务时长{s.avg_hours:.1f}小时，引导群众从“旁观者”变为“参与者”。",
        "志愿者花名册、注册信息截图",
    )
    texts["3.1"] = (
        f"围绕喜迎党的二十大胜利召开，上半年开展{theme_names}等主题活动{len(s.theme_held)}场，"
        f"下半年计划开展{len(s.theme_planned)}场。",
        "活动方案、图片资料",
    )
    months_text = ("1—6月每月均有活动开展" if not s.missing_months
                   else join(f"{m}月" for m in s.missing_months) + "未开展活动")
    texts["3.2"] = (
        f"常态化开展五类文明实践活动，上半年开展活动{len(s.held)}场，其中学习实践科学理论{cat[THEORY]}场、"
        f"宣传宣讲党的政策{cat[POLICY]}场、培育践行主流价值{cat[VALUES]}场、丰富活跃文化生活"
        f"{cat[CULTURE]}场、持续深入移风易俗{cat[CUSTOMS]}场，{months_text}。",
        "活动计划一览表、活动台账",
    )
    texts["3.3"] = (
        f"结合“学雷锋”志愿服务月和传统节日，组织开展{demo_names}等集中性示范活动"
        f"{len(s.demo_held)}场，服务群众{sum(a['served'] for a in s.demo_held)}人次。",
        "活动方案、图片资料",
    )
    texts["3.4"] = (
        "把理论宣讲融入文艺演出、义诊、普法等群众喜闻乐见的活动，推动“宣讲+服务”“文化+志愿”"
        f"融合开展；上半年志愿者参与活动{s.volunteer_times}人次，活动开展后建立活动台账。",
        "活动台账、图片资料",
    )
    texts["4.1"] = (
        f"立足群众生产生活实际，推出{quoted(p['name'] for p in types['普惠性'])}等普惠性项目"
        f"{len(types['普惠性'])}个，受益群众{sum(p['beneficiaries'] for p in types['普惠性'])}人。",
        "志愿服务项目表、项目方案",
    )
    fields = join(dict.fromkeys(p["field"] for p in types["特惠性"]))
    texts["4.2"] = (
        f"聚焦{fields}等群众急难愁盼，推出{quoted(p['name'] for p in types['特惠性'])}等特惠性项目"
        f"{len(types['特惠性'])}个，受益{sum(p['beneficiaries'] for p in types['特惠性'])}人。",
        "志愿服务项目表、服务台账",
    )
    texts["4.3"] = (
        f"着眼互帮互助、邻里守望，推出{quoted(p['name'] for p in types['互惠性'])}等互惠性项目"
        f"{len(types['互惠性'])}个，让群众在互助中既是服务者也是受益者。",
        "志愿服务项目表、项目方案",
    )
    texts["4.4"] = (
        "推行“群众点单、所站派单、志愿者接单、群众评单”模式，通过入户走访、议事会收集群众需求，"
        f"{s.matching['群众点单']}个项目采取群众点单方式对接，{s.matching['定期服务']}个项目定期上门服务。",
        "需求清单、服务清单、派单记录",
    )
    if s.brand:
        brand_text = (f"{quoted(p['name'] for p in s.brand)}等项目群众认可度高、持续时间长，"
                      f"确定为{s.whole}品牌项目，形成了服务标准和工作流程。")
    else:
        brand_text = "现有服务项目以常规服务为主，群众有一定认可度，尚未培育形成叫得响的品牌项目。"
    texts["4.5"] = (brand_text, "志愿服务项目表、宣传报道")
    office = "街道各办（站、所）" if town.endswith("街道") else "镇属各站所"
    texts["5.1"] = (
        f"成立由{s.secretary}任组长的新时代文明实践工作领导小组，{office}和驻地单位共同参与，"
        "每季度召开一次工作推进会，研究解决阵地建设、队伍管理等问题。",
        "领导小组文件、会议记录",
    )
    texts["5.2"] = (
        "将文明实践工作经费纳入年度预算，整合党建、文化、民政等项目资金；把文明实践工作纳入"
        "村（社区）年度目标责任考核，每季度督导通报。",
        "经费预算、考核办法、督导通报",
    )
    texts["5.3"] = (
        f"建立“中心—所—站”三级贯通机制，所长由{s.secretary}担任，站长由村（社区）党组织书记担任，"
        f"{len(s.stations)}个实践站按照县中心、实践所统一安排开展活动，做到上下联动、一体运行。",
        "三级组织架构图、工作台账",
    )
    texts["5.4"] = (
        "推行文明积分管理，群众参加志愿服务、人居环境整治等可积分兑换生活用品；开展“最美家庭”"
        "“好婆婆”“好媳妇”评选，选树身边典型，引导群众积极投身文明实践。",
        "积分管理办法、评选表彰名单",
    )
    return texts


def build_profile(data: TownData, config: Config, people: People) -> None:
    plan, town = data.plan, data.plan.name
    data.info = {
        "unit_name": town, "unit_type": "街道" if town.endswith("街道") else "镇",
        "head": plan.head or people.adult_name(town), "contact": plan.contact
        or people.adult_name(town), "phone": plan.phone, "village_total": len(data.villages),
        "signature": plan.signature, "report_date": REPORT_DATE,
    }
    s = compute_stats(data, config)
    texts = narratives(data, s)
    rows: list[Row] = []
    for item in config.items:
        narrative, evidence = texts[item.code]
        gap = plan.gaps.get(item.code)
        rows.append({
            "code": item.code, "dimension": item.dimension, "content": item.content,
            "narrative": narrative, "evidence": evidence,
            "conclusion": gap.conclusion if gap else "达标",
            "problems": gap.problems if gap else None,
            "measures": gap.measures if gap else None,
            "deadline": gap.deadline if gap else None,
        })
    data.assessments = rows
    data.summary = build_summary(data, s)


def build_summary(data: TownData, s: Stats) -> Row:
    plan = data.plan
    types = s.by_type
    practices = (
        f"今年以来，{s.we}坚持以习近平新时代中国特色社会主义思想为指导，按照县新时代文明实践中心"
        "工作安排，对照“五有”标准推进实践所、站建设。一是建强阵地，建成实践所1个、实践站"
        f"{len(s.stations)}个，覆盖率{pct(len(s.stations), s.villages)}；二是建强队伍，组建志愿服务队"
        f"{len(s.teams)}支，登记志愿者{s.volunteers}人；三是常态化开展活动，上半年开展活动"
        f"{len(s.held)}场，服务群众{s.served}人次；四是培育服务项目{len(data.projects)}个，其中普惠性"
        f"{len(types['普惠性'])}个、特惠性{len(types['特惠性'])}个、互惠性{len(types['互惠性'])}个。"
    )
    highlights = [
        f"围绕喜迎党的二十大开展{quoted(a['name'] for a in s.theme_held[:2])}等主题活动"
        f"{len(s.theme_held)}场",
        f"组织{quoted(a['name'] for a in s.demo_held[:2])}等集中性示范活动{len(s.demo_held)}场",
    ]
    if s.brand:
        highlights.insert(0, f"{quoted(p['name'] for p in s.brand)}品牌项目持续运行，受益群众"
                             f"{sum(p['beneficiaries'] for p in s.brand)}人，群众口碑好")
    numbers = "一二三四五"
    highlight_text = "；".join(f"{numbers[i]}是{h}" for i, h in enumerate(highlights)) + "。"
    problems = [g.problems.rstrip("。") for g in plan.gaps.values()]
    if not problems:
        problems = ["部分志愿者参与活动不够经常，志愿服务时长分布不均",
                    "活动形式还不够丰富，对年轻群体的吸引力有待提升"]
    problem_text = "；".join(f"{numbers[i]}是{p}" for i, p in enumerate(problems)) + "。"
    plans = [g.measures.rstrip("。") for g in plan.gaps.values()]
    if not plans:
        plans = ["推动实践站提档升级，完善功能布局，提高阵地使用效率",
                 "加强志愿者培训和激励，推行星级志愿者评定，提升志愿服务的经常性"]
    plans.append("围绕学习宣传贯彻党的二十大精神，组织开展系列宣讲和主题活动，推动文明实践常态长效")
    plan_text = f"下一步，{s.we}将对照“五有”标准持续抓好整改提升：" + "；".join(
        f"{numbers[i]}是{p}" for i, p in enumerate(plans)) + "。"
    return {"practices": practices, "highlights": highlight_text, "problems": problem_text,
            "plans": plan_text}


# ---------------------------------------------------------------- photos


PALETTES = (
    ((158, 197, 232), (126, 150, 98)),
    ((176, 206, 235), (150, 150, 140)),
    ((205, 220, 236), (110, 140, 90)),
    ((150, 185, 225), (168, 160, 140)),
)


def draw_photo(path: Path, when: date, category: str, variant: int) -> None:
    """A 640×480 JPEG: a simple scene for the activity kind, the date stamped in the corner."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = random.Random(f"{SEED}-{path.parent.parent.name}-{path.name}")
    indoor = category in (THEORY, POLICY) and rng.random() < 0.6
    if indoor:
        img = Image.new("RGB", (640, 480), (232, 226, 210))
        d = ImageDraw.Draw(img)
        d.rectangle((0, 330, 640, 480), fill=(170, 130, 95))
        d.rectangle((150, 60, 490, 220), fill=(60, 90, 150))  # screen
        d.rectangle((110, 20, 530, 50), fill=(190, 30, 35))  # banner
        d.ellipse((305, 200, 335, 230), fill=(35, 30, 28))  # speaker
        d.rectangle((298, 230, 342, 262), fill=(40, 50, 80))
        d.rectangle((285, 255, 355, 330), fill=(120, 80, 50))  # lectern
        for row in range(3):
            for i in range(8):
                x = 40 + i * 75 + rng.randint(-6, 6) + (row % 2) * 20
                y = 300 + row * 55
                d.ellipse((x, y, x + 26, y + 26), fill=(35, 30, 28))
                d.rectangle((x - 6, y + 26, x + 32, y + 60), fill=rng.choice(
                    ((70, 80, 110), (150, 60, 60), (90, 90, 90), (200, 200, 205))))
    else:
        sky, ground = PALETTES[(variant + rng.randint(0, 3)) % len(PALETTES)]
        img = Image.new("RGB", (640, 480), sky)
        d = ImageDraw.Draw(img)
        d.ellipse((520, 30, 580, 90), fill=(250, 230, 150))
        for x in range(0, 640, 160):  # hills
            d.polygon([(x - 40, 250), (x + 80, 150 + rng.randint(0, 40)), (x + 200, 250)],
                      fill=(100, 140, 110))
        d.rectangle((0, 250, 640, 480), fill=ground)
        bx = rng.randint(40, 260)
        d.rectangle((bx, 140, bx + 300, 300), fill=(225, 215, 195))
        d.polygon([(bx - 20, 140), (bx + 150, 80), (bx + 320, 140)], fill=(150, 60, 50))
        d.rectangle((bx + 30, 160, bx + 270, 190), fill=(200, 30, 35))  # banner
        for i in range(4):
            d.rectangle((bx + 30 + i * 65, 210, bx + 70 + i * 65, 250), fill=(120, 150, 180))
        if category == CULTURE:  # stage
            d.rectangle((60, 310, 580, 350), fill=(160, 40, 40))
        else:  # volunteer tent
            tx = rng.choice((20, 400))
            d.polygon([(tx, 300), (tx + 110, 260), (tx + 220, 300)], fill=(220, 60, 50))
            d.rectangle((tx + 10, 300, tx + 210, 330), fill=(240, 240, 240))
        for _ in range(rng.randint(7, 12)):
            x, y = rng.randint(20, 600), rng.randint(340, 400)
            vest = rng.random() < 0.5
            d.ellipse((x, y, x + 20, y + 20), fill=(40, 32, 28))
            d.rectangle((x - 5, y + 20, x + 25, y + 62),
                        fill=(215, 40, 40) if vest else rng.choice(
                            ((60, 70, 100), (230, 230, 230), (90, 120, 80))))
    img = img.filter(ImageFilter.GaussianBlur(0.8))  # a softer, camera-like (and smaller) image
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=22)
    d.text((470, 446), when.strftime("%Y-%m-%d"), fill=(255, 150, 20), font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=55, optimize=True)


# ---------------------------------------------------------------- writing


def pin_timestamps(path: Path, when: tuple[int, int, int, int, int, int] = ZIP_TIME) -> None:
    """Rewrite an .xlsx with fixed zip timestamps and document dates (byte-identical re-runs)."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    stamp = f"{when[0]:04d}-{when[1]:02d}-{when[2]:02d}T09:00:00Z".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in parts:
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp,
                                 content)
            pinned = zipfile.ZipInfo(info.filename, date_time=when)
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = info.external_attr
            target.writestr(pinned, content)


def write_town(data: TownData, out: Path, config: Config) -> None:
    town = data.plan.name
    folder = out / town
    if folder.exists():
        shutil.rmtree(folder)
    setup = dataclasses.replace(unit_setup(config, town),
                                teams=tuple(t["name"] for t in data.teams))
    books = (
        (PROFILE, {"基本情况": [data.info], "阵地": data.sites, "自评": data.assessments,
                   "小结": [data.summary]}),
        (ROSTER, {"队伍": data.teams, "队员": data.volunteers}),
        (ACTIVITIES, {"活动": data.activities}),
        (PROJECTS, {"项目": data.projects}),
    )
    for spec, rows in books:
        path = folder / spec.file_name
        write_workbook(path, spec, setup, config, rows=rows)
        pin_timestamps(path)
    for name, (when, category, variant) in sorted(data.photos.items()):
        draw_photo(folder / PHOTO_DIR / name, when, category, variant)


def build_town(plan: TownPlan, config: Config, people: People,
               shared: Sequence[Row] = ()) -> TownData:
    town = config.town(plan.name)
    assert town is not None, plan.name
    rng = random.Random(f"{SEED}-{plan.name}")
    data = TownData(plan, tuple(town.villages))
    build_sites(data, people, rng)
    build_roster(data, people, rng, shared)
    build_activities(data, rng)
    build_projects(data, rng)
    build_profile(data, config, people)
    check_plan(data, config)
    return data


def check_plan(data: TownData, config: Config) -> None:
    """The generated data has exactly the planned gaps (fails loudly when a change breaks one)."""
    plan = data.plan
    s = compute_stats(data, config)
    assert s.missing == list(plan.no_station), (plan.name, s.missing)
    assert s.unsigned == [f"{v}新时代文明实践站" for v in plan.unsigned], s.unsigned
    assert set(s.by_category) == set(CATEGORIES), (plan.name, s.by_category)
    expected_months = [m for m, n in enumerate(plan.held_per_month, start=1) if n == 0]
    assert s.missing_months == expected_months, (plan.name, s.missing_months)
    assert s.theme_held and s.demo_held, plan.name
    assert all(s.by_type.values()), plan.name
    assert len(s.brand) == len(plan.brand), plan.name
    assert s.village_teams, plan.name
    assert s.registered / s.volunteers >= config.thresholds.min_registered_share, plan.name
    held = [a for a in data.activities if a["status"] == "已开展"]
    assert sum(not a.get("photos") for a in held) == plan.no_photo, plan.name
    ids = [v["id_card"] for v in data.volunteers]
    assert len(ids) == len(set(ids)), plan.name
    for person in data.volunteers:
        assert (person["gender"] == "男") == (int(person["id_card"][16]) % 2 == 1)


def describe(data: TownData, config: Config) -> str:
    """A short summary of the generated figures (printed after writing)."""
    s = compute_stats(data, config)
    acts = data.activities
    lines = [
        f"{data.plan.name}: 阵地 {dict(Counter(x['site_type'] for x in data.sites))}, "
        f"站 {len(s.stations)}/{s.villages}, 缺 {join(s.missing) or '无'}, 未挂牌 {len(s.unsigned)}",
        f"  队伍 {len(s.teams)} {dict(Counter(t['level'] for t in s.teams))}, "
        f"类别 {join(s.categories)}; 缺 {join(s.missing_required) or '无'}",
        f"  志愿者 {s.volunteers}, 注册 {s.registered} ({pct(s.registered, s.volunteers)}), "
        f"党员 {s.party}, 性别 {dict(Counter(v['gender'] for v in data.volunteers))}, "
        f"政治面貌 {dict(Counter(v['politics'] for v in data.volunteers))}",
        f"  活动 {len(acts)} {dict(Counter(a['status'] for a in acts))}; 已开展按类别 "
        f"{dict(s.by_category)}; 按月 "
        f"{dict(sorted(Counter(a['held_on'].month for a in s.held).items()))}; 计划中按月 "
        f"{dict(sorted(Counter(_plan_day(a['plan_time']).month for a in acts if a['status'] == '计划中').items()))}",
        f"  喜迎二十大 已开展 {len(s.theme_held)} 计划 {len(s.theme_planned)}; 示范 "
        f"{sum(a['demo'] == '是' for a in acts)} (已开展 {len(s.demo_held)}); 无图片已开展 "
        f"{sum(not a.get('photos') for a in s.held)}; 图片文件 {len(data.photos)}",
        f"  项目 {len(data.projects)} { {t: len(v) for t, v in s.by_type.items()} }, 品牌 "
        f"{quoted(p['name'] for p in s.brand) or '无'}; 服务群众 {s.served} 人次",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    config, _ = load_config()
    people = People(random.Random(SEED))
    built: dict[str, TownData] = {}
    for plan in PLANS:
        shared: list[Row] = []
        if plan.shared_from:
            source = built[plan.shared_from]
            pick = random.Random(f"{SEED}-shared").sample(
                [v for v in source.volunteers if v["team"] in {
                    t["name"] for t in source.teams if t["category"] in ("卫生健康", "文化艺术")}],
                plan.shared)
            shared = [{**p, "_category": source.category_of_team[p["team"]]} for p in pick]
        built[plan.name] = build_town(plan, config, people, shared)
    for data in built.values():
        write_town(data, args.out, config)
        print(describe(data, config))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
