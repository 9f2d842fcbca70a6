"""Incident reports, their automatic links, evidence, follow-ups and answers."""
