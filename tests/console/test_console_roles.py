"""Logging in as each role, what each role is offered, forged calls, the map's members and the
language toggle (issue 9 acceptance)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.console.console_support import (
    CATALOGS,
    CJK,
    ENGLISH,
    Console,
    Watched,
    go,
    log_in,
    ready,
    shoot,
    visible_texts,
)

TABS = {
    ("desk", "27100"): ["stock", "requests", "shipments", "hospitals", "shelters", "report"],
    ("coordinator", None): ["map", "activation", "shelters", "plans", "medevac", "audit", "report"],
    ("ems", None): ["map", "medevac", "report"],
    ("observer", None): ["map", "plans", "medevac", "audit", "report"],
    ("admin", None): ["map", "activation", "shelters", "plans", "medevac", "audit", "report"],
}
FIRST = {"desk": "#/stock", "ems": "#/medevac"}
COORDINATOR_ONLY = ["run-matching", "approve-plan", "discard-plan", "goto-plans"]


@pytest.mark.parametrize(("role", "member"), list(TABS))
def test_each_role_logs_in_to_its_own_screens(
    page: Page, console: Console, role: str, member: str | None
) -> None:
    log_in(page, console, role, member)
    expect(page.get_by_test_id("whoami-role")).to_have_text(CATALOGS["ja"][f"role.{role}"])
    if member:
        expect(page.get_by_test_id("whoami-member")).to_have_text("大阪市")
    tabs = page.locator("[data-testid=nav] a").evaluate_all("els => els.map(a => a.dataset.view)")
    assert tabs == TABS[(role, member)]
    assert page.evaluate("location.hash") == FIRST.get(role, "#/map")
    expect(page.get_by_test_id("training-banner")).to_be_hidden()  # the live clock
    # the token lives in this tab's sessionStorage only: not in the URL, not in a cookie
    secret = console.token(role, member)
    assert secret not in page.url
    assert page.context.cookies() == []
    assert page.evaluate("sessionStorage.getItem('ukg-aid.token')") == secret


def test_a_bad_token_is_refused_in_words(page: Page, console: Console) -> None:
    page.goto(console.url)
    page.get_by_test_id("login-token").fill("ukg_not-a-real-token")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_have_text(
        CATALOGS["ja"]["problem.code.invalid-token"]
    )
    assert page.evaluate("sessionStorage.getItem('ukg-aid.token')") is None


def test_logout_forgets_the_token(page: Page, console: Console) -> None:
    log_in(page, console, "observer")
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('ukg-aid.token')") is None
    page.reload()
    expect(page.get_by_test_id("login-form")).to_be_visible()


def test_desk_is_offered_no_coordinator_action_and_its_forged_calls_are_refused(
    page: Page, console: Console
) -> None:
    log_in(page, console, "desk", "27100")
    for view in ("stock", "requests", "shipments", "report"):
        go(page, f"#/{view}")
        for testid in COORDINATOR_ONLY:
            expect(page.get_by_test_id(testid)).to_have_count(0)
    # a coordinator's screen is not there for a desk: the route falls back to its own
    page.evaluate("location.hash = '#/plans'")
    page.wait_for_function("() => location.hash === '#/stock'")
    with console.api("observer") as api:
        other_depot = api.get("/depots", params={"member": "28"}).json()["items"][0]["id"]
        heli = api.get("/helicopters").json()["items"][0]["id"]
    forged = page.evaluate(
        """async ([depot, heli]) => {
          const auth = { Authorization: 'Bearer ' + sessionStorage.getItem('ukg-aid.token'),
                         'Content-Type': 'application/json' };
          const call = async (method, path, body) => {
            const r = await fetch('/api/v1' + path, { method, headers: auth,
                                                      body: JSON.stringify(body) });
            return [r.status, (await r.json()).code];
          };
          return [
            await call('POST', '/plans', {}),
            await call('PUT', `/depots/${depot}/stock/water`, { on_hand: 1, reason: 'forged' }),
            await call('PATCH', `/helicopters/${heli}`, { status: 'maintenance' }),
          ];
        }""",
        [other_depot, heli],
    )
    assert forged == [[403, "wrong-role"], [403, "wrong-member"], [403, "wrong-role"]]
    with console.api("observer") as api:
        assert api.get("/plans").json()["total"] == 0


def test_observer_is_offered_no_action_at_all(page: Page, console: Console) -> None:
    log_in(page, console, "observer")
    for view in ("map", "plans", "medevac", "audit"):
        go(page, f"#/{view}")
        actions = page.locator(
            "main [data-testid^=run-], main [data-testid^=approve], main [data-testid^=assign],"
            " main [data-testid^=heli-][data-testid$=maintenance], main form[data-testid]"
        )
        expect(actions).to_have_count(0)


def test_the_map_shows_the_twelve_members(page: Page, console: Console) -> None:
    log_in(page, console, "coordinator")
    labels = page.locator("[data-testid^=map-member-]")
    expect(labels).to_have_count(12)
    with console.api("observer") as api:
        members = api.get("/members").json()
        members = members["items"] if isinstance(members, dict) else members
    names = sorted(labels.all_inner_texts())
    assert names == sorted(m["name_ja"] for m in members)
    expect(page.locator("path.outline")).to_have_count(8)  # cities have offices, not outlines
    expect(page.locator("path.depot")).to_have_count(len(console_depots(console)))
    shoot(page, "map")


def console_depots(console: Console) -> list[dict[str, object]]:
    with console.api("observer") as api:
        return list(api.get("/depots", params={"limit": 1000}).json()["items"])


# every tab of the roles that work in the console (the newer screens too: activation, shelters,
# hospitals, the situation report)
VIEWS = {
    ("desk", "27100"): ["stock", "requests", "shipments", "hospitals", "shelters", "report"],
    ("coordinator", None): ["map", "activation", "shelters", "plans", "medevac", "audit", "report"],
    ("ems", None): ["map", "medevac", "report"],
}


@pytest.mark.parametrize(("role", "member"), list(VIEWS))
def test_switching_to_english_changes_every_visible_label(
    browse: Watched, console: Console, role: str, member: str | None
) -> None:
    page = browse.new_page()
    log_in(page, console, role, member)
    for view in VIEWS[(role, member)]:
        go(page, f"#/{view}")
        assert page.evaluate("document.documentElement.lang") == "ja"
        ja = visible_texts(page)
        assert any(CJK.search(t["text"]) for t in ja)
        english = [t["text"] for t in ja if t["lang"] != "en" and ENGLISH.search(t["text"])]
        assert english == [], f"{view}: English on the Japanese screen: {english[:10]}"
        shoot(page, f"{role}-{view}")
        page.get_by_test_id("lang-toggle").click()
        ready(page, view=view, lang="en")
        assert "lang=en" in page.url
        en = visible_texts(page)
        japanese = [t["text"] for t in en if t["lang"] != "ja" and CJK.search(t["text"])]
        assert japanese == [], f"{view}: still in Japanese: {japanese[:10]}"
        for t in en:
            if t["i18n"]:
                assert t["text"] == CATALOGS["en"][t["i18n"]]
        shoot(page, f"{role}-{view}")
        page.get_by_test_id("lang-toggle").click()
        ready(page, view=view, lang="ja")


def test_the_console_works_from_the_keyboard(page: Page, console: Console) -> None:
    page.goto(console.url)
    token = page.get_by_test_id("login-token")
    expect(token).to_be_focused()
    token.press_sequentially(console.token("coordinator"))
    token.press("Enter")
    page.get_by_test_id("whoami").wait_for()
    expect(page.get_by_test_id("main")).to_be_focused()  # a new screen: focus at its start
    page.reload()  # the token stays for this tab's session
    ready(page)
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("main")).to_be_focused()
    plans = page.get_by_test_id("nav-plans")
    plans.focus()
    outline = plans.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#/plans'")
    run = page.get_by_test_id("run-matching")
    run.focus()
    expect(run).to_be_focused()
    # every form field on the screen has a label
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('main input, main select, main textarea')]
              .filter(el => !el.labels?.length && !el.getAttribute('aria-label'))
              .map(el => el.outerHTML)"""
    )
    assert unlabelled == []


def test_the_map_reads_on_a_wall_display(browse: Watched, console: Console) -> None:
    page = browse.new_page()
    page.set_viewport_size({"width": 3840, "height": 2160})
    log_in(page, console, "coordinator")
    expect(page.locator("[data-testid^=map-member-]")).to_have_count(12)
    size = page.get_by_test_id("map-member-27").evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body >= 24  # the type grows with the screen (about 28 px on 4K)
    assert size >= 18
    shoot(page, "wall-map")
