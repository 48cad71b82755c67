"""The seller's overview: what is connected, how syncs go, what to do next."""
