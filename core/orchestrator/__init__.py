"""Orchestrator context: the Router that decides what the bot answers."""
