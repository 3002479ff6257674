"""Named instance data for the SPEC §12 rule tests: hospitals, a Tajima fog hold, scenes.

Hospital names, heliport flags and positions are copied from data/reference/hospitals.csv (the
row key is given; positions there are often municipal-office stand-ins, fine for rule tests).
The hold polygon and the scenes are drawn for the tests, not taken from any source.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from shapely.geometry import Polygon

from ukg_aid.dispatch_air import JST, Heliport, Hospital, Mission, Severity, WeatherHold

HOSPITALS_CSV = Path(__file__).parents[2] / "data" / "reference" / "hospitals.csv"

ON_SITE, NEARBY, UNKNOWN = Heliport.on_site, Heliport.nearby, Heliport.unknown


def _row(ident: int, name: str, lat: float, lon: float, member: str, pad: Heliport) -> Hospital:
    return Hospital(name, lat, lon, id=ident, member_code=member, heliport=pad)


# hospitals.csv rows (key in the comment)
# 28-himeji-sekijuji
HIMEJI_SEKIJUJI = _row(11, "姫路赤十字病院", 34.815278, 134.685556, "28", ON_SITE)
# 28-himeji-iryo-center (same stand-in point, heliport unknown)
HIMEJI_IRYO = _row(12, "姫路医療センター", 34.815278, 134.685556, "28", UNKNOWN)
# 28-kakogawa-iryo-center (the Hyogo Doctor-Heli base)
KAKOGAWA = _row(13, "兵庫県立加古川医療センター", 34.748, 134.852, "28", ON_SITE)
# 27-kmu-hirakata (its pad is on the Yodo riverbank)
KMU_HIRAKATA = _row(14, "関西医科大学附属病院", 34.814444, 135.650833, "27", NEARBY)
# 27-handai (the Osaka Doctor-Heli base)
HANDAI = _row(15, "大阪大学医学部附属病院", 34.819417, 135.528389, "27", ON_SITE)
# 28-toyooka-koritsu (the Toyooka Doctor-Heli base, in Tajima)
TOYOOKA = _row(16, "公立豊岡病院", 35.548, 134.815, "28", ON_SITE)

MORNING = dt.datetime(2026, 12, 21, 10, 0, tzinfo=JST)

# Fog over northern Hyogo (但馬: Toyooka, Kami, Shin'onsen, Yabu, Asago), drawn as a box in
# (lon, lat) for the tests: 134.35-135.00 E, 35.25-35.70 N. It contains the Toyooka base.
TAJIMA_BOX = Polygon([(134.35, 35.25), (135.00, 35.25), (135.00, 35.70), (134.35, 35.70)])


def tajima_fog(
    start: dt.datetime = MORNING - dt.timedelta(hours=1),
    until: dt.datetime = MORNING + dt.timedelta(hours=4),
    ident: int = 1,
) -> WeatherHold:
    return WeatherHold(id=ident, start=start, until=until, reason="fog over 但馬", area=TAJIMA_BOX)


# Scenes drawn for the tests (municipal-office area points, rounded).
FUKUCHIYAMA = (35.297, 135.125)  # east of the box: the line from Yonago crosses Tajima
SASAYAMA = (35.073, 135.219)  # south-east of the box: reached from Kakogawa beside it
HIMEJI = (34.84, 134.69)


def mission(
    ident: int,
    scene: tuple[float, float],
    *,
    severity: Severity = Severity.red,
    member: str = "28",
    hospital: Hospital | None = None,
    reported_at: dt.datetime = MORNING,
) -> Mission:
    return Mission(
        id=ident,
        member_code=member,
        scene_lat=scene[0],
        scene_lon=scene[1],
        severity=severity,
        patients=1,
        reported_at=reported_at,
        hospital=hospital,
    )


def reference_hospitals() -> list[Hospital]:
    """Every row of data/reference/hospitals.csv as a core hospital (all operational)."""
    with HOSPITALS_CSV.open(encoding="utf-8") as f:
        return [
            Hospital(
                row["name_ja"],
                float(row["lat"]),
                float(row["lon"]),
                id=i,
                member_code=row["member_code"],
                heliport=Heliport(row["heliport"]),
            )
            for i, row in enumerate(csv.DictReader(f), start=1)
        ]
