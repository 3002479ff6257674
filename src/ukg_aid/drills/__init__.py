"""Earthquake drills (SPEC §6): a quake scenario drives the REST API on a simulated clock.

``script`` turns a scenario into timed actions (pure), ``runner`` plays them against the API
through :class:`ukg_aid.client.UkgClient`, ``metrics`` and ``report`` summarise and draw.
"""
