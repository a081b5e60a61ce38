"""Evidence: GX Data Docs and the gate's own pages under warehouse/data_docs, readable offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

from orchestration.quality import GateContext, load_gate_config, run_gate

LINK = re.compile(r'(?:href|src)="([^"]+)"')


def run_with_docs(table: str, frames: dict):
    context = GateContext(config=load_gate_config(), run_id="docs-run", send_alerts=False)
    return run_gate(table, frames, 2021, context)


def test_data_docs_show_each_run_offline(warehouse: Path, frames):
    summary = frames.summary_2021.assign(class_a=frames.summary_2021["class_a"] + 1)
    blocked = run_with_docs("province_summary", frames.summary(summary))
    passed = run_with_docs("county_transitions", frames.transitions())

    docs = warehouse / "data_docs"
    index = (docs / "index.html").read_text(encoding="utf-8")
    page = Path(blocked.data_docs)
    report_page = page.read_text(encoding="utf-8")
    evidence = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))

    assert page == docs / "gate" / "2021" / "province_summary.html"
    assert Path(passed.data_docs).exists()
    assert 'href="gate/2021/province_summary.html"' in index
    assert 'href="gate/2021/county_transitions.html"' in index
    assert '<span class="error">blocked</span>' in index
    assert '<span class="passed">passed</span>' in index
    assert "matches_county_scores" in report_page and "class_a" in report_page
    assert evidence["blocking"] is True and evidence["run_id"] == "docs-run"
    for html in (index, report_page):  # our pages need nothing from the network
        assert not [link for link in LINK.findall(html) if link.startswith(("http:", "https:"))]
    gx_pages = [docs / link for link in evidence["gx_pages"].values()]
    assert gx_pages and all(path.exists() for path in gx_pages)
    for link in LINK.findall(report_page):  # every link of the report resolves
        assert (page.parent / link).resolve().exists(), link


def test_gx_validation_page_holds_the_failing_rows(warehouse: Path, frames):
    scores = frames.scores_2021.copy()
    scores.loc[scores["county_code"] == "130123", "class"] = "X"

    report = run_with_docs("county_scores", frames.scores(scores))

    evidence = json.loads(Path(report.data_docs).with_suffix(".json").read_text("utf-8"))
    gx_page = warehouse / "data_docs" / evidence["gx_pages"]["county_scores.class_consistent"]
    html = gx_page.read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S))
    assert "130123" in text  # the failing county, in the HTML itself (no script needed)
    assert "county_scores.class_consistent" in text  # the check, as the suite's name
