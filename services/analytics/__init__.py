"""The analytics service: event ingestion and dashboard queries."""
