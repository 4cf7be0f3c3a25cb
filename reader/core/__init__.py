"""The pure-Python core of papers: no Textual, no Rich (a test enforces it)."""
