"""Charts for the 半年小结 and the county summary (matplotlib, Agg backend, PNG).

A chart needs a font with Chinese glyphs; when none is found on the system the chart is left
out (the caller warns) — never rendered as boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

CJK_FONTS = (
    "SimHei", "Microsoft YaHei", "DengXian", "SimSun", "FangSong", "KaiTi", "PingFang SC",
    "Source Han Sans SC", "Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Droid Sans Fallback", "Noto Sans CJK JP", "Noto Serif CJK JP",
)
"""Font families with Chinese glyphs, in order of preference (Windows first). matplotlib reads
only the first face of a .ttc collection, which for Debian's fonts-noto-cjk is the JP one; it
has every ideograph the charts need (seen on this machine: 'Noto Sans CJK JP' only)."""


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed font family of `CJK_FONTS`, or None.

    matplotlib lists fonts from a cache built on its first run, so a Chinese font installed
    after that is not in it (issue 11: the chart was dropped with “系统中没有找到中文字体”). When
    the cache has none, the system font folders are scanned once and the fonts found are added
    to this process's font list (`FontManager.addfont`) — no cache file is rewritten.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    found = _preferred({f.name for f in manager.ttflist})
    if found is None:
        known = {f.fname for f in manager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # a font file FreeType cannot read
                    continue
        found = _preferred({f.name for f in manager.ttflist})
    return found


def _preferred(installed: set[str]) -> str | None:
    return next((name for name in CJK_FONTS if name in installed), None)


def activity_chart(target: Path, months: Sequence[tuple[str, int]],
                   categories: Sequence[tuple[str, int]], title: str) -> Path | None:
    """Bar charts of activities per month (left) and per category (right) into ``target``.

    Args:
        months: (label like '1月', count) in order; categories: (name, count).
    Returns:
        ``target``, or None when no CJK font is installed (nothing written).
    """
    font = cjk_font()
    if font is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    with plt.rc_context({"font.family": font, "axes.unicode_minus": False, "font.size": 10}):
        fig, (left, right) = plt.subplots(1, 2, figsize=(6.3, 2.8), dpi=200,
                                          gridspec_kw={"width_ratios": [1, 1.25]})
        try:
            labels = [m for m, _ in months]
            left.bar(labels, [c for _, c in months], color="#C00000")
            left.set_title("各月开展活动（场）", fontsize=10)
            left.yaxis.set_major_locator(MaxNLocator(integer=True))
            for side in ("top", "right"):
                left.spines[side].set_visible(False)
            names = [n for n, _ in categories][::-1]
            right.barh(names, [c for _, c in categories][::-1], color="#1F4E79")
            right.set_title("各类活动（场）", fontsize=10)
            right.xaxis.set_major_locator(MaxNLocator(integer=True))
            for side in ("top", "right"):
                right.spines[side].set_visible(False)
            fig.suptitle(title, fontsize=11)
            fig.tight_layout()
            fig.savefig(target, format="png")
        finally:
            plt.close(fig)
    return target
