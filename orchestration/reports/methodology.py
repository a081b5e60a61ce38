"""The methodology each evaluation year was scored with, as the published mart records it.

The mart publishes, per evaluation year, the rules that produced its numbers: the methodology
(`methodology_by_year`), the framework tree with each node's points (`framework_by_year`), the
indicators with their units (`indicators_by_year`), the class cut-offs
(`class_cutoffs_by_year`), the unit registry (`units_by_year`) and, where the dataset has them,
the award rules (`award_rules_by_year`). The reports draw every year with that year's rows, so a
past year keeps the cut-offs and framework it was scored with when the methodology changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

REQUIRED_TABLES = (
    "methodology_by_year",
    "framework_by_year",
    "indicators_by_year",
    "class_cutoffs_by_year",
    "units_by_year",
)
OPTIONAL_TABLES = ("award_rules_by_year",)
RELATIVE_TO_MEAN = "relative_to_mean"


@dataclass(frozen=True)
class Node:
    """A dimension or indicator of a year's framework, with its labels and maximum points."""

    code: str
    parent_code: str
    name_zh: str
    name_en: str
    max_points: float
    sort_order: int
    unit: str = ""

    @property
    def column(self) -> str:
        """The node's points column in `county_scores`."""
        return f"points_{self.code.lower()}"


@dataclass(frozen=True)
class Cutoff:
    """A class and the lowest total that reaches it (points, or % of the year's mean)."""

    class_code: str
    min_score: float
    class_rank: int


@dataclass(frozen=True)
class AwardRule:
    """An award rule in force in a year."""

    rule_code: str
    name_zh: str
    name_en: str
    condition_kind: str
    from_class: str | None
    to_class: str | None
    min_places: int | None
    min_points: float | None
    amount_wan_yuan: float

    def condition_text(self, lang: str) -> str:
        """What a county must do to receive the award, in words."""
        zh = lang == "zh"
        if self.condition_kind == "class_leap":
            if zh:
                source = f"{self.from_class}类" if self.from_class else "较低类别"
                return f"由{source}升至{self.to_class}类"
            source = f"class {self.from_class}" if self.from_class else "a lower class"
            return f"{source} → class {self.to_class}"
        if self.condition_kind == "first_time_class":
            return f"首次进入{self.to_class}类" if zh else f"first time in class {self.to_class}"
        if self.condition_kind == "rank_up_at_least":
            return f"位次提升 ≥ {self.min_places} 位" if zh else f"up ≥ {self.min_places} places"
        if self.condition_kind == "score_up_at_least":
            return f"总分提升 ≥ {self.min_points:g} 分" if zh else f"score up ≥ {self.min_points:g}"
        return self.condition_kind


@dataclass(frozen=True)
class YearMethodology:
    """Everything the reports need to draw one evaluation year the way it was scored."""

    evaluation_year: int
    data_year: int
    version: str
    description: str
    class_scheme: str
    dimensions: tuple[Node, ...]
    indicators: tuple[Node, ...]
    cutoffs: tuple[Cutoff, ...]
    award_rules: tuple[AwardRule, ...]

    @property
    def relative_classes(self) -> bool:
        return self.class_scheme == RELATIVE_TO_MEAN

    def cutoff_texts(self, lang: str) -> list[str]:
        """'A ≥ 80 分' … best class first; the lowest class as '< the floor above it'."""
        texts = []
        for index, cutoff in enumerate(self.cutoffs):
            if cutoff.min_score > 0:
                texts.append(f"{cutoff.class_code} ≥ {self.score_text(cutoff.min_score, lang)}")
            elif index:
                floor = self.cutoffs[index - 1].min_score
                texts.append(f"{cutoff.class_code} < {self.score_text(floor, lang)}")
        return texts

    def score_text(self, score: float, lang: str) -> str:
        """A cut-off score in words: '80 分', or '均值的 125%' for classes relative to the mean."""
        if self.relative_classes:
            return f"均值的 {score:g}%" if lang == "zh" else f"{score:g} % of the mean"
        return f"{score:g} 分" if lang == "zh" else f"{score:g}"

    def cutoff_points(self, mean_total: float | None) -> dict[str, float]:
        """Class code -> lowest total in points that reaches the class this year."""
        if not self.relative_classes:
            return {c.class_code: c.min_score for c in self.cutoffs}
        if mean_total is None:
            return {}
        return {c.class_code: c.min_score / 100.0 * mean_total for c in self.cutoffs}


def _year_rows(frame: pl.DataFrame, year: int) -> list[dict]:
    return frame.filter(pl.col("evaluation_year") == year).to_dicts()


def _label(row: dict) -> tuple[str, str]:
    return row["name_zh"] or row["name_en"] or row["node_code"], (
        row["name_en"] or row["name_zh"] or row["node_code"]
    )


def _framework(framework: list[dict], units: dict[str, str]) -> tuple[tuple[Node, ...], ...]:
    """Dimensions (the root's children) and indicators (the leaves, each under its dimension)
    in display order."""
    by_code = {row["node_code"]: row for row in framework}
    root = next(code for code, row in by_code.items() if not row["parent_code"])
    parents = {row["parent_code"] for row in framework if row["parent_code"]}

    def dimension_of(code: str) -> str:
        while by_code[code]["parent_code"] != root:
            code = by_code[code]["parent_code"]
        return code

    def node(code: str, parent: str) -> Node:
        row = by_code[code]
        name_zh, name_en = _label(row)
        return Node(
            code,
            parent,
            name_zh,
            name_en,
            float(row["max_points"]),
            int(row["sort_order"] or 0),
            units.get(code, ""),
        )

    dimensions = sorted(
        (node(code, root) for code, row in by_code.items() if row["parent_code"] == root),
        key=lambda item: item.sort_order,
    )
    order = {item.code: item.sort_order for item in dimensions}
    indicators = sorted(
        (node(code, dimension_of(code)) for code in by_code if code not in parents | {root}),
        key=lambda item: (order.get(item.parent_code, item.sort_order), item.sort_order),
    )
    return tuple(dimensions), tuple(indicators)


def _award_rules(rows: list[dict]) -> tuple[AwardRule, ...]:
    rules = [
        AwardRule(
            row["rule_code"],
            row["name_zh"] or row["rule_code"],
            row["name_en"] or row["rule_code"],
            row["condition_kind"],
            row["from_class"],
            row["to_class"],
            row["min_places"],
            row["min_points"],
            float(row["amount_wan_yuan"] or 0),
        )
        for row in rows
    ]
    return tuple(sorted(rules, key=lambda rule: (-rule.amount_wan_yuan, rule.rule_code)))


def year_methodology(tables: dict[str, pl.DataFrame], year: int) -> YearMethodology:
    """One evaluation year's methodology from the mart's methodology tables."""
    missing = [name for name in REQUIRED_TABLES if not _year_rows(tables[name], year)]
    if missing:
        raise ValueError(
            f"evaluation year {year} has no rows in the published mart's {missing}: the "
            f"reports draw a year only with the methodology it was scored with; re-publish the "
            f"year (`leap run --years {year}`)"
        )
    (methodology,) = _year_rows(tables["methodology_by_year"], year)
    units = {
        row["indicator_code"]: row["unit"] or ""
        for row in _year_rows(tables["indicators_by_year"], year)
    }
    dimensions, indicators = _framework(_year_rows(tables["framework_by_year"], year), units)
    cutoffs = sorted(
        (
            Cutoff(row["class_code"], float(row["min_score"]), int(row["class_rank"]))
            for row in _year_rows(tables["class_cutoffs_by_year"], year)
        ),
        key=lambda cutoff: cutoff.class_rank,
    )
    rules = tables.get("award_rules_by_year")
    return YearMethodology(
        evaluation_year=year,
        data_year=int(methodology["data_year"]),
        version=methodology["methodology_version"],
        description=methodology["description"] or "",
        class_scheme=methodology["class_scheme"] or "absolute",
        dimensions=dimensions,
        indicators=indicators,
        cutoffs=tuple(cutoffs),
        award_rules=() if rules is None else _award_rules(_year_rows(rules, year)),
    )


def unit_pinyin(units_by_year: pl.DataFrame) -> dict[tuple[str, str], str]:
    """(unit code, unit name) -> the name in pinyin, over every year of the registry."""
    if "unit_name_pinyin" not in units_by_year.columns:
        return {}
    rows = units_by_year.select("unit_code", "unit_name", "unit_name_pinyin").unique()
    return {(code, name): pinyin or "" for code, name, pinyin in rows.iter_rows()}
