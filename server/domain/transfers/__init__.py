"""Transfers: a customer changes owner, and every area's open work on it follows."""
