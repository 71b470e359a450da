"""Presentation of results: terminal tables now, the HTML brief later."""
