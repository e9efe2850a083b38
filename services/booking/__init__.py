"""The booking service: resources, opening hours, availability, bookings and the agent."""
