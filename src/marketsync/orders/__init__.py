"""What buyers did on the marketplaces: orders, buyouts and returns, reviews, stock per size, product cards."""
