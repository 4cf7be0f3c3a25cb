"""The Textual reader. It calls the core through the Library, never the other way."""
