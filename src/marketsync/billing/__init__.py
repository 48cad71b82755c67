"""A wallet per cabinet, its ledger, and payments through YooKassa (docs/billing.md)."""
