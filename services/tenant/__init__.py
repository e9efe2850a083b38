"""Composition root of the tenant service."""
