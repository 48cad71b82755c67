"""The sandbox Casdoor: its users API with the {status, msg, data} envelope (CONTRACTS.md §8)."""
