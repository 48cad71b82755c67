"""Casdoor's users API (CONTRACTS.md §8), wire only."""
