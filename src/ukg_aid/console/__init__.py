"""The operations console (SPEC §13): the page at ``/`` and its packaged assets.

The console is plain ES modules calling the REST API with the bearer token (kept in the
browser's ``sessionStorage``); this package only serves the page, the scripts, the styles, the
message catalogs and the vendored Leaflet. Nothing is loaded from any other host.
"""

from ukg_aid.console.router import install

__all__ = ["install"]
