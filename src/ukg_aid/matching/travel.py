"""Travel models: road distance (km) and truck ETA (minutes) between depots and delivery points.

The estimate (SPEC §3, §11) is the default: it drives over the bridges, never across the sea
(`ukg_aid.routing`); `OsrmTravel` lets an OSRM-compatible road router replace it. Closures are not
a travel model's business: who can still reach whom is decided by `routing.open_ways` for any model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import httpx
import numpy as np

from ukg_aid.geo import EARTH_RADIUS_KM, Point
from ukg_aid.routing import land_model


class TravelModel(Protocol):
    """Distances for every origin × destination pair, and the ETA of a haul of a given length.

    `eta_minutes` must also work elementwise on a numpy array of km (the solver asks it once for a
    whole donors × lines matrix when lines have deadlines); an arithmetic formula does."""

    def distances_km(
        self, origins: Sequence[Point], destinations: Sequence[Point]
    ) -> list[list[float]]: ...

    def eta_minutes(self, distance_km: float) -> float: ...


class TravelError(RuntimeError):
    """The road router gave no usable answer (HTTP error, bad JSON, missing or null cells)."""


class _TruckEta:
    loading_minutes: float
    truck_kmh: float

    def eta_minutes(self, distance_km: float) -> float:
        """Loading time plus driving at the mean truck speed."""
        return self.loading_minutes + distance_km / self.truck_kmh * 60.0


class EstimateTravel(_TruckEta):
    """Great-circle distance (R = 6371.0 km) × road circuity; ETA = loading + distance / speed.

    Between places on different lands of the land model (Honshu, Awaji, Shikoku) the distance is
    the route over the bridges instead: the legs to the first bridge end, over each bridge (and
    across Awaji between two), and from the last end, all × circuity (`routing.land`)."""

    def __init__(
        self, circuity: float = 1.3, truck_kmh: float = 40.0, loading_minutes: float = 30.0
    ) -> None:
        self.circuity = circuity
        self.truck_kmh = truck_kmh
        self.loading_minutes = loading_minutes

    def distances_km(
        self, origins: Sequence[Point], destinations: Sequence[Point]
    ) -> list[list[float]]:
        result: list[list[float]] = self.matrix(origins, destinations).tolist()
        return result

    def matrix(self, origins: Sequence[Point], destinations: Sequence[Point]) -> Any:
        """The same distances as a numpy array (origins × destinations), for bulk use."""
        o_deg = np.array([[p.lat, p.lon] for p in origins], dtype=float).reshape(-1, 2)
        d_deg = np.array([[p.lat, p.lon] for p in destinations], dtype=float).reshape(-1, 2)
        o, d = np.radians(o_deg), np.radians(d_deg)
        # Haversine, computed in place: these matrices are donors × lines of a whole item.
        a = d[None, :, 0] - o[:, None, 0]
        a *= 0.5
        np.sin(a, out=a)
        np.square(a, out=a)
        b = d[None, :, 1] - o[:, None, 1]
        b *= 0.5
        np.sin(b, out=b)
        np.square(b, out=b)
        b *= np.cos(o[:, None, 0])
        b *= np.cos(d[None, :, 0])
        a += b
        np.sqrt(a, out=a)
        np.minimum(a, 1.0, out=a)
        np.arcsin(a, out=a)
        a *= 2 * EARTH_RADIUS_KM * self.circuity
        land_model().reroute(a, o_deg, d_deg, self.circuity)
        return a


class OsrmTravel(_TruckEta):
    """Road distances from an OSRM-compatible `/table/v1/driving` endpoint (synchronous httpx).

    ETA stays loading + distance / truck speed: router durations are for cars on intact roads.
    """

    def __init__(
        self,
        base_url: str,
        client: httpx.Client | None = None,
        *,
        profile: str = "driving",
        truck_kmh: float = 40.0,
        loading_minutes: float = 30.0,
        timeout_s: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client or httpx.Client(timeout=timeout_s)
        self.profile = profile
        self.truck_kmh = truck_kmh
        self.loading_minutes = loading_minutes

    def distances_km(
        self, origins: Sequence[Point], destinations: Sequence[Point]
    ) -> list[list[float]]:
        if not origins or not destinations:
            return [[] for _ in origins]
        points = [*origins, *destinations]
        coords = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
        params = {
            "sources": ";".join(str(i) for i in range(len(origins))),
            "destinations": ";".join(str(len(origins) + j) for j in range(len(destinations))),
            "annotations": "distance,duration",
        }
        url = f"{self.base_url}/table/v1/{self.profile}/{coords}"
        try:
            response = self.client.get(url, params=params)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise TravelError(f"road router request failed: {exc}") from exc
        return _parse_table(body, len(origins), len(destinations))

    def close(self) -> None:
        """Release the HTTP connections; the service calls this when a plan is done."""
        self.client.close()


def _parse_table(body: Any, n_origins: int, n_destinations: int) -> list[list[float]]:
    """OSRM distances are metres; a null cell means no route, which we refuse rather than guess."""
    if not isinstance(body, dict) or body.get("code") != "Ok":
        code = body.get("code") if isinstance(body, dict) else None
        message = body.get("message", "") if isinstance(body, dict) else ""
        raise TravelError(f"road router answered {code!r}: {message}".rstrip(": "))
    rows = body.get("distances")
    if not isinstance(rows, list) or len(rows) != n_origins:
        raise TravelError("road router answer has no distance table of the expected shape")
    table: list[list[float]] = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != n_destinations:
            raise TravelError(f"road router distance row {i} has the wrong length")
        if any(not isinstance(cell, int | float) for cell in row):
            raise TravelError(f"road router found no route from origin {i} to some destination")
        table.append([float(cell) / 1000.0 for cell in row])
    return table
