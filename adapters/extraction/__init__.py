"""Text out of uploaded files: PDF, Word, HTML, Markdown and plain text."""
