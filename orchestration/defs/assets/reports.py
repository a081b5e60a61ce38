"""Reports: the static site and the Excel ranking and award lists, from the published mart,
regenerated once per run."""

import dagster as dg

from orchestration.defs.partitions import (
    evaluation_years,
    one_run_for_all_years,
    run_evaluation_years,
)
from orchestration.defs.progress import report_progress
from orchestration.defs.resources import WarehouseResource
from orchestration.reports.excel import export_excel
from orchestration.reports.mart import load_mart
from orchestration.reports.site import build_site


# A multi-asset of one asset: its single-run backfill policy is stable there (beta on @asset).
@dg.multi_asset(
    name="report_site",
    partitions_def=evaluation_years,
    backfill_policy=one_run_for_all_years,
    specs=[
        dg.AssetSpec(
            "report_site",
            group_name="reports",
            kinds={"html", "excel"},
            deps=[dg.AssetKey("published_mart")],
            description="The report site and the Excel ranking and award lists.",
        )
    ],
)
def report_site(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """The report site (every year and county) and the run's years' Excel lists."""
    paths = warehouse.paths()
    data = load_mart(paths.mart_db)
    site = build_site(data, paths.reports_dir / "site")
    # the next year's lists compare with a corrected year, so they change with it too
    run_years = run_evaluation_years(context)
    years = sorted({year + step for year in run_years for step in (0, 1)} & set(data.years))
    excel_files = export_excel(data, paths.reports_dir / "excel", years)
    report_progress(
        context,
        f"report site: {site.province_pages} province and {site.county_pages} county pages in "
        f"{site.seconds:.1f} s at {site.out_dir}; Excel lists of {len(years)} year(s)",
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
