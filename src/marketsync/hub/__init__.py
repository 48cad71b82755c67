"""The catalog hub: suppliers' offers merged into one canonical catalog that is published to marketplaces."""
