"""Composition root of the messaging service."""
