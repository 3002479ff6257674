"""Reports over the live database (the situation report, SPEC §13 / CONTRACTS §4)."""
