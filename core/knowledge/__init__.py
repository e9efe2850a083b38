"""Knowledge context: each business's documents, chunked, embedded and searchable."""
