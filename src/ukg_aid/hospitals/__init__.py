"""Receiving hospitals (SPEC §12): the union's disaster base hospitals with status and history."""
