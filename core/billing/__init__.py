"""Billing: tiers, subscriptions, metered usage with quotas, prepaid deposits, statements."""
