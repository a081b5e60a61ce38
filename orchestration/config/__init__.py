"""Where the pipeline reads and writes (paths) and the dataset folder's configuration."""
