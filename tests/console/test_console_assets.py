"""The console's files, without a browser: one catalog per language with the same keys, every
label through the catalog, every asset in the package, nothing from another host."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from html.parser import HTMLParser

import pytest

from tests.app_support import REPO
from tests.console.console_support import CATALOGS, CJK, STATIC
from ukg_aid.aid_requests.enums import Priority, RequestStatus
from ukg_aid.dispatch_air import AircraftStatus, RefusalReason, Severity
from ukg_aid.matching.problem import UNMET_CAUSES
from ukg_aid.medevac.enums import MissionStatus
from ukg_aid.plans.enums import AllocationStatus, LossReason, PlanStatus
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.principal import Role
from ukg_aid.stockpiles.enums import DepotStatus

OWN_JS = sorted(p for p in (STATIC / "js").rglob("*.js"))
OWN_TEXT = [*OWN_JS, STATIC / "index.html", *(STATIC / "css").glob("*.css")]


def test_both_catalogs_have_the_same_keys_and_no_empty_message() -> None:
    ja, en = CATALOGS["ja"], CATALOGS["en"]
    assert sorted(ja) == sorted(en), set(ja) ^ set(en)
    assert all(v.strip() for v in [*ja.values(), *en.values()])
    # the placeholders of a message are the same in both languages (a date spells its month
    # as a number in Japanese, as a name in English)
    for key in set(ja) - {"format.datetime"}:
        assert set(re.findall(r"\{(\w+)\}", ja[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key


def test_the_english_catalog_is_english() -> None:
    exceptions = {"lang.switch_to", "lang.switch_label", "print.slip_heading"}
    assert [k for k, v in CATALOGS["en"].items() if CJK.search(v) and k not in exceptions] == []


def _keys_used() -> set[str]:
    used: set[str] = set()
    for path in OWN_JS:
        used |= set(re.findall(r"\bt\(\s*\"([a-z0-9_.-]+)\"", path.read_text()))
        used |= set(re.findall(r"(?:nav|title): \"([a-z0-9_.]+)\"", path.read_text()))
    html = (STATIC / "index.html").read_text()
    used |= set(re.findall(r'data-i18n="([^"]+)"', html))
    used |= set(
        re.findall(
            r"[a-z-]+:([a-z_]+\.[a-z_.]+)", " ".join(re.findall(r'data-i18n-attr="([^"]+)"', html))
        )
    )
    return used | {"app.title", "app.noscript"}


def test_every_message_the_code_asks_for_exists() -> None:
    missing = sorted(k for k in _keys_used() if k not in CATALOGS["ja"])
    assert missing == []


@pytest.mark.parametrize(
    ("prefix", "codes"),
    [
        ("status.plan.", [s.value for s in PlanStatus]),
        ("status.allocation.", [s.value for s in AllocationStatus]),
        ("status.shipment.", [s.value for s in ShipmentStatus]),
        ("loss.", [r.value for r in LossReason]),
        ("status.request.", [s.value for s in RequestStatus]),
        ("status.depot.", [s.value for s in DepotStatus]),
        ("status.heli.", [s.value for s in AircraftStatus]),
        ("status.mission.", [s.value for s in MissionStatus]),
        ("status.severity.", [s.value for s in Severity]),
        ("severity.", [s.value for s in Severity]),
        ("priority.", [p.value for p in Priority]),
        ("role.", [r.value for r in Role]),
        ("cause.", [*UNMET_CAUSES, "not_planned"]),
        ("refusal.", [r.value for r in RefusalReason]),
    ],
)
def test_every_code_the_api_can_answer_has_words(prefix: str, codes: list[str]) -> None:
    assert [c for c in codes if f"{prefix}{c}" not in CATALOGS["ja"]] == []


def test_every_problem_code_the_service_raises_has_words() -> None:
    raised: set[str] = set()
    for path in (REPO / "src" / "ukg_aid").rglob("*.py"):
        raised |= set(re.findall(r'code="([a-z0-9-]+)"', path.read_text()))
    assert sorted(c for c in raised if f"problem.code.{c}" not in CATALOGS["ja"]) == []


class _Text(HTMLParser):
    """Collects text outside <script>/<style>/<title>/<noscript> and literal label attributes."""

    LABEL_ATTRS = frozenset({"title", "aria-label", "placeholder", "alt", "value"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"meta", "link", "br", "input", "img"}:
            self.stack.append(tag)
        self.attrs += [f"{tag}[{k}]" for k, v in attrs if k in self.LABEL_ATTRS and v]

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and not set(self.stack) & {"script", "style", "title", "noscript"}:
            self.text.append(data.strip())


def test_the_page_has_no_label_of_its_own() -> None:
    parser = _Text()
    parser.feed((STATIC / "index.html").read_text())
    assert parser.text == []
    assert parser.attrs == []


# A visible label hard-coded in a script: text given to an element (dom.h's children, textContent,
# title, aria-label, placeholder) as a string literal with letters in it. Japanese text anywhere
# in a script is caught separately; the browser tests also look for English words on the
# Japanese screens.
LITERAL_LABELS = [
    re.compile(
        r"\b(?:textContent|innerText|title|placeholder|ariaLabel)\s*=\s*([\"'`])[^\"'`]*[A-Za-z]"
    ),
    re.compile(
        r"setAttribute\(\s*\"(?:aria-label|title|placeholder|alt)\"\s*,\s*[\"'`][^\"'`]*[A-Za-z]"
    ),
    re.compile(
        r"\bh\(\s*\"[a-z0-9]+\"\s*,\s*(?:\{[^{}]*\}|null)\s*,\s*(?:[^,()]+,\s*)*[\"'`][^\"'`]*[A-Za-z]"
    ),
]


def _literal_labels(source: str) -> list[str]:
    return [m.group(0) for pattern in LITERAL_LABELS for m in pattern.finditer(source)]


def test_no_script_has_a_hard_coded_label() -> None:
    for path in OWN_JS:
        text = path.read_text()
        assert not CJK.search(re.sub(r"//.*|/\*[\s\S]*?\*/", "", text)), path.name
        assert _literal_labels(text) == [], path.name
        assert "innerHTML" not in text, f"{path.name}: build elements with dom.h (data is text)"


def test_the_label_check_catches_a_label() -> None:
    assert _literal_labels('button.textContent = "Run matching";')
    assert _literal_labels('el.setAttribute("aria-label", "Close");')
    assert _literal_labels('h("th", {}, "Quantity")')
    assert _literal_labels('h("td", { class: "num" }, n, "units")')
    assert not _literal_labels('h("span", { class: "fill-text" }, t("fill.short"))')
    assert not _literal_labels('h("td", { class: "num" }, fmtNumber(n))')


def test_nothing_is_loaded_from_another_host() -> None:
    for path in OWN_TEXT:
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", path.read_text()), path.name
    vendored = STATIC / "vendor" / "leaflet"
    css = (vendored / "leaflet.css").read_text()
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@import" not in css
    assert (vendored / "LICENSE").read_text().startswith("BSD 2-Clause License")


def test_every_asset_is_package_data() -> None:
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["ukg_aid"]
    package = REPO / "src" / "ukg_aid"
    for path in STATIC.rglob("*"):
        if path.is_file():
            rel = path.relative_to(package).as_posix()
            assert any(
                fnmatch.fnmatch(rel, p) and rel.count("/") == p.count("/") for p in patterns
            ), rel
