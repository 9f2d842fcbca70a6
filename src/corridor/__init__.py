"""Corridor: the working system of a Humanitarian Contact Group."""

__version__ = "0.1.0"
