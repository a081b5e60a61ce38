"""The assets of the annual run: inbox → raw tables → dbt models → published mart."""
