"""Order context: the catalog, stock with its history, orders and the Transaction agent."""
