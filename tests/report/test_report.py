"""``sim report``: figures in the planner's language, every section present, every format readable."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from page_fixtures import CHROMIUM_FLAGS
from sim.cli import main
from sim.cli.report import parse_formats
from sim.errors import ScenarioError
from sim.experiment.blocks import run_scenario
from sim.i18n.language import Lang
from sim.report.document import column_shares
from sim.report.html import render as render_html
from sim.report.run import straight_path_share, waterfall_steps
from sim.report.write import build, check_lang, write_report
from sim.results.files import SummaryFile, read_model
from sim.results.folder import write_run
from sim.scenario.loader import load_scenario
from tests.conftest import SCENARIOS, run_cli
from tests.report_fixtures import MONEY, SMALL, compare_folder, small_run, sweep_folder

RUN_SECTIONS = ("headline", "fan", "promised", "semesters", "waterfall", "coverage", "money", "channels", "assumptions")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_run(tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="module")
def report_dir(run_dir: Path) -> Path:
    return write_report(run_dir, "id")


def test_indonesian_and_english_number_formats() -> None:
    id_, en = Lang("id"), Lang("en")
    assert (id_.number(1_300_000), id_.percent(0.5245), id_.signed(-1234.5, 1)) == ("1.300.000", "52,45%", "−1.234,5")
    assert (en.number(1_300_000), en.percent(0.5245), en.signed(1234)) == ("1,300,000", "52.45%", "+1,234")
    assert id_.date("2025-12-31") == "31 Desember 2025"


def test_straight_path_shares_split_the_horizon_by_days() -> None:
    # 1 Apr – 31 Dec 2025 is 275 days; 30 June ends day 91.
    assert straight_path_share("2025-04-01", "2025-12-31", "2025-06-30") == pytest.approx(91 / 275)
    assert straight_path_share("2025-04-01", "2025-12-31", "2025-12-31") == 1.0
    assert straight_path_share("2025-04-01", "2025-12-31", "2025-03-31") == 0.0


def test_achievement_is_net_additions_over_the_straight_path_need(run_dir: Path) -> None:
    summary = json.loads((run_dir / "summary.json").read_text())
    report = build(run_dir, Lang("en"))
    achievement = next(t for s in report.sections for t in s.tables if t.sheet == "Achievement")
    gap = 36000 - 30000
    for row, sem, share in zip(achievement.rows, summary["semesters"], (91 / 275, 184 / 275), strict=True):
        assert row[0] == sem["semester"]
        assert row[6] == pytest.approx(gap * share)
        assert row[7] == pytest.approx(sem["net_change_mean"] / (gap * share))


def test_waterfall_runs_from_the_baseline_to_the_projected_end(run_dir: Path) -> None:
    summary = read_model(run_dir / "summary.json", SummaryFile)
    steps = waterfall_steps(Lang("en"), summary)
    labels = [label for label, _ in steps]
    assert labels == ["Baseline", "Employers", "Walk-in", "Lapsed", "Reactivated"]
    assert steps[0][1] == 30000
    assert sum(v for _, v in steps) == pytest.approx(summary.semesters[-1].closing_active_mean)
    assert steps[3][1] < 0 < steps[4][1]


def test_markdown_has_the_verdict_every_section_and_real_charts(report_dir: Path) -> None:
    md = (report_dir / "report.md").read_text()
    verdicts = "Sesuai jalur|Lebih mungkin tercapai daripada tidak|Berisiko|Belum sesuai target"
    assert re.search(rf"\*\*({verdicts}): peluang mencapai target 36\.000 peserta aktif pada 31 Desember 2025", md)
    for title in (
        "Proyeksi peserta aktif",
        "Yang dapat dijanjikan",
        "Tambahan per semester",
        "Dari peserta awal ke proyeksi akhir",
        "Cakupan penduduk bekerja",
        "Iuran terkumpul dan biaya",
        "Asumsi dan sumber",
    ):
        assert f"## {title}" in md
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert images == ["fan.png", "waterfall.png"]
    for name in images:
        assert (report_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Tidak diberikan" in md  # no money figures in this scenario


def test_assumptions_carry_their_source_or_say_assumption(report_dir: Path) -> None:
    md = (report_dir / "report.md").read_text()
    assert "| population.workers | pu: 40.000; bpu: 60.000 | bali_2025.working_population_june_2025 |" in md
    assert "| lapse.pu.monthly_rate | 0,01 | asumsi |" in md
    assert "| channels[Employers].per_month | triangular(300; 500; 700) | asumsi |" in md
    assert "| channels[Walk-in].per_month | uniform(500; 900) | bali_history.bpu_active_nov_2023 |" in md


def test_xlsx_has_one_sheet_per_table_with_numbers(report_dir: Path) -> None:
    book = load_workbook(report_dir / "report.xlsx")
    assert book.sheetnames == ["Kesimpulan", "Janji", "Capaian", "Tambahan", "Waterfall", "Cakupan", "Kanal", "Asumsi"]
    achievement = book["Capaian"]
    assert [c.value for c in achievement[2]][:2] == ["Semester", "Awal"]
    first = [c.value for c in achievement[3]]
    assert first[0] == "2025-S1"
    assert all(isinstance(v, int | float) for v in first[1:])
    assert achievement.cell(row=3, column=8).number_format == "0.00%"
    coverage = book["Cakupan"]
    assert coverage.cell(row=3, column=2).value == 40000


def test_pdf_embeds_both_charts(report_dir: Path) -> None:
    data = (report_dir / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/Subtype /Image") == 2


def test_money_figures_are_rendered_when_the_run_has_them(tmp_path: Path) -> None:
    report = build(small_run(tmp_path, MONEY), Lang("id"))
    money = next(s for s in report.sections if s.key == "money")
    assert [t.rows for t in money.tables] == [
        ((1_234_567_890.0, 1_100_000_000.0, 1_300_000_000.0),),
        (("Employers", 5_000_000.0, 2500.0, 2000.0),),
    ]
    assert money.tables[0].title == "Iuran terkumpul (IDR)"


def test_comparison_ranks_variants_by_paired_difference(tmp_path: Path) -> None:
    report = build(compare_folder(tmp_path / "cmp"), Lang("en"))
    (table,) = report.sections[0].tables
    assert [row[1] for row in table.rows] == ["Base (Base)", "KUR push", "More agents", "Cut budget"]
    assert report.headline.startswith("The best strategy is KUR push: +2,400 final members against Base")
    changes = next(s for s in report.sections if s.key == "changes")
    assert [t.title for t in changes.tables] == ["KUR push", "More agents", "Cut budget"]
    assert changes.tables[0].rows == (("channels[BPR agents].agents", "22", "2,422"),)  # the report's number style
    assert report.sections[0].charts[0].png[:4] == b"\x89PNG"


@pytest.mark.parametrize("two", [False, True])
def test_sweep_ranks_points_by_probability(tmp_path: Path, two: bool) -> None:
    report = build(sweep_folder(tmp_path / "sweep", two), Lang("en"))
    (table,) = report.sections[0].tables
    probabilities = [row[1 + (2 if two else 1)] for row in table.rows]
    assert probabilities == sorted(probabilities, reverse=True)
    assert table.rows[0][1] == 128
    assert report.sections[0].charts[0].png[:4] == b"\x89PNG"


def test_run_with_report_writes_both(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SMALL)
    out = tmp_path / "run"
    done = run_cli(
        "run",
        str(scenario),
        "--reps",
        "100",
        "--workers",
        "1",
        "--out",
        str(out),
        "--quiet",
        "--report",
        "--lang",
        "en",
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (out / "report-en").iterdir()) == [
        "COMPLETE",
        "fan.png",
        "report.html",
        "report.md",
        "report.pdf",
        "report.xlsx",
        "waterfall.png",
    ]
    assert "## Verdict" in (out / "report-en" / "report.md").read_text()


def test_report_cli_errors_are_one_line(run_dir: Path, tmp_path: Path) -> None:
    done = run_cli("report", str(tmp_path), "--out", str(tmp_path / "never"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert "has no COMPLETE marker" in done.stderr
    assert not (tmp_path / "never").exists()


def test_unknown_formats_and_languages_are_refused() -> None:
    assert parse_formats("md, HTML") == ["md", "html"]
    with pytest.raises(ScenarioError, match="unknown format 'docx'; allowed: md,html,xlsx,pdf"):
        parse_formats("md,docx")
    with pytest.raises(ScenarioError, match="unknown language 'fr'; allowed: id, en"):
        check_lang("fr")


CHECK_IMAGES = """<script>
window.addEventListener("load", function () {
  var imgs = Array.from(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute("data-images", imgs.length);
  document.body.setAttribute("data-images-ok", ok);
});
</script>"""


def _chromium() -> str | None:
    return next((shutil.which(name) for name in ("chromium", "chromium-browser") if shutil.which(name)), None)


def _headless(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    return subprocess.run([binary, *flags, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_html_renders_in_headless_chromium(run_dir: Path, tmp_path: Path, lang: str) -> None:
    binary = _chromium()
    if binary is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium); the HTML was not rendered")
    html = write_report(run_dir, lang, ["html"], tmp_path / "report") / "report.html"
    page = tmp_path / "check.html"
    page.write_text(html.read_text().replace("</body>", CHECK_IMAGES + "</body>"))
    dom = _headless(binary, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom", page.as_uri()).stdout
    body = re.search(r'<body data-images="(\d+)" data-images-ok="(\d+)"', dom)
    assert body is not None, "the page did not finish loading"
    assert body.groups() == ("2", "2"), "an image failed to decode"
    for key in RUN_SECTIONS:
        assert re.search(rf'<section id="{key}"><h2>[^<]+</h2>', dom), f"section {key} is missing"
    shot = tmp_path / "report.png"
    _headless(
        binary,
        tmp_path / "profile",
        "--window-size=1280,2400",
        "--hide-scrollbars",
        f"--screenshot={shot}",
        page.as_uri(),
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a blank page is a few kB


MEASURE_TABLES = """<script>
window.addEventListener("load", function () {
  var page = document.documentElement.clientWidth;
  var tables = Array.from(document.querySelectorAll("table"));
  var widest = Math.max.apply(null, tables.map(function (t) { return Math.ceil(t.getBoundingClientRect().right); }));
  var spilt = Array.from(document.querySelectorAll("td, th")).filter(function (c) {
    return c.scrollWidth > c.clientWidth;
  }).length;
  document.body.setAttribute("data-page", page);
  document.body.setAttribute("data-scroll", document.documentElement.scrollWidth);
  document.body.setAttribute("data-widest", widest);
  document.body.setAttribute("data-spilt", spilt);
});
</script>"""


@pytest.fixture(scope="module")
def bali_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bali-2025, whose assumptions table has the longest values and sources of the shipped scenarios."""
    loaded = load_scenario(SCENARIOS / "bali-2025.yaml")
    results = run_scenario(loaded.scenario, replications=100, workers=1)
    folder = tmp_path_factory.mktemp("bali") / "run"
    return write_run(folder, results.summary("test"), results.monthly_rows(), loaded.scenario, loaded.chain, {})


# 1280 px: a laptop or projector. 1000 px: narrower than A4 landscape less 12 mm margins (1032 px),
# the page the report prints on.
@pytest.mark.parametrize("width", [1280, 1000])
def test_every_table_fits_the_page_in_headless_chromium(bali_run: Path, tmp_path: Path, width: int) -> None:
    binary = _chromium()
    if binary is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium); the HTML was not rendered")
    html = write_report(bali_run, "id", ["html"], tmp_path / "report") / "report.html"
    page = tmp_path / "measure.html"
    page.write_text(html.read_text().replace("</body>", MEASURE_TABLES + "</body>"))
    dom = _headless(
        binary,
        tmp_path / "profile",
        f"--window-size={width},1000",
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ).stdout
    found = re.search(r'data-page="(\d+)" data-scroll="(\d+)" data-widest="(\d+)" data-spilt="(\d+)"', dom)
    assert found is not None, "the page did not finish loading"
    viewport, scroll, widest, spilt = map(int, found.groups())
    assert viewport > 0.9 * width  # the window (less a scrollbar) is the page measured
    assert widest <= viewport, f"a table ends at {widest} px on a {viewport} px page"
    assert scroll <= viewport, f"the page scrolls sideways: {scroll} px on a {viewport} px page"
    assert spilt == 0, f"{spilt} table cells spill out of their column"


def test_a_table_of_words_gives_room_by_content(bali_run: Path) -> None:
    report = build(bali_run, Lang("id"))
    (table,) = next(s for s in report.sections if s.key == "assumptions").tables
    item, value, source = column_shares(table)
    assert item + value + source == pytest.approx(1.0)
    assert source > item > value > 0.15  # sources are the longest; no column is starved
    start = '<table class="words"><caption>Asumsi dan sumber</caption><colgroup>'
    assert f'{start}<col style="width: {100 * item:.1f}%">' in render_html(report)


def test_parameter_values_and_probability_changes_read_naturally() -> None:
    id_, en = Lang("id"), Lang("en")
    assert (id_.cell(0.3, "num"), id_.cell(128, "num"), id_.cell(0.35, "pp")) == ("0,3", "128", "+35,00 poin")
    assert (en.cell(0.125, "num"), en.cell(-0.1, "pp"), en.cell(None, "int")) == ("0.125", "−10.00 pp", "–")


def test_run_with_a_bad_report_language_writes_nothing(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SMALL)
    done = run_cli("run", str(scenario), "--out", str(tmp_path / "run"), "--report", "--lang", "fr")
    assert done.returncode == 2
    assert "--lang: unknown language 'fr'" in done.stderr
    assert not (tmp_path / "run").exists()


def test_coverage_per_segment_adds_up_to_the_whole(run_dir: Path) -> None:
    report = build(run_dir, Lang("en"))
    (table,) = next(s for s in report.sections if s.key == "coverage").tables
    pu, bpu, total = table.rows
    assert (pu[0], pu[1], bpu[1], total[1]) == ("pu", 40000, 60000, 100000)
    assert pu[2] + bpu[2] == pytest.approx(total[2])
    assert total[3] == pytest.approx(total[2] / 100000)


def test_money_without_contribution_rates_says_so(tmp_path: Path) -> None:
    money = {**MONEY, "contributions": None}
    report = build(small_run(tmp_path, money), Lang("en"))
    section = next(s for s in report.sections if s.key == "money")
    assert [t.rows for t in section.tables] == [(("Employers", 5_000_000.0, 2500.0, 2000.0),)]
    assert "no contribution rates" in section.paragraphs[0]


def test_solve_folder_reports_the_answer_and_the_values_tried(tmp_path: Path) -> None:
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "solve"
    with pytest.raises(SystemExit) as done:
        main(
            [
                "solve",
                str(scenario),
                "--lever",
                "channels[Walk-in].per_month",
                "--range",
                "0:3000",
                "--probability",
                "0.8",
                "--precision",
                "100",
                "--out",
                str(out),
            ]
        )
    assert done.value.code == 0
    answer = json.loads((out / "solve.json").read_text())["answers"][0]
    report = build(out, Lang("en"))
    value = f"{answer['value']:,.0f}"
    assert report.headline.startswith(f"The smallest channels[Walk-in].per_month that reaches P(target) 80% is {value}")
    probes = next(s for s in report.sections if s.key == "probes").tables[0]
    assert sorted(row[1] for row in probes.rows) == sorted(p["value"] for p in answer["probes"])
    assert report.sections[1].charts[0].png[:4] == b"\x89PNG"
