"""The operations' pages: the list, the board, counts and cargo, who records."""
