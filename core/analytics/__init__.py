"""The analytics context: events every service emits and the figures built on them."""
