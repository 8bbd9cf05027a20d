"""The console in headless Chromium against a real server: issue #8's acceptance, one test
each, plus sign-in with TOTP, exercise mode, keyboard use and resuming the live feed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from bcm.auth import totp
from bcm.services import people
from bcm.web.console.demo_data import WATCH_FLOOR, seed_console_demo
from tests.console.conftest import OpenPage, console_errors, screenshot
from tests.console.server import ConsoleServer

pytestmark = pytest.mark.browser

REL = "SECRET//REL TO USA, JPN"
CONF_REL = "CONFIDENTIAL//REL TO USA, JPN"


def banner_color(page: Page) -> str:
    """The color class of the top banner (the bottom one is checked to agree)."""
    top = page.locator("#banner-top").get_attribute("data-color")
    bottom = page.locator("#banner-bottom").get_attribute("data-color")
    assert top == bottom
    return top or ""


def wait_live(page: Page) -> None:
    """Wait until the timeline's feed connection is live."""
    expect(page.locator("#feed-state")).to_have_attribute("data-state", "live")


def test_visitor_is_sent_to_sign_in_then_signs_in_and_out(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    page = open_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.get_by_label("Password").fill("wrong password")
    page.get_by_label("Login").fill("k.reyes")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#sign-in-error")).to_be_visible()
    screenshot(page, "sign-in")
    page.get_by_label("Password").fill(server.passwords["k.reyes"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/bodies$"))
    bodies = page.locator("table.bodies tbody tr")
    expect(bodies).to_have_count(5)  # bcc-yokota, bcc-mod, jcg-technical, ops-bilateral, test
    expect(page.get_by_role("link", name="Joint Coordination Group (technical)")).to_be_visible()
    expect(page.get_by_role("link", name="U.S. intelligence cell")).to_have_count(0)
    screenshot(page, "bodies")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.goto("/bodies")
    expect(page).to_have_url(re.compile(r"/sign-in$"))


def test_sign_in_asks_for_the_totp_code_when_enabled(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    auth = server.runtime.authenticator
    person = server.person_id("k.reyes")
    secret = totp.new_secret()
    auth.store.update_account(person, server.clock.now(), totp_secret=secret)
    page = open_page()
    page.goto("/sign-in")
    page.get_by_label("Login").fill("k.reyes")
    page.get_by_label("Password").fill(server.passwords["k.reyes"])
    page.get_by_role("button", name="Sign in").click()
    code_box = page.get_by_label("Code from your authenticator app")
    expect(code_box).to_be_visible()
    now = server.clock.now().timestamp()
    code_box.fill(totp.totp(secret, now - 3600))  # an old code: refused
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#code-error")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill(totp.totp(secret, now))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/bodies$"))


def test_item_posted_through_the_api_appears_without_reload(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    server.post("k.reyes", "bcc-yokota", CONF_REL, "Liaison officers exchanged.")
    page = open_page("k.reyes")
    page.goto("/bodies/bcc-yokota")
    wait_live(page)
    page.evaluate("window.__sameDocument = true")
    with server.api("d.ogawa") as api:
        answer = api.post(
            "/api/v1/items",
            json={"body": "bcc-yokota", "label": REL, "text": "Radar track confirmed."},
        )
        assert answer.status_code == 201, answer.text
    item = page.locator("#timeline li", has_text="Radar track confirmed.")
    expect(item).to_be_visible()
    expect(page.locator("#timeline li").first).to_contain_text("Radar track confirmed.")
    expect(item.locator(".portion")).to_have_text("(S//REL TO USA, JPN)")
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    expect(item.locator(".local-time")).to_contain_text("Local time")
    assert console_errors[page] == []  # no script error, no CSP violation
    screenshot(page, "timeline")


def test_banner_turns_red_when_a_secret_item_arrives_on_a_confidential_page(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    server.post("k.reyes", "ops-bilateral", CONF_REL, "Intercept posture briefed.")
    page = open_page("k.reyes")
    page.goto("/bodies/ops-bilateral")
    expect(page.locator("#banner-top")).to_have_text(CONF_REL)
    assert banner_color(page) == "c"
    expect(page.locator("#banner-top")).to_have_css("background-color", "rgb(0, 51, 160)")
    wait_live(page)
    server.post("k.reyes", "ops-bilateral", REL, "Second launch detected.")
    expect(page.locator("#banner-top")).to_have_attribute("data-color", "s")
    expect(page.locator("#banner-bottom")).to_have_attribute("data-color", "s")
    expect(page.locator("#banner-top .banner-text")).to_have_text(REL)
    expect(page.locator("#banner-top")).to_have_css("background-color", "rgb(200, 16, 46)")
    screenshot(page, "banner-secret")


def test_japanese_reader_never_sees_noforn_nor_a_banner_above_what_they_may_see(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    server.post("k.reyes", "liaison-watch", CONF_REL, "Shared: liaison roster.")
    server.post("k.reyes", "liaison-watch", "SECRET//NOFORN", "U.S. only: source detail.")
    us = open_page("k.reyes")
    us.goto("/bodies/liaison-watch")
    expect(us.locator("#timeline li")).to_have_count(2)
    assert banner_color(us) == "s"
    japan = open_page("y.mori")
    japan.goto("/bodies/liaison-watch")
    expect(japan.locator("#timeline li")).to_have_count(1)
    expect(japan.locator("#timeline")).not_to_contain_text("U.S. only")
    assert banner_color(japan) == "c"
    expect(japan.locator("#banner-top .banner-national")).to_have_text("(秘//REL TO USA, JPN)")
    wait_live(japan)
    server.post("k.reyes", "liaison-watch", "SECRET//NOFORN", "U.S. only: second detail.")
    server.post("k.reyes", "liaison-watch", CONF_REL, "Shared: shift change.")
    expect(japan.locator("#timeline li", has_text="shift change")).to_be_visible()
    expect(japan.locator("#timeline li")).to_have_count(2)
    expect(japan.locator("body")).not_to_contain_text("U.S. only")
    assert banner_color(japan) == "c"
    screenshot(japan, "japanese-reader")
    # The NOFORN item is not reachable by address either (same answer as a missing one).
    noforn = us.locator("#timeline li", has_text="U.S. only: source detail.")
    ident = (noforn.get_attribute("id") or "").removeprefix("item-")
    assert ident
    japan.goto(f"/items/{ident}")
    expect(japan.locator("h1")).to_have_text("Something is not right")
    expect(japan.locator("body")).not_to_contain_text("source detail")


def test_label_picker_refuses_a_label_above_the_bodys_ceiling(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    page = open_page("k.reyes")  # cleared SECRET; the technical group's ceiling is U//FOUO
    page.goto("/bodies/jcg-technical/post")
    options = page.locator("#label option").evaluate_all("els => els.map(e => e.value)")
    assert options == ["", "UNCLASSIFIED", "UNCLASSIFIED//FOUO"]
    # A forged choice (an option added in the page) is refused next to the field.
    page.evaluate(
        """() => { const o = document.createElement('option');
        o.value = o.textContent = 'SECRET//REL TO USA, JPN';
        document.getElementById('label').append(o); }"""
    )
    page.locator("#label").select_option("SECRET//REL TO USA, JPN")
    page.get_by_label("Text").first.fill("Frequency deconfliction plan.")
    page.get_by_role("button", name="Post", exact=True).click()
    error = page.locator("#label-error")
    expect(error).to_contain_text("ceiling")
    expect(page.locator("#label")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#text-0")).to_have_value("Frequency deconfliction plan.")
    screenshot(page, "post-refused")
    page.goto("/bodies/jcg-technical")
    expect(page.locator("#timeline li")).to_have_count(0)


def test_posting_with_paragraph_portion_marks(server: ConsoleServer, open_page: OpenPage) -> None:
    page = open_page("k.reyes")
    page.goto("/bodies/bcc-yokota/post")
    page.locator("#mark-0").select_option("(U)")
    page.locator("#text-0").fill("Press line agreed.")
    page.locator("#mark-1").select_option("(C//REL TO USA, JPN)")
    page.locator("#text-1").fill("Interceptor readiness.")
    screenshot(page, "post")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page).to_have_url(re.compile(r"/bodies/bcc-yokota$"))
    item = page.locator("#timeline li").first
    expect(item.locator(".portion")).to_have_text(["(U)", "(C//REL TO USA, JPN)"])
    expect(item.locator(".item-label")).to_have_text(CONF_REL)
    item.locator(".item-label").click()
    expect(page.locator("#item-author")).to_have_text("Maj. Kim Reyes")
    expect(page.locator("#item-organization")).to_have_text("USFJ J-5 (Plans and Policy)")
    original = page.url
    page.get_by_role("link", name="Post a correction").click()
    expect(page.locator("#correcting")).to_be_visible()
    page.locator("#label").select_option(CONF_REL)
    page.locator("#text-0").fill("Interceptor readiness raised.")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page).to_have_url(re.compile(r"/bodies/bcc-yokota$"))
    expect(page.locator("#timeline li").first.locator(".tag")).to_have_text("correction")
    page.goto(original)
    expect(page.locator("ol.timeline li")).to_contain_text("Interceptor readiness raised.")
    screenshot(page, "item")


def test_switching_to_japanese_changes_the_interface_text(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    page = open_page("y.mori")
    page.goto("/profile")
    expect(page.locator("nav")).to_contain_text("Bodies")
    expect(page.locator("#clearance-national")).to_have_text("極秘")
    expect(page.locator("#clearance-us")).to_have_text("SECRET")
    page.get_by_label("Interface language").select_option("ja")
    page.get_by_role("button", name="Switch language").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("nav")).to_contain_text("会議体")
    expect(page.locator("h1")).to_have_text("プロフィール")
    screenshot(page, "profile-ja")
    page.goto("/bodies")
    expect(page.locator("h1")).to_have_text("所属する会議体")
    # The choice follows the person: another browser (no cookie, English locale) signs in
    # to Japanese; signing out clears it from the shared browser.
    again = open_page("y.mori")
    try:
        again.goto("/bodies")
        expect(again.locator("h1")).to_have_text("所属する会議体")
        page.locator("form[action='/sign-out'] button").click()
        page.goto("/sign-in")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:  # other tests sign in as y.mori and expect English
        again.goto("/profile")
        again.locator("select#language").select_option("en")
        again.locator("form[action='/language'] button").click()
        expect(again.locator("html")).to_have_attribute("lang", "en")


def test_form_posted_without_the_csrf_token_is_refused(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    page = open_page("k.reyes")
    page.goto("/bodies/bcc-yokota/post")
    page.locator("form.post-form input[name=csrf_token]").evaluate("e => e.remove()")
    page.locator("#label").select_option(REL)
    page.locator("#text-0").fill("Should never be stored.")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".error")).to_contain_text("refused")
    page.goto("/bodies/bcc-yokota")
    expect(page.locator("#timeline")).not_to_contain_text("Should never be stored.")


def test_exercise_mode_shows_the_exercise_line(server: ConsoleServer, open_page: OpenPage) -> None:
    person = server.person_id("k.reyes")
    server.runtime.services.run(people.set_mode, "exercise", actor=person)
    server.post("k.reyes", "bcc-yokota", CONF_REL, "Exercise inject 1.")
    page = open_page("k.reyes")
    page.goto("/bodies/bcc-yokota")
    expect(page.locator(".exercise")).to_have_count(2)
    expect(page.locator("#exercise-top")).to_have_text("EXERCISE EXERCISE EXERCISE")
    expect(page.locator("#banner-top")).not_to_contain_text("EXERCISE")
    screenshot(page, "exercise")


def test_the_console_is_usable_with_the_keyboard(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    page = open_page()
    page.goto("/sign-in")
    expect(page.get_by_label("Login")).to_be_focused()
    page.keyboard.type("k.reyes")
    page.keyboard.press("Tab")
    page.keyboard.type(server.passwords["k.reyes"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/bodies$"))
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # then the first link of the page's content
    link = page.get_by_role("link", name="Bilateral Coordination Center, Yokota Air Base")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/bodies/bcc-yokota$"))


def test_the_timeline_resumes_after_a_dropped_connection(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    page = open_page("k.reyes")
    page.goto("/bodies/ops-bilateral")
    wait_live(page)
    page.evaluate("window.bcmTimeline.socket.close()")
    server.post("k.reyes", "ops-bilateral", CONF_REL, "Posted while disconnected.")
    expect(page.locator("#timeline li", has_text="Posted while disconnected.")).to_be_visible()
    wait_live(page)
    server.post("k.reyes", "ops-bilateral", CONF_REL, "Posted after reconnecting.")
    expect(page.locator("#timeline li", has_text="Posted after reconnecting.")).to_be_visible()
    expect(page.locator("#timeline li")).to_have_count(2)


def test_the_demo_watch_floor_through_three_clearances(
    server: ConsoleServer, open_page: OpenPage
) -> None:
    logins = seed_console_demo(server.runtime.services)
    expected = {"k.reyes": ("s", 5), "y.mori": ("s", 4), "t.aoki": ("u", 2)}
    for demo in logins:
        page = open_page(demo.login)
        page.goto(f"/bodies/{WATCH_FLOOR}")
        color, count = expected[demo.login]
        expect(page.locator("#timeline li")).to_have_count(count)
        assert banner_color(page) == color
        screenshot(page, f"demo-{demo.login}")
