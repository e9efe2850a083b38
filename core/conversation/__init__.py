"""Conversation context: customer conversations, their messages and human handoff."""
