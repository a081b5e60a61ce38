"""The methodology's vocabulary and one version's resolved settings, as the engine reads them.

The names and defaults are those of `methodology.csv` and `indicators.csv` (docs/methodology.md,
validated for dbt by `int_methodology_problems`): the uncertainty engine scores with the same
methods under the same names, and an uncertainty alternative is a set of changes to these
settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

NORMALISATIONS = (
    "goalposts",
    "minmax",
    "minmax_pooled",
    "zscore",
    "rank",
    "percentile",
    "distance_to_target",
)
IMPUTATIONS = ("none", "mean", "median", "group_mean", "group_median", "carry_forward")
OUTLIER_TREATMENTS = ("none", "winsorise", "winsorise_log", "log")
AGGREGATIONS = ("weighted_arithmetic", "weighted_geometric")
TRANSFORMS = ("none", "log", "log1p", "sqrt")
# Normalisations whose scale comes from fixed numbers (goalposts, targets), not from the data.
FIXED_SCALE_NORMALISATIONS = frozenset({"goalposts", "distance_to_target"})


@dataclass(frozen=True)
class Setting:
    """One column of methodology.csv: its type, default and allowed values (None = any)."""

    kind: type
    default: object
    allowed: tuple[str, ...] | None = None


SETTINGS: dict[str, Setting] = {
    "normalisation": Setting(str, "goalposts", NORMALISATIONS),
    "aggregation": Setting(str, "weighted_arithmetic", AGGREGATIONS),
    "missing_values": Setting(str, "zero", ("zero", "propagate", "reweight")),
    "imputation": Setting(str, "none"),  # a chain such as carry_forward>median
    "imputation_group": Setting(str, "group_code", ("group_code", "unit_kind")),
    "carry_forward_years": Setting(int, 1),
    "outlier_treatment": Setting(str, "none", OUTLIER_TREATMENTS),
    "outlier_skewness": Setting(float, 2.0),
    "outlier_kurtosis": Setting(float, 3.5),
    "outlier_winsorise_max": Setting(int, 5),
    "outlier_winsorisation": Setting(str, "one_sided", ("one_sided", "iterative")),
    "outlier_log_transform": Setting(str, "log_ct_mirrored", ("log_ct", "log_ct_mirrored")),
    "normalised_lower": Setting(float, 0.0),
    "normalised_upper": Setting(float, 1.0),
    "zscore_mean": Setting(float, 0.0),
    "zscore_sd": Setting(float, 1.0),
    "rank_scale": Setting(str, "scaled", ("scaled", "raw")),
    "normalisation_ties": Setting(str, "min", ("min", "mean", "dense")),
    "class_scheme": Setting(str, "absolute", ("absolute", "relative_to_mean")),
    "rank_ties": Setting(str, "min", ("min", "max", "dense", "first")),
}
# Settings an indicator (indicators.csv) may override; an alternative replaces them for all.
PER_INDICATOR = ("normalisation", "imputation", "outlier_treatment")


def parse_setting(name: str, text: object, where: str) -> object:
    """A setting's value from its text (empty = the default); ValueError naming `where`."""
    if name not in SETTINGS:
        raise ValueError(f"{where}: unknown setting {name!r}: expected one of {sorted(SETTINGS)}")
    setting = SETTINGS[name]
    raw = "" if text is None else str(text).strip()
    if raw == "":
        return setting.default
    if name == "imputation":
        return parse_chain(raw, where)
    try:
        value = setting.kind(raw) if setting.kind is not int else float(raw)
        if setting.kind is int:
            if not float(value).is_integer():
                raise ValueError(raw)
            value = int(value)
    except ValueError:
        expected = "whole number" if setting.kind is int else "number"
        raise ValueError(f"{where}: {name}={raw!r}: expected a {expected}") from None
    if setting.allowed is not None and value not in setting.allowed:
        raise ValueError(f"{where}: {name}={raw!r}: expected one of {', '.join(setting.allowed)}")
    return value


def parse_chain(text: str, where: str) -> str:
    """An imputation chain (`carry_forward>group_median>median`), spaces removed, validated."""
    chain = text.replace(" ", "")
    unknown = [step for step in chain.split(">") if step not in IMPUTATIONS]
    if unknown:
        raise ValueError(
            f"{where}: imputation={text!r}: unknown step(s) {unknown}, expected "
            f"{', '.join(IMPUTATIONS)} chained with >"
        )
    return chain


@dataclass(frozen=True)
class Methodology:
    """One methodology version's methods, resolved: the version's settings (`settings`), each
    indicator's normalisation, imputation chain and outlier treatment (its own setting, else the
    version's) and each aggregating node's aggregation (the node's, else the version's)."""

    version: str
    settings: Mapping[str, object]
    normalisation: tuple[str, ...]  # per indicator
    imputation: tuple[tuple[str, ...], ...]  # per indicator: the chain's steps
    outlier_treatment: tuple[str, ...]  # per indicator
    node_aggregation: tuple[str, ...]  # per aggregating node (IndexFramework.parent_codes)
    changed: Mapping[str, object] = field(default_factory=dict)  # by alternatives

    def __getitem__(self, name: str) -> object:
        return self.settings[name]

    def with_changes(self, changes: Mapping[str, object]) -> Methodology:
        """This methodology with some settings changed for every indicator and node (an
        uncertainty alternative): a changed normalisation, imputation, outlier treatment or
        aggregation replaces the indicators' and nodes' own settings too."""
        if not changes:
            return self
        settings = {**self.settings, **changes}
        indicators = len(self.normalisation)
        updated: dict[str, object] = {"settings": settings, "changed": {**self.changed, **changes}}
        if "normalisation" in changes:
            updated["normalisation"] = (str(changes["normalisation"]),) * indicators
        if "imputation" in changes:
            updated["imputation"] = (tuple(str(changes["imputation"]).split(">")),) * indicators
        if "outlier_treatment" in changes:
            updated["outlier_treatment"] = (str(changes["outlier_treatment"]),) * indicators
        if "aggregation" in changes:
            updated["node_aggregation"] = (str(changes["aggregation"]),) * len(
                self.node_aggregation
            )
        return replace(self, **updated)


def resolve_methodology(
    version: str,
    row: Mapping[str, object],
    indicator_rows: Mapping[str, Mapping[str, object]],
    indicator_codes: tuple[str, ...],
    node_aggregations: tuple[str, ...],
) -> Methodology:
    """The methodology of `version` from its methodology.csv row, its indicators.csv rows (by
    indicator code) and its aggregating nodes' own aggregations (empty = the version's)."""
    where = f"methodology.csv, version {version}"
    settings = {name: parse_setting(name, row.get(name), where) for name in SETTINGS}

    def own(code: str, name: str) -> object:
        text = indicator_rows.get(code, {}).get(name)
        if text is None or str(text).strip() == "":
            return settings[name]
        return parse_setting(name, text, f"indicators.csv, version {version}, {code}")

    aggregations = tuple(
        str(parse_setting("aggregation", text, f"framework.csv, version {version}"))
        if str(text or "").strip()
        else str(settings["aggregation"])
        for text in node_aggregations
    )
    return Methodology(
        version=version,
        settings=settings,
        normalisation=tuple(str(own(code, "normalisation")) for code in indicator_codes),
        imputation=tuple(
            tuple(str(own(code, "imputation")).split(">")) for code in indicator_codes
        ),
        outlier_treatment=tuple(str(own(code, "outlier_treatment")) for code in indicator_codes),
        node_aggregation=aggregations,
    )
