"""Evotor cloud REST API v2 emulator: stores, product groups and products per cloud token."""
