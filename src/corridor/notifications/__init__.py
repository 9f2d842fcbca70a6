"""Deconfliction: sites and movements notified to the parties, their acknowledgements, checks."""
