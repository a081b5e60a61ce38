"""Configuration: where the pipeline reads and writes (`paths`), the one typed view of the
scoreboard's configuration every package reads (`configuration.Configuration`), and its
bootstrap from the dataset folder's seed files (`seed_files`)."""
