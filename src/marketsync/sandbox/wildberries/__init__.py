"""The Wildberries seller API emulator: content, marketplace and statistics hosts, each under its own prefix."""
