"""The built-in demo: the seed scenario of April–May 2022, shifted to run live."""
