"""The emulated Ozon Seller API: sellers, their products, FBS and FBO stocks, limits and errors."""
