"""The checkpoint action that hands a validation's failing rows to the alerts."""

from __future__ import annotations

from typing import Any, Literal

from great_expectations.checkpoint import ValidationAction
from great_expectations.compatibility.pydantic import PrivateAttr

from expectations.context import docs_page
from orchestration.quality.alerts import alert_findings
from orchestration.quality.config import GateConfig
from orchestration.quality.findings import Finding, findings_of


class AlertAction(ValidationAction):
    """A checkpoint action that alerts the failing rows of the validation, once each, per year
    of the run (a year whose failure was fixed forgets it, so that it alerts if it returns)."""

    type: Literal["leap_alerts"] = "leap_alerts"
    table: str
    _config: Any = PrivateAttr(default=None)
    _run_id: str | None = PrivateAttr(default=None)
    _years: list[int] = PrivateAttr(default_factory=list)
    _outcome: dict = PrivateAttr(default_factory=dict)  # shared with the checkpoint's copy

    def bound(self, config: GateConfig, run_id: str, years: list[int]) -> AlertAction:
        """The action with what it needs at run time (not part of its GX configuration)."""
        self._config, self._run_id, self._years = config, run_id, years
        return self

    @property
    def docs_page(self) -> str | None:
        """The Data Docs page of the validation (relative to the warehouse), once run."""
        return self._outcome.get("data_docs")

    @property
    def findings(self) -> list[Finding]:
        """The failing rows of the validation, once run."""
        return self._outcome.get("findings", [])

    @property
    def alert_errors(self) -> dict[str, str]:
        """Per sink, why it could not be sent to (the others were sent to all the same)."""
        return self._outcome.get("alert_errors", {})

    def run(self, checkpoint_result: Any, action_context: Any = None) -> dict:
        sent: dict[str, int] = {}
        for key, validation in checkpoint_result.run_results.items():
            page = docs_page(self._data_context, key)
            docs = self._outcome["data_docs"] = self._config.relative_to_warehouse(page)
            findings = self._outcome["findings"] = findings_of(self.table, validation)
            for year in self._years:
                mine = [f for f in findings if f.evaluation_year in (year, None)]
                outcome = alert_findings(
                    mine, f"{self.table} {year}", self._config, self._run_id, docs
                )
                for sink, count in outcome.sent.items():
                    sent[sink] = sent.get(sink, 0) + count
                self._outcome.setdefault("alert_errors", {}).update(outcome.errors)
        return {"alerts_sent": sent, "alert_errors": self.alert_errors}
