"""Generate `hospitals.csv` (seeded by `ukg-aid seed`) from `../reference/hospitals.csv`.

The reference file is the researched one (sources per row, see `data/reference/README.md`); this
one keeps what the service stores, one row per disaster base hospital (災害拠点病院):

- `heliport`: `on_site | nearby | none | unknown` as the reference says; `unknown` is **not**
  landable for a default choice (`dispatch_air/hospitals.py`) until an operator confirms it.
- `position_estimated`: `true` unless the point is the hospital's own (`coord_confidence` medium
  or better). Estimated points are the municipality/ward office or the heli-base list's point.
- `source`: the designation source (or UNVERIFIED when none was found); `heliport_source` the
  page that says where the pad is.

    python data/stockpiles/build_hospitals.py            # rewrite hospitals.csv
    python data/stockpiles/build_hospitals.py --check    # exit 1 if hospitals.csv is stale
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "reference" / "hospitals.csv"
OUTPUT = HERE / "hospitals.csv"
OWN_POINT = {"medium", "high"}
FIELDS = [
    "key",
    "member_code",
    "name_en",
    "name_ja",
    "kind",
    "lat",
    "lon",
    "position_estimated",
    "coord_confidence",
    "coord_method",
    "heliport",
    "heliport_source",
    "source",
    "heli_base_id",
]


def _unverified(row: dict[str, str]) -> str:
    """A row with no designation source (Osaka University Hospital, a Doctor-Heli base) says so."""
    return f"UNVERIFIED designation ({row['kind']}); see data/reference/hospitals.csv note"


def build() -> str:
    with REFERENCE.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: r["key"]):
        estimated = row["coord_confidence"] not in OWN_POINT
        writer.writerow(
            {
                "key": row["key"],
                "member_code": row["member_code"],
                "name_en": row["name_en"],
                "name_ja": row["name_ja"],
                "kind": row["kind"],
                "lat": row["lat"],
                "lon": row["lon"],
                "position_estimated": "true" if estimated else "false",
                "coord_confidence": row["coord_confidence"],
                "coord_method": row["coord_method"],
                "heliport": row["heliport"],
                "heliport_source": row["heliport_source"],
                "source": row["designation_source"] or _unverified(row),
                "heli_base_id": row["heli_base_id"],
            }
        )
    return out.getvalue()


def main(argv: list[str]) -> int:
    text = build()
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.is_file() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
