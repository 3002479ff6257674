"""Routing over land and sea crossings (SPEC §11): pure functions on plain data.

`land_model()` is the shipped land model (Honshu, Awaji and Shikoku joined by 明石海峡大橋 and
大鳴門橋; see `land`); `Closures` are the closed crossings and areas a plan must respect, and
`open_ways` says which origin × destination pairs still have a way (see `closures`). Imports only
`ukg_aid.geo`, shapely and numpy, so any core may use it.
"""

from ukg_aid.routing.closures import Closures, open_ways
from ukg_aid.routing.land import Crossing, LandModel, Route, Side, Way, land_model

__all__ = [
    "Closures",
    "Crossing",
    "LandModel",
    "Route",
    "Side",
    "Way",
    "land_model",
    "open_ways",
]
