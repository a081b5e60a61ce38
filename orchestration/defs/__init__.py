"""The Dagster wiring of the annual run: assets, asset checks, jobs, partitions, resources and
sensors. Only this package (with `orchestration/definitions.py` and the `leap` command line)
knows Dagster; the domain libraries it calls (ingest, quality, uncertainty, warehouse,
reports, demo, config) are plain Python."""
