"""The Transaction agent: a customer's order conversation, one turn at a time."""
