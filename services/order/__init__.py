"""The order service: catalog, stock, orders, payments and the Transaction agent."""
