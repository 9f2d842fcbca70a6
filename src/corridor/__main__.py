"""`python -m corridor` is the `corridor` command."""

from corridor.cli import main

main()
