"""Marketplace category dictionaries: cached categories, attributes and values per cabinet, our categories'
mappings to them, and attribute matching for publishing."""
