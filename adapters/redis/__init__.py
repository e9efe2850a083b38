"""Redis adapters: state shared by every replica of a service."""
