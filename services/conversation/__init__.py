"""Composition root of the conversation service."""
