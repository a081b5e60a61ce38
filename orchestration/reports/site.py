"""The static report site: a province page per evaluation year and a page per county.

Every page is plain HTML in Chinese and English (a button toggles which one shows), with its
figures embedded as JSON that the vendored ECharts draws: no page fetches anything, so the site
works from a USB stick or a file share. Tables are written into the HTML; the charts, the
ranking table's sorting and search, and the county page's year switch are small vanilla JS.
"""

import html
import json
import math
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from orchestration.publish import swap_in_folder
from orchestration.reports import figures
from orchestration.reports.mart import MartData

STATIC_DIR = Path(__file__).parent / "static"
ASSETS = ("echarts.min.js", "report.js", "report.css", "LICENSE-echarts.txt", "NOTICE-echarts.txt")
UNIT_KINDS = {
    "district": ("市辖区", "district"),
    "county": ("县", "county"),
    "county_level_city": ("县级市", "county-level city"),
    "autonomous_county": ("自治县", "autonomous county"),
}
CLASS_GAP_FIELDS = (
    "indicator_code", "next_class", "points_to_next_class", "indicator_points",
    "indicator_points_needed", "indicator_value", "indicator_value_needed", "closes_gap_alone",
    "closing_order",
)
UNCERTAINTY_FIELDS = (
    "median_rank", "rank_p05", "rank_p95", "prob_class_a", "prob_class_b", "prob_class_c",
    "main_uncertainty_factor",
)


SITE_TITLE = (
    '<span class="zh">河北省县域科技创新能力监测评价</span>'
    '<span class="en">Hebei county S&amp;T innovation capability</span>'
)


@dataclass(frozen=True)
class SiteSummary:
    """What `build_site` wrote."""

    out_dir: Path
    years: tuple[int, ...]
    province_pages: int
    county_pages: int
    seconds: float


# --------------------------------------------------------------------------------------------
# small HTML helpers


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def bi(zh: str, en: str) -> str:
    """A text in both languages; the stylesheet shows the one the reader chose."""
    return f'<span class="zh">{esc(zh)}</span><span class="en">{esc(en)}</span>'


def num(value: Any, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{decimals}f}"


def signed(value: Any, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int):
        return f"{value:+d}"
    return f"{value:+.{decimals}f}"


def rounded(value: Any, decimals: int = 3) -> Any:
    """A number for the embedded JSON: rounded, NaN as null."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, decimals)
    return value


def page_json(payload: dict) -> str:
    """Page data for a `<script type="application/json">` block."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=rounded)
    return text.replace("</", "<\\/")


def rows_of(frame: pl.DataFrame | None) -> list[dict]:
    return [] if frame is None else frame.to_dicts()


def clean(record: dict) -> dict:
    return {key: rounded(value) for key, value in record.items()}


def class_badge(class_code: str | None) -> str:
    if not class_code:
        return "–"
    return f'<span class="badge class-{esc(class_code)}">{esc(class_code)}</span>'


def transition_text(previous_class: str | None, class_code: str | None) -> str:
    if not previous_class or not class_code:
        return bi("新进入", "new")
    return f"{esc(previous_class)}→{esc(class_code)}"


def page_shell(
    *, prefix: str, title_zh: str, title_en: str, nav: str, body: str, data: dict,
    generated: str,
) -> str:
    """A whole page: head with the local assets, header with navigation and language button."""
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{esc(title_zh)} · {esc(title_en)}</title>
<link rel="stylesheet" href="{prefix}assets/report.css">
<script src="{prefix}assets/echarts.min.js"></script>
<script src="{prefix}assets/report.js"></script>
</head>
<body class="lang-zh">
<header class="site-header">
  <div class="brand"><a href="{prefix}index.html">{SITE_TITLE}</a></div>
  <nav>{nav}</nav>
  <button type="button" class="lang-toggle" data-lang-toggle>
    <span class="zh">English</span><span class="en">中文</span></button>
</header>
<main>
<h1>{bi(title_zh, title_en)}</h1>
{body}
</main>
<footer>{bi("生成时间", "Generated")} {esc(generated)} ·
  {bi("数据来源：发布数据集市 mart.duckdb", "Source: the published mart mart.duckdb")} ·
  {bi("图表：Apache ECharts（本地文件）", "Charts: Apache ECharts (local file)")}</footer>
<script type="application/json" id="page-data">{page_json(data)}</script>
</body>
</html>
"""


def year_nav(years: list[int], current: int | None, prefix: str) -> str:
    links = []
    for year in years:
        cls = ' class="current"' if year == current else ""
        links.append(f'<a{cls} href="{prefix}year/{year}.html">{year}</a>')
    return f'{bi("评价年度", "Evaluation year")}: ' + " ".join(links)


def section(anchor: str, zh: str, en: str, content: str, note: str = "") -> str:
    note_html = f'<p class="note">{note}</p>' if note else ""
    return (
        f'<section id="{anchor}"><h2>{bi(zh, en)}</h2>{note_html}{content}</section>\n'
    )


def chart(name: str, height: int = 360) -> str:
    return f'<div class="chart" data-chart="{name}" style="height:{height}px"></div>'


def td(content: str, sort_value: Any = None, css: str = "") -> str:
    """A table cell; `sort_value` is what the sortable table sorts by (else its text)."""
    sort = "" if sort_value is None else f' data-v="{esc(rounded(sort_value, 4))}"'
    css_attr = f' class="{css}"' if css else ""
    return f"<td{sort}{css_attr}>{content}</td>"


def sortable_header(columns: list[tuple[str, str]]) -> str:
    """Header cells of a sortable table from (kind: num|text, label) pairs."""
    return "".join(f'<th data-type="{kind}" tabindex="0">{label}</th>' for kind, label in columns)


def sign_class(value: Any) -> str:
    if value is None:
        return ""
    return "up" if value > 0 else "down" if value < 0 else ""


# --------------------------------------------------------------------------------------------
# the province page of one evaluation year


class SiteBuilder:
    """Builds every page from one read of the mart."""

    def __init__(self, data: MartData) -> None:
        self.data = data
        self.years = data.years
        self.generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        self.contributions = figures.score_contributions(data)
        self.standing = figures.indicator_standing(data)
        self.peers = figures.peer_means(data)
        self.lineages = figures.county_lineages(data)
        self.successors = figures.successors(data)
        self.dimension_columns = [f"points_{d.code.lower()}" for d in data.dimensions]
        self.awards = data.table("awards")
        self.award_totals = data.table("award_totals")
        self.uncertainty = data.table("county_rank_uncertainty")
        self.quality = data.table("data_quality_status")
        self.publication_log = data.table("publication_log")

    # -- shared bits -------------------------------------------------------------------------

    def labels(self) -> dict:
        return {
            "dimensions": [
                {"code": d.code, "column": f"points_{d.code.lower()}", "zh": d.name_zh,
                 "en": d.name_en, "max": d.max_points}
                for d in self.data.dimensions
            ],
            "indicators": [
                {"code": i.code, "dimension": i.parent_code, "zh": i.name_zh, "en": i.name_en,
                 "max": i.max_points, "unit": i.unit}
                for i in self.data.indicators
            ],
            "cutoffs": [
                {"class": c.class_code, "min": c.min_score} for c in self.data.cutoffs
            ],
        }

    def cutoff_texts(self, lang: str) -> list[str]:
        """'A ≥ 80 分' … in the order of the classes, the lowest class as '< its floor'."""
        cutoffs = [c for c in self.data.cutoffs]
        texts = []
        for index, cutoff in enumerate(cutoffs):
            if cutoff.min_score > 0:
                texts.append(f"{cutoff.class_code} ≥ {cutoff.min_score:g}")
            elif index:
                texts.append(f"{cutoff.class_code} < {cutoffs[index - 1].min_score:g}")
        return [text + (" 分" if lang == "zh" else "") for text in texts]

    def year_frame(self, frame: pl.DataFrame | None, year: int) -> pl.DataFrame | None:
        if frame is None or "evaluation_year" not in frame.columns:
            return None
        return frame.filter(pl.col("evaluation_year") == year)

    def award_total(self, year: int) -> float | None:
        if self.award_totals is not None:
            row = self.award_totals.filter(pl.col("evaluation_year") == year)
            if row.height:
                return float(row["total_amount_wan_yuan"][0])
        awards = self.year_frame(self.awards, year)
        return None if awards is None else float(awards["amount_wan_yuan"].sum())

    # -- province page -----------------------------------------------------------------------

    def province_page(self, year: int, prefix: str) -> str:
        data = self.data
        scores = data.scores.filter(pl.col("evaluation_year") == year).sort(
            "province_rank", "county_code")
        moves = data.transitions.filter(pl.col("evaluation_year") == year)
        summary = data.summary.sort("evaluation_year")
        this_year = summary.filter(pl.col("evaluation_year") == year).to_dicts()
        kpi = this_year[0] if this_year else {}
        awards = self.year_frame(self.awards, year)
        total_award = self.award_total(year)
        data_year = scores["data_year"][0] if scores.height else year - 1

        cards = [
            (bi("参评单位", "Units"), num(kpi.get("units"))),
            (bi("A类", "Class A"), num(kpi.get("class_a"))),
            (bi("B类", "Class B"), num(kpi.get("class_b"))),
            (bi("C类", "Class C"), num(kpi.get("class_c"))),
            (bi("平均分", "Mean score"), num(kpi.get("mean_score"))),
            (bi("类别跃升", "Class leaps"), num(kpi.get("class_leaps"))),
            (bi("类别下降", "Demotions"), num(kpi.get("demotions"))),
            (bi("奖励总额（万元）", "Awards (10k yuan)"), num(total_award, 0)),
        ]
        cards_html = '<div class="cards">' + "".join(
            f'<div class="card"><div class="card-label">{label}</div>'
            f'<div class="card-value">{value}</div></div>'
            for label, value in cards
        ) + "</div>"
        classes_zh = "，".join(self.cutoff_texts("zh"))
        classes_en = ", ".join(self.cutoff_texts("en"))
        heading = bi(f"{year}年度评价（{data_year}年数据）",
                     f"Evaluation year {year} (statistics of {data_year})")
        classes = bi("类别：" + classes_zh, "Classes: " + classes_en)
        intro = f'<p class="lede">{heading} · {classes}</p>'
        body = intro + cards_html + self.quality_block(year)
        body += section(
            "classes", "各年度类别分布", "Class distribution over the years",
            chart("classHistory", 340),
        )
        body += section(
            "transitions", "类别变化", "Class transitions",
            '<div class="two-col">' + chart("transitionFlow", 320)
            + self.transition_matrix(moves) + "</div>",
            bi(f"{year - 1}年度类别 → {year}年度类别", f"Class in {year - 1} → class in {year}"),
        )
        body += section(
            "ranking", "排名", "Ranking", self.ranking_table(scores, moves, awards, prefix),
            bi("点击列标题排序；输入县名、拼音、代码或所属市筛选。",
               "Click a column heading to sort; type a name, pinyin, code or city to filter."),
        )
        body += section(
            "cities", "各设区市比较", "Cities compared",
            chart("cities", 380) + self.city_table(scores),
        )
        body += section("awards", "奖励名单", "Award list", self.award_table(awards, total_award,
                                                                         prefix))
        payload = {
            "page": "province",
            "year": year,
            "labels": self.labels(),
            "summary": [clean(r) for r in summary.to_dicts()],
            "transitions": [
                {"from": r["previous_class"], "to": r["class"], "n": r["n"]}
                for r in moves.filter(pl.col("previous_class").is_not_null())
                .group_by("previous_class", "class").agg(pl.len().alias("n"))
                .sort("previous_class", "class").to_dicts()
            ],
            "cities": [clean(r) for r in self.city_stats(scores).to_dicts()],
        }
        return page_shell(
            prefix=prefix,
            title_zh=f"{year}年度全省县域科技创新能力评价",
            title_en=f"Province results, evaluation year {year}",
            nav=year_nav(self.years, year, prefix),
            body=body,
            data=payload,
            generated=self.generated,
        )

    def quality_block(self, year: int) -> str:
        """The year's data-quality status: the quality gate's table when the mart has one,
        else the gate status the publication log recorded when the year was published."""
        quality = self.year_frame(self.quality, year)
        if quality is not None and quality.height:
            row = quality.to_dicts()[0]
            status = row.get("status") or row.get("gate_status") or ""
            details = "".join(
                f"<li><b>{esc(key)}</b>: {esc(value)}</li>"
                for key, value in row.items()
                if key not in {"evaluation_year", "status", "gate_status"} and value is not None
            )
        else:
            log = self.year_frame(self.publication_log, year)
            if log is None or log.height == 0:
                return ""
            row = log.sort("published_at").to_dicts()[-1]
            status = row.get("gate_status") or ""
            details = (f'<li>{bi("发布时间", "Published at")}: '
                       f'{esc(str(row.get("published_at"))[:19])} UTC</li>')
        return (
            f'<div class="quality quality-{esc(str(status).lower())}">'
            f'{bi("数据质量状态", "Data-quality status")}: <b>{esc(status)}</b>'
            f"<ul>{details}</ul></div>"
        )

    def transition_matrix(self, moves: pl.DataFrame) -> str:
        classes = [c.class_code for c in self.data.cutoffs]
        counts = {
            (r[0], r[1]): r[2]
            for r in moves.group_by("previous_class", "class").agg(pl.len()).iter_rows()
        }
        head = "".join(f"<th>{class_badge(c)}</th>" for c in classes)
        rows = []
        for source in [*classes, None]:
            label = class_badge(source) if source else bi("新进入", "new")
            cells = "".join(
                td(str(counts.get((source, target), 0)), css="diag" if source == target else "")
                for target in classes
            )
            rows.append(f"<tr><th>{label}</th>{cells}</tr>")
        return (
            '<table class="matrix"><thead><tr><th>'
            f'{bi("上年 ↓ / 本年 →", "previous ↓ / this year →")}</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
        )

    def ranking_table(
        self, scores: pl.DataFrame, moves: pl.DataFrame, awards: pl.DataFrame | None,
        prefix: str,
    ) -> str:
        move_by_code = {r["county_code"]: r for r in moves.to_dicts()}
        award_by_code: dict[str, float] = {}
        for r in rows_of(awards):
            award_by_code[r["county_code"]] = award_by_code.get(r["county_code"], 0.0) + float(
                r["amount_wan_yuan"])
        interval_by_code = {}
        uncertainty = self.year_frame(self.uncertainty, scores["evaluation_year"][0]) if \
            scores.height else None
        if uncertainty is not None and {"rank_p05", "rank_p95"} <= set(uncertainty.columns):
            interval_by_code = {
                r["county_code"]: (r["rank_p05"], r["rank_p95"]) for r in uncertainty.to_dicts()
            }
        dims = self.data.dimensions
        head = [
            ("num", bi("排名", "Rank")),
            ("text", bi("县（市、区）", "County")),
            ("text", bi("所属市", "City")),
            ("num", bi("总分", "Total")),
            ("text", bi("类别", "Class")),
            *[("num", bi(d.name_zh, d.name_en)) for d in dims],
            ("num", bi("市内排名", "City rank")),
            ("num", bi("位次变化", "Rank change")),
            ("num", bi("总分变化", "Score change")),
            ("text", bi("类别变化", "Transition")),
            ("num", bi("奖励（万元）", "Award (10k yuan)")),
        ]
        if interval_by_code:
            head.append(("text", bi("位次区间（90%）", "Rank interval (90%)")))
        body_rows = []
        for r in scores.to_dicts():
            code = r["county_code"]
            move = move_by_code.get(code, {})
            pinyin = self.data.name_pinyin(code, r["county_name"])
            link = (f'<a href="{prefix}county/{esc(code)}.html">{esc(r["county_name"])}</a> '
                    f'<small class="pinyin">{esc(pinyin)}</small>')
            rank_change, score_change = move.get("rank_change"), move.get("score_change")
            award = award_by_code.get(code)
            cells = [
                td(str(r["province_rank"]), r["province_rank"]),
                td(link, pinyin),
                td(esc(r["city_name"])),
                td(f'<b>{num(r["total_points"])}</b>', r["total_points"]),
                td(class_badge(r["class"]), r["class"]),
                *[td(num(r[f"points_{d.code.lower()}"]), r[f"points_{d.code.lower()}"])
                  for d in dims],
                td(str(r["city_rank"]), r["city_rank"]),
                td(signed(rank_change), "" if rank_change is None else rank_change,
                   sign_class(rank_change)),
                td(signed(score_change), "" if score_change is None else score_change,
                   sign_class(score_change)),
                td(transition_text(move.get("previous_class"), move.get("class"))),
                td("" if award is None else num(award, 0), award or 0),
            ]
            if interval_by_code:
                low, high = interval_by_code.get(code, (None, None))
                cells.append(td(f"{num(low, 0)}–{num(high, 0)}"))
            search = " ".join([code, r["county_name"], pinyin, r["city_name"] or ""]).lower()
            body_rows.append(f'<tr data-search="{esc(search)}">{"".join(cells)}</tr>')
        placeholder_zh = "搜索县名、拼音、代码、所属市…"
        placeholder_en = "Search name, pinyin, code, city…"
        return (
            f'<div class="table-tools"><input type="search" class="table-search" '
            f'data-placeholder-zh="{placeholder_zh}" data-placeholder-en="{placeholder_en}" '
            f'placeholder="{placeholder_zh}" aria-label="search"> '
            f'<span class="table-count"></span></div>'
            f'<div class="table-wrap tall"><table class="ranking sortable" data-searchable>'
            f"<thead><tr>{sortable_header(head)}</tr></thead>"
            f"<tbody>{''.join(body_rows)}</tbody></table></div>"
        )

    def city_stats(self, scores: pl.DataFrame) -> pl.DataFrame:
        return (
            scores.group_by("city_code", "city_name")
            .agg(
                pl.len().alias("units"),
                pl.col("total_points").mean().alias("mean_score"),
                pl.col("total_points").max().alias("best_score"),
                pl.col("total_points").min().alias("lowest_score"),
                (pl.col("class") == "A").sum().alias("class_a"),
                (pl.col("class") == "B").sum().alias("class_b"),
                (pl.col("class") == "C").sum().alias("class_c"),
                pl.col("county_name").sort_by("total_points", descending=True).first()
                .alias("best_county"),
            )
            .sort("mean_score", descending=True)
        )

    def city_table(self, scores: pl.DataFrame) -> str:
        rows = []
        for r in self.city_stats(scores).to_dicts():
            cells = [
                td(esc(r["city_name"])),
                td(str(r["units"]), r["units"]),
                td(num(r["mean_score"]), r["mean_score"]),
                td(f'{num(r["best_score"])} <small>{esc(r["best_county"])}</small>',
                   r["best_score"]),
                td(num(r["lowest_score"]), r["lowest_score"]),
                *[td(str(r[f"class_{c}"]), r[f"class_{c}"]) for c in ("a", "b", "c")],
            ]
            rows.append(f"<tr>{''.join(cells)}</tr>")
        head = sortable_header([
            ("text", bi("设区市", "City")), ("num", bi("单位数", "Units")),
            ("num", bi("平均分", "Mean")), ("num", bi("最高分", "Best")),
            ("num", bi("最低分", "Lowest")), ("num", "A"), ("num", "B"), ("num", "C"),
        ])
        return (
            f'<div class="table-wrap"><table class="sortable"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>'
        )

    def award_table(self, awards: pl.DataFrame | None, total: float | None, prefix: str) -> str:
        if awards is None:
            missing = bi("数据集市中尚无奖励表（awards）。", "The mart has no awards table yet.")
            return f'<p class="note">{missing}</p>'
        if awards.height == 0:
            return f'<p>{bi("本年度无奖励。", "No awards this year.")}</p>'
        rows = []
        ordered = awards.sort("amount_wan_yuan", "province_rank", descending=[True, False])
        for index, r in enumerate(ordered.to_dicts(), start=1):
            link = (f'<a href="{prefix}county/{esc(r["county_code"])}.html">'
                    f'{esc(r["county_name"])}</a>')
            cells = [
                td(str(index), index),
                td(link, r.get("county_name_pinyin") or ""),
                td(esc(r["city_name"])),
                td(bi(r["award_name_zh"], r["award_name_en"])),
                td(transition_text(r["previous_class"], r["class"])),
                td(signed(r["rank_change"]), r["rank_change"]),
                td(str(r["province_rank"]), r["province_rank"]),
                td(num(r["amount_wan_yuan"], 0), r["amount_wan_yuan"]),
            ]
            rows.append(f"<tr>{''.join(cells)}</tr>")
        head = sortable_header([
            ("num", bi("序号", "No.")), ("text", bi("县（市、区）", "County")),
            ("text", bi("所属市", "City")), ("text", bi("奖励项目", "Award")),
            ("text", bi("类别变化", "Transition")), ("num", bi("位次变化", "Rank change")),
            ("num", bi("排名", "Rank")), ("num", bi("金额（万元）", "Amount (10k yuan)")),
        ])
        return (
            f'<div class="table-wrap tall"><table class="sortable awards">'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            f'<tfoot><tr><th colspan="7">{bi("合计", "Total")}</th>'
            f'<th>{num(total, 0)}</th></tr></tfoot></table></div>'
        )

    # -- county page -------------------------------------------------------------------------

    def county_payload(self, code: str, parts: dict[str, dict]) -> dict:
        """Everything the county page draws, for every year of the county's history."""
        lineage = self.lineages[code]
        history = []
        for year, lineage_code in lineage:
            score = parts["scores"].get((year, lineage_code))
            if score is None:
                continue
            move = parts["moves"].get((year, lineage_code), {})
            peers = parts["peers"].get((year, score["class"]), {})
            indicators = parts["indicators"].get((year, lineage_code), [])
            contributions = parts["contributions"].get((year, lineage_code), [])
            cutoff = figures.next_cutoff(score["total_points"], self.data.cutoffs)
            entry = {
                "year": year,
                "code": lineage_code,
                "name": score["county_name"],
                "data_year": score["data_year"],
                "total": score["total_points"],
                "rank": score["province_rank"],
                "city_rank": score["city_rank"],
                "units": parts["units"].get(year),
                "class": score["class"],
                "dimensions": {c: score[c] for c in self.dimension_columns},
                "peers": {
                    "n": peers.get("peers"),
                    "total": peers.get("total_points"),
                    "dimensions": {c: peers.get(c) for c in self.dimension_columns},
                },
                "previous_total": move.get("previous_total_points"),
                "score_change": move.get("score_change"),
                "rank_change": move.get("rank_change"),
                "previous_class": move.get("previous_class"),
                "indicators": indicators,
                "contributions": contributions,
                "next_class": None if cutoff is None else {
                    "class": cutoff.class_code,
                    "cutoff": cutoff.min_score,
                    "gap": cutoff.min_score - score["total_points"],
                },
            }
            gaps = parts["class_gaps"].get((year, lineage_code))
            if gaps:
                entry["class_gaps"] = sorted(gaps, key=lambda row: row.get("closing_order") or 0)
            uncertainty = parts["uncertainty"].get((year, lineage_code))
            if uncertainty:
                entry["uncertainty"] = uncertainty[0]
            history.append(clean_nested(entry))
        return {"page": "county", "code": code, "labels": self.labels(), "history": history}

    def county_page(self, code: str, parts: dict[str, dict], prefix: str) -> str:
        payload = self.county_payload(code, parts)
        latest = payload["history"][-1]
        name = latest["name"]
        score = parts["scores"][(latest["year"], code)]
        pinyin = self.data.name_pinyin(code, name)
        kind = score["unit_kind"]
        kind_zh, kind_en = UNIT_KINDS.get(kind, (kind, kind))
        names = []
        for entry in payload["history"]:
            label = f'{entry["name"]}（{entry["code"]}）'
            if label not in names:
                names.append(label)
        former = ""
        if len(names) > 1:
            former = f'<p class="note">{bi("历史名称与代码：", "Names and codes over time: ")}' \
                     f'{esc(" → ".join(names))}</p>'
        successor = self.successors.get(code)
        if successor and successor != code:
            former += (
                f'<p class="note">{bi("区划调整后由", "After the division change continued as")} '
                f'<a href="{prefix}county/{esc(successor)}.html">{esc(successor)}</a></p>'
            )
        awards = ""
        if self.awards is not None:
            received = self.awards.filter(
                pl.col("county_code").is_in([c for _, c in self.lineages[code]])
            ).sort("evaluation_year")
            if received.height:
                items = "".join(
                    f'<li>{r["evaluation_year"]}: {bi(r["award_name_zh"], r["award_name_en"])}'
                    f' — {num(r["amount_wan_yuan"], 0)} {bi("万元", "×10k yuan")}</li>'
                    for r in received.to_dicts()
                )
                awards = section("awards", "获得奖励", "Awards received", f"<ul>{items}</ul>")
        year_options = "".join(
            f'<option value="{e["year"]}"{" selected" if e is latest else ""}>{e["year"]}</option>'
            for e in payload["history"]
        )
        header = (
            f'<p class="lede"><span class="pinyin">{esc(pinyin)}</span> · {esc(code)} · '
            f'{esc(score["city_name"])} · {bi(kind_zh, kind_en)}</p>{former}'
            f'<div class="year-pick"><label>{bi("评价年度", "Evaluation year")} '
            f'<select data-year-select>{year_options}</select></label>'
            f'<div class="cards" data-county-cards></div></div>'
        )
        body = header
        body += section("history", "得分历史", "Score history", chart("scoreHistory", 320))
        body += section(
            "profile", "维度画像（与同类别县比较）", "Dimension profile against class peers",
            '<div class="two-col">' + chart("dimensionProfile", 360)
            + '<div data-dimension-table></div></div>',
            bi("各维度得分占满分的百分比；同类别县为本年度同一类别县的平均。",
               "Points of each dimension as a percentage of its maximum; peers are the mean of "
               "the counties in the same class that year."),
        )
        body += section(
            "indicators", "指标：优势与短板", "Indicators: strengths and weaknesses",
            chart("indicatorBars", 520) + '<div data-indicator-table></div>',
            bi("优势：领先同类别县最多的三项指标；短板：落后最多的三项。",
               "Strengths: the three indicators leading the class peers most; weaknesses: the "
               "three trailing most."),
        )
        body += section(
            "contributions", "各指标对本年度变化的贡献",
            "Contribution of each indicator to this year's change",
            chart("contributions", 440) + '<p data-contribution-note class="note"></p>',
        )
        body += section(
            "next-class", "距下一类别", "Distance to the next class",
            '<div data-next-class></div>' + chart("headroom", 420),
        )
        body += awards
        return page_shell(
            prefix=prefix,
            title_zh=f"{name}",
            title_en=f"{pinyin or name}",
            nav=year_nav(self.years, None, prefix),
            body=body,
            data=payload,
            generated=self.generated,
        )

    def county_parts(self) -> dict[str, dict]:
        """Lookups by (year, code) shared by all county pages, built once."""
        data = self.data
        names = {i.code: i for i in data.indicators}
        contributions: dict[tuple, list] = {}
        for r in self.contributions.to_dicts():
            contributions.setdefault((r["evaluation_year"], r["county_code"]), []).append(
                {"code": r["indicator_code"], "value": rounded(r["contribution"], 4)}
            )
        indicators: dict[tuple, list] = {}
        standing = self.standing.sort("evaluation_year", "county_code")
        order = {i.code: i.sort_order for i in data.indicators}
        for r in standing.to_dicts():
            if r["indicator_code"] not in names:
                continue
            indicators.setdefault((r["evaluation_year"], r["county_code"]), []).append({
                "code": r["indicator_code"],
                "value": rounded(r["indicator_value"], 4),
                "normalised": rounded(r["normalised_value"], 4),
                "points": rounded(r["indicator_points"], 4),
                "max": r["max_points"],
                "share": rounded(r["share_of_max"], 4),
                "peer_share": rounded(r["peer_share_of_max"], 4),
                "rank": r["indicator_rank"],
                "missing": r["is_missing"],
                "standing": r["standing"],
                "source": r.get("numerator_file_name"),
            })
        for rows in indicators.values():
            rows.sort(key=lambda row: order.get(row["code"], 0))
        optional = {
            "class_gaps": by_county_year(data.table("county_class_gaps"), CLASS_GAP_FIELDS),
            "uncertainty": by_county_year(data.table("county_rank_uncertainty"),
                                          UNCERTAINTY_FIELDS),
        }
        return {
            "scores": {
                (r["evaluation_year"], r["county_code"]): r for r in data.scores.to_dicts()
            },
            "moves": {
                (r["evaluation_year"], r["county_code"]): r for r in data.transitions.to_dicts()
            },
            "peers": {(r["evaluation_year"], r["class"]): r for r in self.peers.to_dicts()},
            "units": dict(data.scores.group_by("evaluation_year").agg(pl.len()).iter_rows()),
            "indicators": indicators,
            "contributions": contributions,
            **optional,
        }


def by_county_year(frame: pl.DataFrame | None, fields: tuple[str, ...]) -> dict[tuple, list]:
    """(evaluation_year, county_code) -> rows of an optional table, with the fields it has."""
    if frame is None or not {"evaluation_year", "county_code"} <= set(frame.columns):
        return {}
    present = [field for field in fields if field in frame.columns]
    lookup: dict[tuple, list] = {}
    for row in frame.select("evaluation_year", "county_code", *present).to_dicts():
        key = (row.pop("evaluation_year"), row.pop("county_code"))
        lookup.setdefault(key, []).append(clean_nested(row))
    return lookup


def clean_nested(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: clean_nested(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_nested(v) for v in value]
    return rounded(value, 4)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build_site(data: MartData, out_dir: Path) -> SiteSummary:
    """Write the whole site into `out_dir`, replacing what was there in one rename, so that a
    reader never sees half a site."""
    started = datetime.now(UTC)
    out_dir = out_dir.resolve()
    fresh = out_dir.with_name(out_dir.name + ".building")
    if fresh.exists():
        shutil.rmtree(fresh)
    (fresh / "assets").mkdir(parents=True)
    for asset in ASSETS:
        shutil.copy2(STATIC_DIR / asset, fresh / "assets" / asset)

    builder = SiteBuilder(data)
    years = builder.years
    for year in years:
        _write(fresh / "year" / f"{year}.html", builder.province_page(year, "../"))
    _write(fresh / "index.html", builder.province_page(years[-1], ""))
    parts = builder.county_parts()
    for code in sorted(builder.lineages):
        _write(fresh / "county" / f"{code}.html", builder.county_page(code, parts, "../"))

    swap_in_folder(fresh, out_dir)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return SiteSummary(out_dir, tuple(years), len(years) + 1, len(builder.lineages), seconds)
