"""Build ``guests.csv``: out-of-union recipients of the union's real activations.

Codes, Japanese names and municipal office points come from PyPI ``japancode`` 0.1.0 (MIT; data
code4fukui/localgovjp, CC0) — the same package ``/work/shared/reference/municipalities.csv`` used.
Install it first (``pip install japancode==0.1.0``). Prefectural office points and 2020
populations are not in ``japancode``; they are listed below with their sources.

Run ``python data/reference/build_guests.py`` (writes) or ``--check`` (fails on a stale file).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent

# 2020 census preliminary counts (e-Stat statsData 0003433219), as exported in GitHub
# YutoKamei/dstokuron_kamei data/municipality_population_2020.csv — the same basis as
# /work/shared/reference/municipalities.csv.
POPULATION_2020 = {
    "17": 1133294,
    "17202": 50336,
    "17204": 24633,
    "17205": 12934,
    "17461": 7897,
    "17463": 15693,
    "17384": 18641,
    "03": 1211206,
    "04": 2303487,
    "07": 1834198,
}

# Prefectural office points: the list of prefectural-office coordinates carried by many public
# repositories (found with find_string "136.625573"; its Shiga value 35.004531/135.86859 is
# within 30 m of reference members.csv). Not in japancode.
PREF_OFFICES = {
    "17": ("石川県", "石川県庁", "Ishikawa", 36.594682, 136.625573),
    "03": ("岩手県", "岩手県庁", "Iwate", 39.703619, 141.152667),
    "04": ("宮城県", "宮城県庁", "Miyagi", 38.268829, 140.872036),
    "07": ("福島県", "福島県庁", "Fukushima", 37.750300, 140.467522),
}

# Municipalities: English is a Hepburn romanisation of japancode's kana by the researcher.
MUNICIPALITIES = {
    "17205": ("Suzu City", "noto-2024: Kansai counterpart (Hyogo, Kobe)"),
    "17204": (
        "Wajima City",
        "noto-2024: Kansai counterpart (Osaka Pref., Osaka City, Sakai, Tokushima)",
    ),
    "17202": ("Nanao City", "noto-2024: Kansai counterpart (Kyoto Pref., Kyoto City)"),
    "17461": (
        "Anamizu Town",
        "noto-2024: northern Noto municipality; NO union counterpart found in the sources",
    ),
    "17463": (
        "Noto Town",
        "noto-2024: northern Noto municipality; NO union counterpart found in the sources",
    ),
    "17384": ("Shika Town", "noto-2024: intensity 7 site (志賀町香能), NO union counterpart found"),
}
PREF_ROLE = {
    "17": "noto-2024: prefecture hosting the union's 現地支援本部 (石川県庁, from 2024-01-04)",
    "03": "tohoku-2011: Kansai counterpart (Osaka, Wakayama)",
    "04": "tohoku-2011: Kansai counterpart (Hyogo, Tottori, Tokushima)",
    "07": "tohoku-2011: Kansai counterpart (Kyoto, Shiga)",
}
COLUMNS = [
    "code",
    "kind",
    "pref_code",
    "name_ja",
    "name_en",
    "name_en_basis",
    "office_name_ja",
    "office_lat",
    "office_lon",
    "office_source",
    "population",
    "population_basis",
    "role",
]
POP_BASIS = "2020 census preliminary count (e-Stat statsData 0003433219)"


OFFICE_SOURCE = "PyPI japancode 0.1.0 data/municipalities.json (code4fukui/localgovjp, CC0)"


def _japancode_municipalities() -> dict[str, dict[str, object]]:
    text = resources.files("japancode").joinpath("data/municipalities.json").read_text("utf-8")
    return {str(m["cid"]).zfill(5): m for m in json.loads(text)}


def build() -> str:
    munis = _japancode_municipalities()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for code, (name_ja, office, name_en, lat, lon) in PREF_OFFICES.items():
        writer.writerow(
            {
                "code": code,
                "kind": "prefecture",
                "pref_code": code,
                "name_ja": name_ja,
                "name_en": name_en,
                "name_en_basis": "japancode pref_en",
                "office_name_ja": office,
                "office_lat": lat,
                "office_lon": lon,
                "office_source": "public prefectural-office coordinate list (see build_guests.py)",
                "population": POPULATION_2020[code],
                "population_basis": POP_BASIS,
                "role": PREF_ROLE[code],
            }
        )
    for code, (name_en, role) in MUNICIPALITIES.items():
        m = munis[code]
        writer.writerow(
            {
                "code": code,
                "kind": "municipality",
                "pref_code": code[:2],
                "name_ja": m["city"],
                "name_en": name_en,
                "name_en_basis": f"romanised from japancode kana {m['citykana']}",
                "office_name_ja": f"{m['city']}役所"
                if str(m["city"]).endswith("市")
                else f"{m['city']}役場",
                "office_lat": round(float(m["lat"]), 6),
                "office_lon": round(float(m["lng"]), 6),
                "office_source": OFFICE_SOURCE,
                "population": POPULATION_2020[code],
                "population_basis": POP_BASIS,
                "role": role,
            }
        )
    return out.getvalue()


def main() -> None:
    text = build()
    target = HERE / "guests.csv"
    if "--check" in sys.argv:
        if target.read_text(encoding="utf-8") != text:
            raise SystemExit("guests.csv is stale: run data/reference/build_guests.py")
        return
    target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
