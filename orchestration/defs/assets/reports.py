"""Reports: the static site and the Excel ranking and award lists, from the published mart."""

import dagster as dg

from orchestration.defs.partitions import evaluation_years
from orchestration.reports import default_excel_dir, default_site_dir
from orchestration.reports.excel import export_excel
from orchestration.reports.mart import load_mart
from orchestration.reports.site import build_site
from orchestration.config.paths import current_paths


@dg.asset(
    partitions_def=evaluation_years,
    group_name="reports",
    kinds={"html", "excel"},
    deps=[dg.AssetKey("published_mart")],
)
def report_site(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """The report site (every year and county) and this year's Excel lists, from the mart."""
    year = int(context.partition_key)
    paths = current_paths()
    data = load_mart(paths.mart_db)
    site = build_site(data, default_site_dir(paths))
    # the next year's lists compare with this year, so they change with it too
    years = [candidate for candidate in (year, year + 1) if candidate in data.years]
    excel_files = export_excel(data, default_excel_dir(paths), years)
    context.log.info(
        f"report site: {site.province_pages} province and {site.county_pages} county pages in "
        f"{site.seconds:.1f} s at {site.out_dir}; Excel lists of {years}"
    )
    return dg.MaterializeResult(
        metadata={
            "site_index": dg.MetadataValue.path(str(site.out_dir / "index.html")),
            "province_pages": site.province_pages,
            "county_pages": site.county_pages,
            "site_seconds": round(site.seconds, 2),
            "excel_files": [str(path) for path in excel_files],
        }
    )
