"""The pauses' pages: the list and a pause, the proposal and amendment forms, signing."""
