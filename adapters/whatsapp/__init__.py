"""The WhatsApp Cloud API edge: webhook parsing and the outbound sender."""
