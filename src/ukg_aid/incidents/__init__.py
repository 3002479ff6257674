"""Incidents (SPEC §10): one activation of mutual aid, and the counterpart pairs decided for it."""
