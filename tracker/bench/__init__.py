"""`tracker bench`: the benchmark suite. Speed claims in this project are the
figures this package prints, reproducible by anyone with one command."""
