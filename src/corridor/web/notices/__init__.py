"""The notices' pages: sites and movements, their forms, acknowledgements and checks."""
