"""Which service's roles own each schema (migration 0013), as the tests expect it."""

SERVICE_OF_SCHEMA = {
    "tenant": "tenant",
    "conversation": "conversation",
    "knowledge": "knowledge",
    "booking": "booking",
    "orders": "order",
    "billing": "billing",
    "analytics": "analytics",
    "orchestrator": "orchestrator",
    "messaging": "messaging",
}
