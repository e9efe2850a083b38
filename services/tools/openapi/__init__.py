"""The OpenAPI description of the gateway's REST API, generated from the proto contracts."""
