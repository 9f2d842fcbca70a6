"""Benchmarks of the log: each prints its figure, a baseline run in the same process, the ratio."""
