"""The overview: the group's map, the pause windows and the inbox."""
