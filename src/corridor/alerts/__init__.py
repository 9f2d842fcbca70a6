"""What waits for the caller, gathered from every topic (read-only)."""
