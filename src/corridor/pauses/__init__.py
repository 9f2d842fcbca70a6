"""Local humanitarian pauses: proposals, amendments, signed consent, withdrawal."""
