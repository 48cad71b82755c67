"""Product pictures at their public URLs: downloaded with a size cap and measured."""
