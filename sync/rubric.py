"""Rubrics and the scoring of one inspection (domain.md, "Default rubric")."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

from .states import GROUP_SUBJECT

EACH, ONCE, VETO = "each", "once", "veto"
KINDS = (EACH, ONCE, VETO)
# The maxima of a rubric add up to this; no criterion and no deduction is worth more.
TOTAL = 100
KEY_MAX = 40      # characters of a criterion or item key
LABEL_MAX = 200   # characters of a label
# Keys name criteria and items in pushed inspections, exports and "<criterion>.<item>".
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")


def _item(key, points, kind, label_zh, label_en):
    return {"key": key, "points": points, "kind": kind, "label_zh": label_zh,
            "label_en": label_en, "photo_required": True}


def _criterion(key, max_points, label_zh, label_en, items):
    return {"key": key, "max": max_points, "label_zh": label_zh, "label_en": label_en,
            "items": items}


# Version 1 as published in domain.md. Treat it as read-only: a server that wants to
# change it stores a new rubric version instead (copy.deepcopy before editing).
DEFAULT_RUBRIC = {
    "version": 1,
    "subject": GROUP_SUBJECT,
    "criteria": [
        _criterion("cleaning", 10, "保洁机制", "Cleaning mechanism", [
            _item("no_cleaner", 4, ONCE, "无专职保洁员", "No paid, equipped cleaner"),
            _item("rules_not_posted", 3, ONCE, "保洁制度和村规民约未上墙",
                  "Duties and village rules not posted"),
            _item("no_self_check", 3, ONCE, "未张贴村民小组每月自查记录",
                  "No monthly group self-check posted"),
        ]),
        _criterion("collection", 12, "垃圾收集", "Garbage collection", [
            _item("litter", 1, EACH, "公共区域有垃圾点", "Litter spot in a public area"),
            _item("bins", 1, EACH, "垃圾桶破损、未加盖或满溢",
                  "Bin broken, uncovered or overflowing"),
            _item("open_burning", 0, VETO, "露天焚烧垃圾", "Garbage burnt in the open"),
        ]),
        _criterion("transfer", 8, "转运设施管理", "Transfer facilities", [
            _item("point_dirty", 2, EACH, "垃圾收集点未封闭或脏乱",
                  "Collection point not enclosed or dirty"),
            _item("not_cleared", 3, ONCE, "未按时清运、无清运记录",
                  "Not cleared on schedule, no record"),
            _item("equipment_broken", 1, EACH, "转运设备损坏", "Transfer equipment broken"),
        ]),
        _criterion("treatment", 10, "生活垃圾无害化处理", "Harmless waste treatment", [
            _item("dump_site", 3, EACH, "存在非正规垃圾堆放点", "Informal dump site"),
            _item("no_sorting", 2, ONCE, "未开展垃圾分类或堆肥", "No sorting or composting"),
            _item("hazardous_mixed", 2, ONCE, "有害垃圾未单独分类",
                  "Hazardous waste not separated"),
        ]),
        _criterion("toilets", 12, "卫生户厕", "Sanitary household toilets", [
            _item("coverage_low", 4, ONCE, "卫生户厕普及率低于70%",
                  "Sanitary toilets below 70 % of households"),
            _item("toilet_broken", 2, EACH, "抽查户厕无法正常使用（抽查5户）",
                  "Sampled toilet not working (sample 5 households)"),
            _item("open_pit", 3, EACH, "粪坑露天敞口", "Open manure pit"),
        ]),
        _criterion("roads", 10, "村庄道路", "Village roads", [
            _item("road_damaged", 1, EACH, "硬化道路破损、坑洼",
                  "Hardened road damaged or potholed"),
            _item("road_dirty", 1, EACH, "路面积水、泥泞或有杂物",
                  "Standing water, mud or debris on the road"),
            _item("road_blocked", 1, EACH, "道路上堆放建材杂物",
                  "Materials stacked on the road"),
        ]),
        _criterion("greening", 8, "美化绿化", "Beautification and greening", [
            _item("green_neglected", 1, EACH, "绿化缺乏管护", "Green space neglected"),
            _item("graffiti", 1, EACH, "乱涂乱画、乱贴小广告", "Graffiti or posted ads"),
            _item("fences", 1, EACH, "围栏破损或杂乱", "Broken or untidy fences"),
        ]),
        _criterion("campaigns", 8, "爱国卫生运动", "Patriotic sanitation campaigns", [
            _item("no_cleanup_day", 3, ONCE, "无每月清洁日活动记录",
                  "No monthly clean-up day recorded"),
            _item("mosquito_water", 1, EACH, "积水孳生蚊虫",
                  "Standing water breeding mosquitoes"),
            _item("board_outdated", 2, ONCE, "健康教育宣传栏本季度未更新",
                  "Health-education board not updated this quarter"),
        ]),
        _criterion("households", 12, "房前屋后", "Around the houses", [
            _item("clutter", 1, EACH, "房前屋后柴草、粪堆、杂物乱堆乱放",
                  "Firewood, manure or clutter piled outside"),
            _item("livestock", 2, EACH, "人畜未分离",
                  "Livestock not separated from living areas"),
            _item("ruined_walls", 2, EACH, "残垣断壁未清理", "Ruined walls not cleared"),
        ]),
        _criterion("protection", 10, "村庄环境保护", "Village environment protection", [
            _item("polluted_water", 2, EACH, "沟渠池塘有漂浮垃圾或黑臭水体",
                  "Ditch or pond with floating garbage or black water"),
            _item("sewage", 2, EACH, "生活污水直排", "Sewage discharged directly"),
            _item("farm_waste", 1, EACH, "农膜、农药包装废弃物未回收",
                  "Farm film or pesticide packaging not collected"),
            _item("trees_unprotected", 2, ONCE, "古树名木或水源地未保护",
                  "Old trees or water sources unprotected"),
        ]),
    ],
}

# The tie-break subtotal of the ranking rule (domain.md, "Merging into rankings", 4).
TIE_BREAK_CRITERIA = ("collection", "toilets")


@dataclass(frozen=True)
class Deduction:
    """One deduction that counts: `points` is points × count, before capping."""
    criterion: str
    item: str
    count: int
    points: float
    veto: bool = False   # a veto item: the ranking reason names it first


@dataclass(frozen=True)
class InspectionScore:
    total: float | None          # 0..100, unrounded; None when every criterion is N/A
    criterion_scores: dict = field(default_factory=dict)   # key -> float, None for N/A
    veto: bool = False
    deductions: tuple = ()       # of Deduction

    def subtotal(self, keys: Iterable[str]) -> float:
        """Sum of the given criteria's scores; an N/A or unknown criterion adds 0."""
        return math.fsum(self.criterion_scores.get(k) or 0.0 for k in keys)


def item_index(rubric: Mapping) -> dict:
    """{(criterion_key, item_key): item dict} for quick lookups."""
    return {(c["key"], i["key"]): i for c in rubric["criteria"] for i in c["items"]}


def item_labels(rubric: Mapping, lang: str = "en") -> dict:
    """{(criterion_key, item_key): label} in "en" or "zh", for ranking reasons."""
    name = "label_zh" if lang == "zh" else "label_en"
    return {key: item[name] for key, item in item_index(rubric).items()}


def score_text(value: float | None) -> str:
    """A score as pages and the phone show it: one decimal, a half rounded up, of the
    exact binary value (what JavaScript's toFixed(1) does; "%.1f" rounds a half to
    even, so 96.25 would read 96.2 on the server and 96.3 on the phone)."""
    if value is None:
        return "—"
    return str(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def score_inspection(rubric: Mapping, criteria: Mapping,
                     void: Iterable = frozenset()) -> InspectionScore:
    """Score one inspection's `criteria` against `rubric`, dropping `void` deductions."""
    void, criteria = frozenset(void), criteria or {}
    scores, deductions, veto = {}, [], False
    for criterion in rubric["criteria"]:
        entry = criteria.get(criterion["key"]) or {}
        if entry.get("na"):
            scores[criterion["key"]] = None
            continue
        score, found, vetoed = _score_criterion(criterion, entry.get("deductions") or {}, void)
        scores[criterion["key"]] = score
        deductions.extend(found)
        veto = veto or vetoed
    applicable = [c for c in rubric["criteria"] if scores[c["key"]] is not None]
    max_sum = math.fsum(c["max"] for c in applicable)
    total = None
    if applicable and max_sum > 0:
        total = 100.0 * math.fsum(scores[c["key"]] for c in applicable) / max_sum
    return InspectionScore(total, scores, veto, tuple(deductions))


def _score_criterion(criterion: Mapping, counts: Mapping, void: frozenset):
    lost, found, vetoed = 0.0, [], False
    for item in criterion["items"]:
        count = counts.get(item["key"]) or 0
        if count <= 0 or (criterion["key"], item["key"]) in void:
            continue
        if item["kind"] != EACH:
            count = 1  # "once" and "veto" hold or not; validation keeps them 0/1 anyway
        points = float(item["points"]) * count
        is_veto = item["kind"] == VETO
        found.append(Deduction(criterion["key"], item["key"], count, points, is_veto))
        lost += points
        vetoed = vetoed or is_veto
    maximum = float(criterion["max"])
    score = 0.0 if vetoed else maximum - min(maximum, lost)
    return score, found, vetoed


@dataclass(frozen=True)
class RubricProblem:
    """Why a rubric cannot be used: a code, its parameters, and where
    (`criteria`, `criteria.<n>.max`, `criteria.<n>.items.<m>.key`, ...)."""
    code: str
    field: str
    params: dict = field(default_factory=dict)


def rubric_problems(rubric: Mapping) -> list[RubricProblem]:
    """Everything that keeps `rubric` from being scored with: keys, labels, maxima,
    points, kinds, and maxima that do not add up to TOTAL (`max_sum`). None: it can."""
    problems: list[RubricProblem] = []
    if not rubric["criteria"]:
        problems.append(RubricProblem("no_criteria", "criteria"))
    criterion_keys: set = set()
    for n, criterion in enumerate(rubric["criteria"]):
        where = f"criteria.{n}"
        problems += _entry_problems(criterion, where, criterion_keys)
        if not _number_in(criterion["max"], 0, TOTAL):
            problems.append(RubricProblem("criterion_max", f"{where}.max", {"max": TOTAL}))
        if not criterion["items"]:
            problems.append(RubricProblem("no_items", f"{where}.items"))
        item_keys: set = set()
        for m, item in enumerate(criterion["items"]):
            problems += _item_problems(item, f"{where}.items.{m}", item_keys)
    maxima = [c["max"] for c in rubric["criteria"] if _number_in(c["max"], 0, TOTAL)]
    if len(maxima) == len(rubric["criteria"]) and not math.isclose(
            math.fsum(maxima), TOTAL, abs_tol=1e-9):
        problems.append(RubricProblem("max_sum", "criteria", {
            "sum": f"{math.fsum(maxima):g}", "total": TOTAL}))
    return problems


def _item_problems(item: Mapping, where: str, seen: set) -> list[RubricProblem]:
    problems = _entry_problems(item, where, seen)
    if item["kind"] not in KINDS:
        problems.append(RubricProblem("item_kind", f"{where}.kind"))
    # A veto zeroes its criterion whatever its points; every other item takes some.
    elif not _number_in(item["points"], 0, TOTAL) or (
            item["kind"] != VETO and item["points"] == 0):
        problems.append(RubricProblem("item_points", f"{where}.points", {"max": TOTAL}))
    return problems


def _entry_problems(entry: Mapping, where: str, seen: set) -> list[RubricProblem]:
    """The key (valid, not used twice among its siblings) and both labels."""
    problems = []
    key = entry["key"]
    if not (isinstance(key, str) and len(key) <= KEY_MAX and KEY_PATTERN.fullmatch(key)):
        problems.append(RubricProblem("key_invalid", f"{where}.key",
                                      {"name": str(key), "max": KEY_MAX}))
    elif key in seen:
        problems.append(RubricProblem("key_duplicate", f"{where}.key", {"name": key}))
    seen.add(key)
    for label in ("label_zh", "label_en"):
        text = entry[label]
        if not (isinstance(text, str) and text.strip()):
            problems.append(RubricProblem("label_required", f"{where}.{label}"))
        elif len(text) > LABEL_MAX:
            problems.append(RubricProblem("too_long", f"{where}.{label}", {"max": LABEL_MAX}))
    return problems


def _number_in(value, low: float, high: float) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and low <= value <= high)
