"""Parsers that turn file text into located facts."""
