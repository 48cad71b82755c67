"""Seller notifications: per-person settings, the outbox of detected events, delivery through Telegram."""
