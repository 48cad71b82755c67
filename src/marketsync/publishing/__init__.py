"""Publishing the hub's canonical catalog to marketplaces as cards and prices."""
