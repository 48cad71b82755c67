"""Ozon Seller API: the seller's offers, FBS stock at one warehouse, FBO stock, and FBS stock updates."""
