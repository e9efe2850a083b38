"""OpenAI adapters: intent classification, grounded answers and embeddings over the official SDK."""
