"""Medevac missions: filing, assignment (single and batch) and lifecycle (SPEC §4)."""
