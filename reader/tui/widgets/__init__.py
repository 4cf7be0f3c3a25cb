"""Widgets of the reader: they render state and post messages up."""
