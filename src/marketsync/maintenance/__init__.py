"""Operator tasks over the whole database: re-encrypting stored secrets, copying to another server."""
