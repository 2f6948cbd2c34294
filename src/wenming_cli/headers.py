"""Header rows (DESIGN.md §3): which sheet model a row of headers belongs to, and how surely.

Every model's header texts and synonyms are keys (`header_key`: no spaces of any width, full-width
brackets, no （必填） or ``*``/``※``, an annotation such as 性别（男/女） dropped); a key found in one
model weighs 3 as evidence, in two 1, in more 0.5, and 序号/备注/编号 almost nothing
(`GENERIC_HEADERS`). `table_match` finds the best header row of a table model among a sheet's
first rows, `match_model` also finds a form model's 项目 column wherever it is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .cells import clean_text, normalise_key
from .schema import WORKBOOKS, SheetRow

HEADER_SEARCH_ROWS = 30
"""The header row is looked for in the first 30 rows (title and note lines may sit above it)."""
DEEP_HEADER_ROWS = 300
"""Further down than `HEADER_SEARCH_ROWS`, a header is only looked for to say where it is."""
FORM_SEARCH_ROWS = 60
FORM_SEARCH_COLUMNS = 8

_EDGE_MARKS = re.compile(r"^[*＊※]+|(（必填）|\(必填\)|[*＊※])+$")


def header_key(text: object) -> str:
    """Normalised header: no spaces (any width), full-width brackets, no （必填） and no leading or
    trailing ``*``/``＊``/``※``."""
    if type(text) is str:
        return _header_key(text) if len(text) <= MAX_HEADER_LENGTH else text
    return _EDGE_MARKS.sub("", normalise_key(clean_text(text)))


MAX_HEADER_LENGTH = 40
"""Longer cell texts are never headers (the longest, 是否在全国志愿服务信息系统注册（必填）, has 21)."""


@lru_cache(maxsize=4096)
def _header_key(text: str) -> str:
    # the header search looks at the first 30 rows of every sheet for every model: the same
    # texts over and over (205,000 calls for the benchmark county, 1.2 s uncached)
    key = _base_key(text)
    if key not in _known_keys():
        bare = _HEADER_NOTE.sub("", key)  # 性别（男/女）, 公民身份号码(18位), 是否注册(是/否)
        if bare != key and bare in _known_keys():
            return bare
    return key


def _base_key(text: object) -> str:
    return _EDGE_MARKS.sub("", normalise_key(clean_text(text)))


_HEADER_NOTE = re.compile(r"（[^（）]*）$")


@cache
def _known_keys() -> frozenset[str]:
    return frozenset(key for index in all_indexes().values() for key in index.fields)


GENERIC_HEADERS = frozenset({"序号", "备注", "编号"})
"""Headers every table has: they say nothing about which table it is."""
MIN_TABLE_SCORE = 3.0
"""A header row must score at least this (e.g. one distinctive header and two shared ones)."""
CLEAR_MARGIN = 1.5
"""The best model must score this many times the next different one to be taken."""
NAME_BONUS = 3.0
"""Evidence from a sheet named like the model (队员, 队员（二）) or a file named like the kind."""


@dataclass(frozen=True)
class _Index:
    """A model's header keys: key → field, and each key's weight as evidence."""

    fields: dict[str, str]
    weights: dict[str, float]
    extra: dict[str, float]
    """Headers that are not columns of the model but point to it (志愿者编号 → 队员)."""


@cache
def all_indexes() -> dict[type[SheetRow], _Index]:
    """`_Index` of every model: a key found in one model weighs 3, in two 1, in more 0.5;
    `GENERIC_HEADERS` 0.2."""
    keys: dict[type[SheetRow], dict[str, str]] = {}
    for spec in WORKBOOKS:
        for model in spec.sheets:
            found: dict[str, str] = {}
            for name, col in model.columns():
                for text in (col.header, *col.synonyms):
                    found.setdefault(_base_key(text), name)
            keys[model] = found
    share = Counter(key for found in keys.values() for key in found)
    out: dict[type[SheetRow], _Index] = {}
    for model, found in keys.items():
        weights = {key: 0.2 if key in GENERIC_HEADERS else
                   3.0 if share[key] == 1 else 1.0 if share[key] == 2 else 0.5 for key in found}
        extra = {_base_key(text): 3.0 for text in model.implied_by_headers()}
        out[model] = _Index(found, weights, extra)
    return out


@dataclass
class Match:
    """How well one sheet matches one model."""

    model: type[SheetRow]
    score: float
    header: int = -1
    """0-based header row (tables); for forms the 0-based label column."""
    columns: dict[str, int] = field(default_factory=dict)
    decided: tuple[str, ...] = ()
    """The header texts that matched, most telling first (for messages)."""
    extra: tuple[str, ...] = ()


def header_keys(rows: list[list[object]], limit: int) -> list[list[str]]:
    """`header_key` of every short text cell of the first ``limit`` rows ('' elsewhere): what
    the header search of every model looks at, computed once per sheet."""
    return [[_header_key(v) if type(v) is str and v and len(v) <= MAX_HEADER_LENGTH else ""
             for v in row] for row in rows[:limit]]


def table_match(keys: list[list[str]], model: type[SheetRow]) -> Match:
    """The best header row of ``model`` among the rows of ``keys`` (`header_keys`)."""
    index = all_indexes()[model]
    fields, weights, extras = index.fields, index.weights, index.extra
    best = Match(model, 0.0)
    for r, row in enumerate(keys):
        found: dict[str, int] = {}
        texts: list[tuple[float, str]] = []
        extra: list[str] = []
        score = 0.0
        for c, key in enumerate(row):
            if not key:
                continue
            name = fields.get(key)
            if name is not None and name not in found:
                found[name] = c
                weight = weights[key]
                score += weight
                texts.append((weight, key))
            elif key in extras:
                score += extras[key]
                extra.append(key)
        if len(found) >= 2 and score > best.score:
            decided = tuple(text for _, text in sorted(texts, key=lambda t: -t[0]))
            best = Match(model, score, r, found, decided, tuple(extra))
    return best


def _form_match(keys: list[list[str]], model: type[SheetRow]) -> Match:
    """The column holding most of ``model``'s 项目 labels (the 项目 | 内容 pair may sit anywhere:
    behind an index column written by pandas, after an extra column, under a title)."""
    fields = all_indexes()[model].fields
    per_column: dict[int, dict[str, int]] = {}
    for r, row in enumerate(keys[:FORM_SEARCH_ROWS]):
        for c, key in enumerate(row[:FORM_SEARCH_COLUMNS]):
            name = fields.get(key) if key else None
            if name is not None:
                per_column.setdefault(c, {}).setdefault(name, r)
    if not per_column:
        return Match(model, 0.0)
    column, found = max(per_column.items(), key=lambda item: (len(item[1]), -item[0]))
    if len(found) < 2:
        return Match(model, 0.0)
    decided = tuple(model.column(name).header for name in found)
    return Match(model, 2.0 * len(found), column, found, decided)


def match_model(keys: list[list[str]], model: type[SheetRow]) -> Match:
    if model.layout == "form":
        return _form_match(keys, model)
    return table_match(keys[:HEADER_SEARCH_ROWS], model)



__all__ = ["CLEAR_MARGIN", "DEEP_HEADER_ROWS", "FORM_SEARCH_ROWS", "GENERIC_HEADERS",
           "HEADER_SEARCH_ROWS", "MIN_TABLE_SCORE", "Match", "NAME_BONUS", "all_indexes",
           "header_key", "header_keys", "match_model", "table_match"]
