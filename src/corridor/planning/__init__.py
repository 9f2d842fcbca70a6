"""Evacuation planning: optimal plans inside the agreed window, proven bounds, checked plans."""
