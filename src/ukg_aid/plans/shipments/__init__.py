"""Shipments and truck pools (SPEC §11, issue 13): an approved plan's allocations per depot →
delivery point travel together on the supplying member's trucks. The pure rules are
``ukg_aid.logistics``; this package loads, calls them and persists."""
