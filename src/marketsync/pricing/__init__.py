"""Per-channel markups: the price each marketplace and each YML feed gets from the catalog price."""
