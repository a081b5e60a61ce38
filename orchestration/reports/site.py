"""The static report site: a province page per evaluation year and a page per county.

Pages are rendered from the Jinja2 templates in `templates/` with the contexts of
`province.py` and `county.py`. Every page is plain HTML in Chinese and English (a button toggles
which one shows), with its figures embedded as JSON that the vendored ECharts draws: no page
fetches anything, so the site works from a USB stick or a file share. Each page also prints as a
clean A4 document (print stylesheet in `static/report.css`; `pdf.py` prints them).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from orchestration.reports.county import CountyLookups, county_context, county_lookups
from orchestration.reports.formatting import FILTERS, page_json
from orchestration.reports.mart import MartData
from orchestration.reports.province import province_context
from orchestration.warehouse.publish import swap_in_folder

STATIC_DIR = Path(__file__).parent / "static"
ASSETS = ("echarts.min.js", "report.js", "report.css", "LICENSE-echarts.txt", "NOTICE-echarts.txt")
# Width in CSS pixels of an A4 page's printable area (12 mm margins), which charts print at.
PRINT_WIDTH = {"portrait": 700, "landscape": 1030}


@dataclass(frozen=True)
class SiteSummary:
    """What `build_site` wrote."""

    out_dir: Path
    years: tuple[int, ...]
    province_pages: int
    county_pages: int
    seconds: float


def environment() -> Environment:
    """The templates, escaping every value (names and labels come from submissions)."""
    env = Environment(
        loader=PackageLoader("orchestration.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


class PageWriter:
    """Renders pages into a site folder, with what every page shares."""

    def __init__(self, data: MartData, root: Path) -> None:
        self.data = data
        self.root = root
        self.env = environment()
        self.generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

    def write(self, relative: str, template: str, context: dict, *, orientation: str) -> None:
        """Render `template` with `context` into `relative` (a path inside the site)."""
        depth = relative.count("/")
        page_data = page_json(context.pop("page_data"))
        text = self.env.get_template(template).render(
            **context,
            prefix="../" * depth,
            years=self.data.years,
            generated=self.generated,
            orientation=orientation,
            print_width=PRINT_WIDTH[orientation],
            page_data=page_data,
        )
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def province(self, year: int, relative: str) -> None:
        context = province_context(self.data, year)
        context.update(
            current_year=year,
            title_zh=f"{year}年度全省县域科技创新能力评价",
            title_en=f"Province results, evaluation year {year}",
        )
        self.write(relative, "province.html.j2", context, orientation="landscape")

    def county(self, code: str, lookups: CountyLookups) -> None:
        context = county_context(self.data, lookups, code)
        context.update(
            current_year=None,
            title_zh=context["name"],
            title_en=context["pinyin"] or context["name"],
        )
        self.write(f"county/{code}.html", "county.html.j2", context, orientation="portrait")


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

    writer = PageWriter(data, fresh)
    years = data.years
    for year in years:
        writer.province(year, f"year/{year}.html")
    writer.province(years[-1], "index.html")
    lookups = county_lookups(data)
    for code in sorted(lookups.lineages):
        writer.county(code, lookups)

    swap_in_folder(fresh, out_dir)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return SiteSummary(out_dir, tuple(years), len(years) + 1, len(lookups.lineages), seconds)
