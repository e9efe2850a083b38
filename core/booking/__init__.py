"""Booking context: bookable resources, opening hours, availability, bookings, the agent."""
