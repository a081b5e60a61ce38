"""Realistic defects injected into clean submission files, each recorded in a manifest.

The kinds follow the spec's list of what hand-filled files look like (encodings, full-width
digits, units typed into values or announced in another unit, missing-value spellings, merged
headers, blank and note rows, extra sheets, old and shared names, resubmissions, files for
foreign units or the wrong year, impossible and suspicious values). `defect_rate` is the share
of files and of values that get a defect; its own random stream leaves the clean output
untouched. Values written in another unit convert back exactly to the clean value.

Modules: `cells` (the year's context, writing a defect), `values` (value defects), `files`
(file, identity and column-unit defects), `extra_files` (files added to a year), `injection`
(the random pass, covering every kind, the manifest's rows).
"""

from orchestration.demo.defects.cells import DefectContext
from orchestration.demo.defects.extra_files import YEAR_DEFECTS
from orchestration.demo.defects.files import FILE_DEFECTS, old_identities
from orchestration.demo.defects.injection import (
    MANIFEST_COLUMNS,
    clean_units,
    cover_missing_kinds,
    inject_year,
    manifest_rows,
)
from orchestration.demo.defects.values import VALUE_DEFECTS

__all__ = [
    "FILE_DEFECTS",
    "MANIFEST_COLUMNS",
    "VALUE_DEFECTS",
    "YEAR_DEFECTS",
    "DefectContext",
    "clean_units",
    "cover_missing_kinds",
    "inject_year",
    "manifest_rows",
    "old_identities",
]
