"""A receipt (回执) per submitted file: what was read, what was corrected, what is wrong.

Written in Chinese for the county office that sent the file, beside the alerts
(`<alerts>/receipts/<data_year>/<file>.txt`), and sent once per version of the file through the
same sinks as the alerts, so that each office learns within one run what to fix in its own file.
Built from the staging models: texts are already scrubbed of personal data.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

from orchestration.quality.alerts import Alert, dispatch
from orchestration.quality.config import GateConfig

CORRECTED = {
    "unit_converted": "单位已换算",
    "unit_line_overridden": "按本行自己的计量单位读取（表头单位不适用于该行）",
    "old_unit_name": "旧名称已对应到现名称",
    "old_unit_code": "旧代码已对应到现代码",
    "new_unit_name": "新名称已对应",
    "new_unit_code": "新代码已对应",
    "short_unit_name": "简称已对应到全称",
    "percent_sign": "百分号已去除",
    "total_row_skipped": "合计行已跳过",
}
WITHDRAWN = {"removed from the inbox": "已从收件箱移除", "withdrawn by command": "按命令撤回"}
FILES = """
    select files.data_year, files.file_name, files.file_sha256, files.status, files.reason,
        files.value_count, files.is_withdrawn, files.withdrawn_reason,
        min(values.unit_code) as county_code
    from staging.stg_raw__submission_files as files
    left join staging.stg_raw__submitted_values as values
        on values.data_year = files.data_year and values.file_sha256 = files.file_sha256
    where files.data_year in (select data_year from quality.gate_ingest_problems
                              union select data_year from quality.gate_raw_submitted_values)
    group by all
"""
PROBLEMS = """
    select * from staging.stg_raw__ingest_problems
    where data_year in (select data_year from quality.gate_raw_submitted_values)
"""


def receipt_text(file: Any, problems: list[Any], severities: dict[str, str]) -> str:
    """The receipt of one file (a row of FILES), from its problems, in Chinese."""
    lines = [f"回执：{file.file_name}（{file.data_year} 年度数据）"]
    if file.is_withdrawn:
        why = WITHDRAWN.get(file.withdrawn_reason, file.withdrawn_reason)
        lines.append(f"状态：已撤回（{why}），其数值不再使用。")
    elif file.status != "loaded":
        lines.append(f"状态：未能读取，已退回。原因：{file.reason}。请修改后重新报送。")
    else:
        lines.append(f"状态：已读取 {int(file.value_count or 0)} 个数值。")
    fixed = Counter(CORRECTED[p.problem_code] for p in problems if p.problem_code in CORRECTED)
    fixed = dict(fixed.most_common())
    if fixed:
        lines.append("已自动更正：" + "；".join(f"{what} {n} 处" for what, n in fixed.items()))
    for level, title in (("error", "需要修改（本年度在修改前不能发布）"), ("warning", "请核对")):
        rows = [p for p in problems if severities.get(p.problem_code) == level]
        if rows:
            lines.append(f"{title}：")
            lines += [f"- {row.expected}（发现：{row.found_text or '空'}）" for row in rows]
    if len(lines) == 2 and file.status == "loaded" and not file.is_withdrawn:
        lines.append("未发现问题。")
    return "\n".join(lines) + "\n"


def _write_if_changed(path: Path, text: str) -> None:
    """Rewriting a file costs far more than reading it: most receipts are unchanged."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def send_receipts(con: duckdb.DuckDBPyConnection, years: list[int], config: GateConfig) -> int:
    """Write and send the receipts of the files of the run's years; returns how many."""
    problems: dict[tuple, list[Any]] = {}
    for problem in con.execute(PROBLEMS).df().itertuples(index=False):
        problems.setdefault((problem.data_year, problem.file_name), []).append(problem)
    folder = config.alerts.jsonl_path.parent / "receipts"
    by_year: dict[int, list[Alert]] = {}
    for file in con.execute(FILES).df().itertuples(index=False):
        mine = problems.get((file.data_year, file.file_name), [])
        text = receipt_text(file, mine, dict(config.ingest_severities))
        path = folder / str(file.data_year) / f"{Path(file.file_name).name}.txt"
        _write_if_changed(path, text)
        by_year.setdefault(int(file.data_year), []).append(
            Alert(
                kind="receipt",
                severity="info",
                message=text,
                fingerprint=hashlib.sha256(text.encode()).hexdigest()[:32],
                details={
                    "data_year": file.data_year,
                    "file_name": file.file_name,
                    "county_code": file.county_code,
                    "receipt": str(path.name),
                },
            )
        )
    for data_year, receipts in by_year.items():
        dispatch(
            receipts,
            f"receipts {data_year}",
            f"回执 {data_year} 年度数据",
            "各报送文件的回执：",
            config.alerts,
            forget_resolved=False,
        )
    return sum(map(len, by_year.values()))
