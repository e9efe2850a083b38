"""The billing service: tiers, subscriptions, usage metering and quotas, deposits."""
