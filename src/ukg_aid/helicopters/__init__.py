"""Doctor-Heli fleet: aircraft, status history, coverage (SPEC §4), on the ``dispatch_air`` core."""
