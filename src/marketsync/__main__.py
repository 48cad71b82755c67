"""`python -m marketsync` → the CLI."""

from marketsync.cli.app import main

main()
