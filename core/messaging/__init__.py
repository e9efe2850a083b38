"""Messaging context: the WhatsApp inbox and outbox, and the rules of the Cloud API."""
