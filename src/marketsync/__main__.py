"""`python -m marketsync` → the CLI."""

from marketsync.cli.entry import main

main()
