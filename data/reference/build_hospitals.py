"""Build ``hospitals.csv`` from the hand-curated ``hospitals_input.csv``.

What the script adds (nothing here is a new fact):
- ``member_code``: the designated-city member (26100 Kyoto, 27100 Osaka, 27140 Sakai, 28100 Kobe)
  when the hospital's municipality is one of that city's wards, else the prefecture. The ward ->
  city link is ``parent_city_code`` in ``src/ukg_aid/quake/data/municipalities.csv``
  (PyPI ``japancode`` 0.1.0 codes).
- ``lat``/``lon`` when the input has none: the office of the hospital's municipality or ward
  from the same file, marked ``coord_confidence = low``.
- ``coord_confidence`` from ``coord_method``.

Run ``python data/reference/build_hospitals.py`` (writes) or ``--check`` (fails on a stale file).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MUNICIPALITIES = ROOT / "src" / "ukg_aid" / "quake" / "data" / "municipalities.csv"
DESIGNATED_CITIES = {"26100", "27100", "27140", "28100"}

OUT_COLUMNS = [
    "key",
    "member_code",
    "pref_code",
    "municipality_code",
    "municipality_ja",
    "name_ja",
    "name_en",
    "name_en_basis",
    "kind",
    "designation_source",
    "heliport",
    "heliport_source",
    "lat",
    "lon",
    "coord_method",
    "coord_confidence",
    "heli_base_id",
    "note",
]


def _municipalities() -> dict[str, dict[str, str]]:
    with MUNICIPALITIES.open(encoding="utf-8") as fh:
        return {row["jis_code"]: row for row in csv.DictReader(fh)}


def _confidence(method: str) -> str:
    if method.startswith("ja.wikipedia infobox"):
        return "medium"  # degree-minute-second point of the hospital itself, via a mirror
    if "LOW" in method:
        return "low"
    if method.startswith("heli_bases.csv"):
        return "low-medium"  # reference list, approx ±2 km
    return "low"


def build() -> str:
    munis = _municipalities()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OUT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    with (HERE / "hospitals_input.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            muni = munis[row["municipality_code"]]
            if muni["pref_code"] != row["pref_code"]:
                raise SystemExit(f"{row['key']}: municipality not in prefecture")
            parent = muni["parent_city_code"]
            member = parent if parent in DESIGNATED_CITIES else row["pref_code"]
            lat, lon, method = row["lat"], row["lon"], row["coord_method"]
            if not lat:
                lat, lon = muni["office_lat"], muni["office_lon"]
                method = (
                    f"office of {muni['name_ja']} (municipalities.csv, japancode 0.1.0); "
                    "hospital is somewhere in that municipality/ward, offset not known"
                )
            writer.writerow(
                {
                    **{k: row[k] for k in OUT_COLUMNS if k in row},
                    "member_code": member,
                    "municipality_ja": muni["name_ja"],
                    "lat": lat,
                    "lon": lon,
                    "coord_method": method,
                    "coord_confidence": _confidence(method),
                }
            )
    return out.getvalue()


def main() -> None:
    text = build()
    target = HERE / "hospitals.csv"
    if "--check" in sys.argv:
        if target.read_text(encoding="utf-8") != text:
            raise SystemExit("hospitals.csv is stale: run data/reference/build_hospitals.py")
        return
    target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
