"""Tenant context: businesses, their WhatsApp outlets and their staff."""
