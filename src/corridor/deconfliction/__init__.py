"""The deconfliction check: is a movement covered by an agreed pause, and what sites and recent
incidents does its route pass? The change feed keeps each group's spatial index of sites,
incidents and pauses current across processes; the check itself is pure geometry."""
