"""papers: a keyboard-first terminal reader for research-paper dumps."""

__version__ = "0.1.0"
