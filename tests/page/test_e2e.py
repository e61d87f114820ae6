"""The what-if page end to end, in real headless Chromium, against a real ``sim serve``.

Each test opens the page as a planner would, acts on it, and reads what it shows through the stable
``data-testid`` values; every test also asserts that no request left 127.0.0.1.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import yaml

from page_fixtures import Served
from sim.i18n.language import Lang
from sim.page.levers import checked
from sim.page.url import View, view_query
from sim.scenario.loader import load_scenario
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e

AGENTS = "channels[BPR agents].agents"
KUR = "channels[BRI KUR].enrollment_rate"
TIMEOUT = 60_000


def url_of(served: Served, *sets: str, lang: str = "id", scenario: str = "bali-2025") -> str:
    return served.url + view_query(View(scenario, sets, lang))


def stages(page: Any) -> list[str]:
    return list(page.evaluate("window.__stages"))


def settled(page: Any, since: int = 0) -> str:
    """Wait for a full answer after stage ``since``; returns the final mean it shows."""
    page.wait_for_function(
        "n => window.__stages.slice(n).some(s => s.startsWith('success:'))", arg=since, timeout=TIMEOUT
    )
    return str(page.get_by_test_id("final-mean").inner_text())


def set_lever(page: Any, path: str, value: str) -> int:
    """Type ``value`` into a lever's exact field and press Enter; returns the stage count before."""
    before = len(stages(page))
    field = page.get_by_test_id(f"lever-{path}").locator(".lever-value")
    field.fill(value)
    field.press("Enter")
    return before


def as_number(text: str) -> int:
    return int(text.replace(".", "").replace("−", "-"))


def test_open_the_page_and_read_the_verdict_of_sim_run(browsing: Any, outside: list[str], served: Served) -> None:
    page = browsing.new_page()
    page.goto(url_of(served))
    mean = settled(page)
    loaded = load_scenario(served.scenarios / "bali-2025.yaml")
    from sim.experiment.blocks import run_scenario

    s = loaded.scenario
    summary = run_scenario(s, replications=s.replications, seed=s.seed).summary()
    lang = Lang("id")
    assert mean == lang.number(summary["final"]["mean"])
    assert page.get_by_test_id("probability").inner_text() == lang.percent(summary["target"]["probability"])
    assert page.get_by_test_id("coverage").inner_text() == lang.percent(summary["coverage"]["mean"])
    assert "Belum sesuai target" in page.get_by_test_id("verdict").inner_text()
    assert page.get_by_test_id("fan-chart").get_attribute("src").startswith("data:image/png;base64,")
    assert "Tidak ada" not in page.get_by_test_id("difference").inner_text()
    assert page.locator("table caption", has_text="Pendaftaran menurut kanal").count() == 1


def test_more_agents_give_more_members_with_a_preview_first(browsing: Any, outside: list[str], served: Served) -> None:
    page = browsing.new_page()
    page.goto(url_of(served))
    base = as_number(settled(page))
    before = set_lever(page, AGENTS, "128")
    more = as_number(settled(page, before))
    assert more > base
    after = stages(page)[before:]
    previews = [s for s in after if s.startswith("running:500:")]
    assert previews, after  # the preview of 500 replications showed before the full answer
    assert after.index(previews[0]) < next(i for i, s in enumerate(after) if s.startswith("success:"))
    diff = page.get_by_test_id("diff-final").inner_text()
    assert (diff.startswith("+") and as_number(diff.split()[0].lstrip("+")) == more - base) or diff.startswith("+")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query["set"] == [f"{AGENTS}=128"]
    fewer_before = set_lever(page, KUR, "0")
    assert as_number(settled(page, fewer_before)) < more


def test_a_shared_link_opens_the_same_view(browsing: Any, outside: list[str], served: Served) -> None:
    page = browsing.new_page()
    page.goto(url_of(served, f"{AGENTS}=60", f"{KUR}=0.5", lang="en"))
    mean = settled(page)
    assert page.get_by_test_id(f"lever-{AGENTS}").locator(".lever-value").input_value() == "60"
    assert page.get_by_test_id(f"lever-{KUR}").locator(".lever-value").input_value() == "0.5"
    assert "Probability of reaching the target" in page.get_by_test_id("verdict").inner_text()
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", mean)
    other = browsing.new_page()
    other.goto(page.url)
    assert settled(other) == mean


def test_pin_a_then_compare_with_b(browsing: Any, outside: list[str], served: Served) -> None:
    page = browsing.new_page()
    page.goto(url_of(served, f"{AGENTS}=40"))
    a_mean = settled(page)
    page.get_by_role("button", name="Simpan pengaturan ini sebagai strategi A").click()
    page.get_by_test_id("strategy-a").wait_for()
    before = set_lever(page, AGENTS, "120")
    b_mean = settled(page, before)
    ab = page.get_by_test_id("ab")
    ab.get_by_test_id("strategy-b").wait_for()
    assert a_mean in ab.get_by_test_id("strategy-a").inner_text()
    assert b_mean in ab.get_by_test_id("strategy-b").inner_text()
    assert f"{AGENTS}=120" in ab.get_by_test_id("strategy-b").inner_text()
    assert ab.get_by_test_id("a-b").get_by_test_id("diff-final").inner_text().startswith("+")


def test_save_as_scenario_then_sim_run_gives_the_same_figures(
    browsing: Any, outside: list[str], served: Served
) -> None:
    page = browsing.new_page()
    page.goto(url_of(served, f"{AGENTS}=77", f"{KUR}=0.45"))
    mean = settled(page)
    page.locator("#save_label").fill("meeting 77 BPR")
    page.get_by_role("button", name="Simpan sebagai skenario").click()
    saved = page.get_by_test_id("saved")
    saved.wait_for()
    path = Path(saved.inner_text().split(": ", 1)[1])
    assert path.parent == served.scenarios and path.name == "bali-2025-meeting-77-bpr.yaml"
    text = path.read_text()
    assert text.startswith("# Saved from the what-if page")
    data = yaml.safe_load(text)
    assert data["extends"] == "bali-2025.yaml"
    assert data["channels"] == [
        {"name": "BRI KUR", "enrollment_rate": 0.45},
        {"name": "BPR agents", "agents": 77},
    ] or data["channels"] == [{"name": "BPR agents", "agents": 77}, {"name": "BRI KUR", "enrollment_rate": 0.45}]
    assert set(data) == {"extends", "name", "channels"}
    assert run_cli("validate", str(path)).returncode == 0
    ran = run_cli("run", str(path), "--json", "--out", str(served.results / "saved-run"), "--workers", "1")
    assert ran.returncode == 0, ran.stderr
    import json

    assert Lang("id").number(json.loads(ran.stdout)["final"]["mean"]) == mean
    page.get_by_role("button", name="Simpan sebagai skenario").click()  # the same label again: a new file
    page.get_by_text("bali-2025-meeting-77-bpr-2.yaml").wait_for()
    assert path.read_text() == text


def test_export_the_report_in_the_chosen_language(browsing: Any, outside: list[str], served: Served) -> None:
    page = browsing.new_page()
    page.goto(url_of(served, f"{AGENTS}=90", lang="en"))
    mean = settled(page)
    page.get_by_label("PDF").uncheck()
    page.get_by_role("button", name="Export report").click()
    exported = page.get_by_test_id("exported")
    exported.wait_for(timeout=TIMEOUT)
    folder = Path(exported.inner_text().split(" to ", 1)[1])
    assert folder.name == "report-en" and folder.parent.parent.parent == served.results
    html = (folder / "report.html").read_text()
    assert mean in html
    assert (folder / "report.xlsx").is_file() and not (folder / "report.pdf").exists()
    run_json = yaml.safe_load((folder.parent / "run.json").read_text())
    assert run_json["overrides"] == [f"{AGENTS}=90"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (AGENTS, "abc"),
        (AGENTS, "-3"),
        (KUR, "1.5"),
        ("channels[Gianyar funded workers].batches[0].on", "2027-01-01"),
    ],
)
def test_a_bad_value_shows_the_message_beside_the_field_and_changes_nothing(
    browsing: Any, outside: list[str], served: Served, path: str, value: str
) -> None:
    page = browsing.new_page()
    page.goto(url_of(served, f"{AGENTS}=30"))
    mean = settled(page)
    address = page.url
    lever = page.get_by_test_id(f"lever-{path}")
    field = lever.locator(".lever-value")
    field.fill(value)
    field.press("Enter")
    message = lever.locator(".lever-error")
    message.wait_for()
    loaded = load_scenario(served.scenarios / "bali-2025.yaml")
    try:
        checked(loaded, [f"{AGENTS}=30", f"{path}={value}"])
    except Exception as exc:
        expected = str(exc)
    assert message.inner_text() == expected
    assert "Traceback" not in page.content()
    page.wait_for_timeout(500)
    assert page.get_by_test_id("final-mean").inner_text() == mean
    assert page.url == address


def test_two_tabs_keep_their_own_state(browsing: Any, outside: list[str], served: Served) -> None:
    one, two = browsing.new_page(), browsing.new_page()
    one.goto(url_of(served))
    two.goto(url_of(served))
    first = settled(one)
    settled(two)
    before = set_lever(two, AGENTS, "128")
    changed = settled(two, before)
    assert changed != first
    assert one.get_by_test_id("final-mean").inner_text() == first
    assert one.get_by_test_id(f"lever-{AGENTS}").locator(".lever-value").input_value() == "22"


def test_a_regional_scenario_has_a_region_selector_and_table(browsing: Any, outside: list[str], served: Served) -> None:
    page = browsing.new_page()
    page.goto(url_of(served, scenario="banuspa-2026"))
    page.get_by_test_id("region").select_option("Bali")
    table = page.get_by_test_id("regions")
    table.wait_for(timeout=TIMEOUT)
    assert "Nusa Tenggara Barat" in table.inner_text()
    assert page.get_by_test_id("lever-regions[Bali].channels[BPR agents].agents").is_visible()
    assert not page.get_by_test_id("lever-regions[Nusa Tenggara Barat].channels[BRI KUR].enrollment_rate").is_visible()
    page.wait_for_function("() => location.search.includes('region=Bali')")
    settled(page)  # the full answer arrives after progress reports, not a failed run
    assert any(s.startswith("running:") and not s.startswith("running:0:") for s in stages(page))


def test_the_offline_check_catches_a_request_off_the_machine(browsing: Any, served: Served) -> None:
    from page_fixtures import is_local

    page = browsing.new_page()
    seen: list[str] = []
    page.on("request", lambda r: None if is_local(r.url) else seen.append(r.url))
    page.route(re.compile(r"^https://"), lambda route: route.abort())
    page.goto(url_of(served))
    page.evaluate("fetch('https://fonts.googleapis.com/css2?family=Open+Sans').catch(() => null)")
    page.wait_for_timeout(300)
    assert seen == ["https://fonts.googleapis.com/css2?family=Open+Sans"]


def test_optimise_two_levers_for_a_budget_and_apply_the_best(browsing: Any, outside: list[str], served: Served) -> None:
    members = "channels[Gianyar funded workers].batches[0].members"
    page = browsing.new_page()
    page.goto(url_of(served, lang="en"))
    settled(page)
    panel = page.get_by_test_id("optimise")
    panel.locator("#opt_budget").fill("three billion")
    panel.get_by_role("button", name="Optimise", exact=True).click()
    error = page.get_by_test_id("optimise-budget-error")
    error.get_by_text("budget").wait_for()
    assert "\n" not in error.inner_text().strip()
    for path in (AGENTS, members):
        page.get_by_test_id(f"optimise-lever-{path}").locator("input[type=checkbox]").check()
    panel.locator("#opt_budget").fill("3e9")
    panel.get_by_role("button", name="Optimise", exact=True).click()
    result = page.get_by_test_id("optimise-result")
    result.locator("table").wait_for(timeout=TIMEOUT)
    assert error.inner_text().strip() == ""
    rows = result.locator("tbody tr")
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == [AGENTS, members]
    headline = result.locator(".optimise-headline").inner_text()
    assert "of Rp 3,000,000,000" in headline and "over the scenario as written" in headline
    best = {
        rows.nth(i).locator("td").first.inner_text(): rows.nth(i).locator("td").nth(1).inner_text() for i in range(2)
    }
    before = len(stages(page))
    panel.get_by_role("button", name="Apply the best allocation to the levers").click()
    settled(page, before)
    for path, value in best.items():
        assert as_number(page.get_by_test_id(f"lever-{path}").locator(".lever-value").input_value()) == as_number(
            value.replace(",", "")
        )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert {s.split("=")[0] for s in query["set"]} == {AGENTS, members}
    panel.screenshot(path="/tmp/optimise-panel.png")
    page.goto(url_of(served))
    page.get_by_test_id("optimise").locator("#opt_budget").fill("nol")
    page.get_by_test_id("optimise").get_by_role("button", name="Optimalkan", exact=True).click()
    page.get_by_test_id("optimise-budget-error").get_by_text("budget").wait_for()
    page.get_by_test_id("optimise").screenshot(path="/tmp/optimise-panel-id.png")
