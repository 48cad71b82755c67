"""Moderation before publishing: rules and an optional language model judge each product; a queue page for people."""
