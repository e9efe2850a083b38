"""Building blocks every bounded context shares: errors, ids, pagination."""
