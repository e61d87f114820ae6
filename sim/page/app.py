"""The Shiny app: the page built for each request from its address, and each session's reactive graph.

The page is built from the URL (:mod:`sim.page.url`), so a shared link opens with its levers
already set and the first run already uses them. Each browser tab is its own session with its own
state; every session shares the one worker pool and the cache of scenarios as written.

A lever change arrives as one list of ``PATH=VALUE`` settings. It is checked like ``--set``; a bad
value puts the one-line message beside its field and changes nothing. A good one becomes the view:
the address is rewritten, the running run is cancelled and a new one starts, showing its preview and
then its full answer, each with the paired difference from the scenario as written. The optimise
panel runs ``sim optimize``'s search (:mod:`sim.page.optimise`) as its own cancellable task.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from htmltools import HTMLDependency, Tag, TagAttrValue, TagList, tags
from shiny import App, Inputs, Outputs, Session, reactive, render, ui

from sim.analyses.compare import paired
from sim.errors import ScenarioError
from sim.i18n.language import Lang
from sim.page import keep, optimise, views
from sim.page.levers import Lever, checked, derive_levers
from sim.page.runs import Answer, RunFailed, Workers, full, preview
from sim.page.scenarios import Folder
from sim.page.url import View, parse_view, view_query
from sim.scenario.loader import Loaded
from sim.scenario.schema import Scenario

ASSETS = Path(__file__).resolve().parent / "assets"
PAGE_ASSETS = HTMLDependency(
    "sim-page", "1.0", source={"subdir": str(ASSETS)}, script={"src": "page.js"}, stylesheet={"href": "page.css"}
)


@dataclass
class Context:
    """What every session shares: the scenarios, where results go, the workers, and runs as written."""

    folder: Folder
    results_dir: Path
    workers: Workers
    lang: str = "id"
    token: str | None = None
    written: dict[tuple[str, float], asyncio.Task[Answer]] = field(default_factory=dict)

    def as_written(self, name: str, loaded: Loaded) -> asyncio.Task[Answer]:
        """The full run of the scenario as written (the base of every paired difference), run once."""
        key = (name, loaded.file.stat().st_mtime)
        task = self.written.get(key)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            s = loaded.scenario
            task = asyncio.ensure_future(full(self.workers, s, s.seed, s.replications, loaded.warnings))
            self.written[key] = task
        return task


@dataclass(frozen=True)
class Shown:
    """An answer on screen and its paired difference from the scenario as written (None when it is that)."""

    answer: Answer
    difference: dict[str, Any] | None
    sets: tuple[str, ...]


def lever_tag(lang: Lang, lever: Lever, value: str) -> Tag:
    """A slider with its exact value beside it (or a date field), a pin for a distribution, and a message line."""
    label_key = (
        "lever.rollout_agents" if ".rollout[" in lever.path and lever.field == "agents" else f"lever.{lever.field}"
    )
    if lever.path.endswith("target.members"):
        label_key = "lever.members_target"
    attrs: dict[str, TagAttrValue] = {
        "data-testid": f"lever-{lever.path}",
        "data-path": lever.path,
        "data-written": lever.written,
    }
    if lever.kind == "date":
        row = tags.input(
            type="date",
            value=value,
            min=lever.first,
            max=lever.last,
            class_="form-control form-control-sm lever-value lever-date",
        )
        return tags.div(
            tags.label(lang.t(label_key)),
            tags.div(row, class_="lever-row"),
            tags.div(class_="lever-error"),
            attrs,
            class_="lever",
        )
    try:
        start = float(value)
    except ValueError:
        start = lever.start
    slider = tags.input(
        type="range",
        class_="form-range lever-range",
        min=f"{lever.low:g}",
        max=f"{lever.high:g}",
        step=f"{lever.step:g}",
        value=f"{start:g}",
    )
    exact = tags.input(
        type="text",
        value=value,
        class_="form-control form-control-sm lever-value",
        inputmode="decimal",
        spellcheck="false",
    )
    parts: list[Any] = [tags.label(lang.t(label_key)), tags.div(slider, exact, class_="lever-row")]
    if lever.mean is not None:
        attrs["data-mean"] = f"{lever.mean:g}"
        pin = tags.input(
            type="checkbox", class_="form-check-input lever-pin", checked=True if value != lever.written else None
        )
        note = lang.t("page.uncertain", dist=lever.written, mean=lang.short(lever.mean, 3))
        parts.append(
            tags.div(
                tags.label(pin, " ", lang.t("page.pin"), class_="form-check-label"),
                tags.div(note, class_="lever-note"),
                class_="form-check",
            )
        )
    parts.append(tags.div(class_="lever-error"))
    return tags.div(*parts, attrs, class_="lever")


def lever_panel(lang: Lang, levers: list[Lever], view: View) -> Tag:
    """Every lever, grouped by what it belongs to; settings for paths that are not levers ride along."""
    given = dict(s.split("=", 1) for s in view.sets)
    paths = {lv.path for lv in levers}
    extra = [s for s in view.sets if s.split("=", 1)[0] not in paths]
    groups: dict[tuple[str, str], list[Tag]] = {}
    for lv in levers:
        groups.setdefault((lv.region, lv.group), []).append(lever_tag(lang, lv, given.get(lv.path, lv.written)))
    blocks = []
    for (region, group), items in groups.items():
        title = _group_title(lang, group)
        heading = f"{region} · {title}" if region else title
        blocks.append(
            tags.div(tags.div(heading, class_="lever-group-title"), *items, class_="lever-group", data_region=region)
        )
    return tags.div(*blocks, id="levers", data_extra=json.dumps(extra))


def _group_title(lang: Lang, group: str) -> str:
    if group == "target":
        return lang.t("page.group.target")
    if group.startswith("lapse "):
        return lang.t("page.group.lapse", segment=group.removeprefix("lapse "))
    return group


def optimise_panel(lang: Lang, levers: list[Lever]) -> Tag:
    """Budget, objective and the costed levers to optimise with their ranges; the answer below."""
    objectives = {name: lang.t(f"objective.{name}") for name in ("members", "probability", "coverage-p80")}
    rows = [
        tags.tr(
            tags.td(
                tags.label(
                    tags.input(type="checkbox", id=f"opt_use_{i}", class_="form-check-input optimise-use"),
                    " ",
                    tags.code(lv.path),
                    class_="form-check-label",
                )
            ),
            tags.td(ui.input_text(f"opt_lo_{i}", None, value=f"{lv.low:g}", width="7em")),
            tags.td(ui.input_text(f"opt_hi_{i}", None, value=f"{lv.high:g}", width="7em")),
            data_path=lv.path,
            **{"data-testid": f"optimise-lever-{lv.path}"},
        )
        for i, lv in enumerate(levers)
    ]
    head = tags.tr(tags.th(lang.t("solve_lever")), tags.th(lang.t("page.low")), tags.th(lang.t("page.high")))
    card = ui.card(
        ui.card_header(lang.t("page.optimise")),
        tags.div(lang.t("page.optimise_note", reps=lang.number(optimise.DEFAULT_REPS)), class_="small text-muted"),
        tags.div(
            tags.div(
                ui.input_text("opt_budget", lang.t("page.budget"), placeholder="5e9", width="14em"),
                tags.div(
                    ui.output_ui("opt_budget_error"), class_="lever-error", **{"data-testid": "optimise-budget-error"}
                ),
                class_="optimise-budget",
            ),
            ui.input_select("opt_objective", lang.t("page.objective"), objectives, width="22em"),
            class_="optimise-options",
        ),
        tags.table(
            tags.thead(head),
            tags.tbody(*rows),
            class_="table table-sm optimise-levers",
        ),
        tags.div(
            ui.input_action_button("opt_run", lang.t("page.optimise_run"), class_="btn-primary btn-sm"), class_="mb-2"
        ),
        tags.div(ui.output_ui("opt_result"), **{"data-testid": "optimise-result"}),
    )
    return tags.div(card, id="optimise", **{"data-testid": "optimise"})


def header(lang: Lang, ctx: Context, view: View, loaded: Loaded | None) -> Tag:
    """Scenario choice, language toggle and, for a regional scenario, the region choice."""
    options = [
        tags.option(f"{e.title}" + (" ⚠" if e.problem else ""), value=e.name, selected=e.name == view.scenario or None)
        for e in ctx.folder.entries()
    ]
    other = "en" if lang.code == "id" else "id"
    parts: list[Any] = [
        tags.label(lang.t("page.scenario"), for_="scenario-select", class_="form-label small mb-0"),
        tags.select(*options, id="scenario-select", class_="form-select form-select-sm", **{"data-testid": "scenario"}),
    ]
    if loaded is not None and loaded.scenario.description:
        parts.append(tags.div(" ".join(loaded.scenario.description.split()), class_="small text-muted mt-1"))
    if loaded is not None and loaded.scenario.regions:
        regions = [tags.option(lang.t("page.all_regions"), value="")] + [
            tags.option(r.name, value=r.name, selected=r.name == view.region or None) for r in loaded.scenario.regions
        ]
        parts += [
            tags.label(lang.t("page.region"), for_="region-select", class_="form-label small mb-0 mt-2"),
            tags.select(*regions, id="region-select", class_="form-select form-select-sm", **{"data-testid": "region"}),
        ]
    toggle = tags.button(
        lang.t("page.other_lang"),
        id="lang-toggle",
        type="button",
        class_="btn btn-outline-secondary btn-sm mt-2",
        data_lang=other,
        **{"data-testid": "lang"},
    )
    return tags.div(*parts, toggle)


def page_for(ctx: Context, request: Any) -> Tag:
    """The whole page for one request, in its language, with its levers at the URL's values."""
    view = parse_view(request.url.query, ctx.folder.names(), ctx.lang)
    lang = Lang(view.lang)
    loaded: Loaded | None = None
    problem = ""
    try:
        loaded = ctx.folder.load(view.scenario)
    except ScenarioError as exc:
        problem = str(exc)
    side: list[Any] = [header(lang, ctx, view, loaded)]
    if loaded is not None:
        side += [
            tags.h5(lang.t("page.levers"), class_="mt-3 mb-0"),
            tags.div(lang.t("page.levers_note"), class_="small text-muted"),
            lever_panel(lang, derive_levers(loaded), view),
        ]
    main: list[Any] = []
    if problem:
        main.append(tags.div(problem, class_="alert alert-danger", **{"data-testid": "scenario-problem"}))
    main += [
        ui.layout_columns(
            ui.card(
                ui.card_header(lang.t("page.verdict")),
                tags.div(ui.output_ui("verdict"), **{"data-testid": "verdict"}),
                ui.output_ui("status"),
            ),
            ui.card(
                ui.card_header(lang.t("page.difference")),
                tags.div(ui.output_ui("difference"), **{"data-testid": "difference"}),
            ),
            col_widths=(7, 5),
        ),
        ui.card(
            ui.card_header(lang.t("fan")), ui.output_ui("fan"), tags.div(lang.t("fan_note"), class_="small text-muted")
        ),
        ui.card(
            ui.card_header(lang.t("page.ab_title")),
            tags.div(
                ui.input_action_button("pin_a", lang.t("page.pin_a"), class_="btn-primary btn-sm"),
                ui.input_action_button("clear_a", lang.t("page.clear_a"), class_="btn-outline-secondary btn-sm ms-2"),
                class_="mb-2",
            ),
            tags.div(ui.output_ui("ab"), **{"data-testid": "ab"}),
        ),
        ui.output_ui("regions"),
        *([optimise_panel(lang, optimise.costed_levers(loaded, derive_levers(loaded)))] if loaded is not None else []),
        ui.card(ui.card_header(lang.t("semesters")), ui.output_ui("tables")),
        ui.card(
            ui.card_header(lang.t("page.keep")),
            ui.layout_columns(
                tags.div(
                    ui.input_text("save_label", None, placeholder="60 BPR, KUR 50%", width="100%"),
                    ui.input_action_button("save", lang.t("page.save"), class_="btn-outline-primary btn-sm"),
                ),
                tags.div(
                    ui.input_checkbox_group(
                        "formats",
                        None,
                        {"html": "HTML", "xlsx": "Excel", "pdf": "PDF"},
                        selected=["html", "xlsx", "pdf"],
                        inline=True,
                    ),
                    ui.input_action_button("export", lang.t("page.export"), class_="btn-outline-primary btn-sm"),
                ),
            ),
            tags.div(ui.output_ui("kept"), **{"data-testid": "kept"}),
        ),
    ]
    return ui.page_sidebar(
        ui.sidebar(*side, width=400, open="always"),
        *main,
        PAGE_ASSETS,
        title=lang.t("page.title"),
        lang=lang.code,
        window_title=lang.t("page.title"),
    )


@dataclass(frozen=True)
class Ask:
    """One run a session asks for."""

    name: str
    loaded: Loaded
    scenario: Scenario
    sets: tuple[str, ...]


def session_server(ctx: Context) -> Any:
    """The reactive graph of one browser tab."""

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        with reactive.isolate():
            first = parse_view(session.clientdata.url_search().lstrip("?"), ctx.folder.names(), ctx.lang)
        lang = Lang(first.lang)
        view = reactive.value(first)
        shown: reactive.Value[Shown | None] = reactive.value(None)
        done = reactive.value(0)
        pinned: reactive.Value[Shown | None] = reactive.value(None)
        note: reactive.Value[Tag | None] = reactive.value(None)
        loaded: Loaded | None = None
        with contextlib.suppress(ScenarioError):
            loaded = ctx.folder.load(first.scenario)

        async def show(answer: Answer, sets: tuple[str, ...], base_task: asyncio.Task[Answer]) -> Shown:
            base = await asyncio.shield(base_task)
            if not sets:
                return Shown(answer, None, sets)
            ev = base.evaluation.first(answer.replications)
            return Shown(answer, paired(ev, answer.evaluation), sets)

        async def publish(answer: Shown | None, replications: int) -> None:
            """Show a preview or progress now; shielded, so that a newer change never cuts a flush short."""

            async def now() -> None:
                async with reactive.lock():
                    if answer is not None:
                        shown.set(answer)
                    done.set(replications)
                    await reactive.flush()

            await asyncio.shield(asyncio.ensure_future(now()))

        @reactive.extended_task
        async def compute(ask: Ask) -> Shown:
            base_task = ctx.as_written(ask.name, ask.loaded)
            s = ask.scenario
            if not ask.sets and base_task.done():
                return await show(base_task.result(), ask.sets, base_task)
            first_block = asyncio.ensure_future(preview(ctx.workers, s, s.seed, ask.loaded.warnings))
            seen = [0]
            whole = (
                base_task
                if not ask.sets
                else asyncio.ensure_future(
                    full(
                        ctx.workers,
                        s,
                        s.seed,
                        s.replications,
                        ask.loaded.warnings,
                        progress=lambda n: seen.__setitem__(0, n),
                    )
                )
            )
            try:
                quick = await show(await first_block, ask.sets, base_task)
                shown_reps = quick.answer.replications
                await publish(quick, shown_reps)
                while not whole.done():
                    await asyncio.wait({whole}, timeout=0.2)
                    if seen[0] > shown_reps:  # reactive values cannot be read inside the task
                        shown_reps = seen[0]
                        await publish(None, shown_reps)
                return await show(await asyncio.shield(whole), ask.sets, base_task)
            except asyncio.CancelledError:
                first_block.cancel()
                if whole is not base_task:
                    whole.cancel()
                raise

        def start(sets: tuple[str, ...], scenario: Scenario) -> None:
            assert loaded is not None
            compute.cancel()
            done.set(0)
            compute.invoke(Ask(view.get().scenario, loaded, scenario, sets))

        @reactive.effect
        def _open() -> None:
            with reactive.isolate():
                if loaded is None:
                    return
                try:
                    scenario = checked(loaded, first.sets)
                    start(first.sets, scenario)
                except ScenarioError as exc:
                    note.set(tags.div(str(exc), class_="alert alert-warning py-1"))
                    view.set(replace(first, sets=()))
                    start((), loaded.scenario)

        session.on_ended(compute.cancel)
        costed = optimise.costed_levers(loaded, derive_levers(loaded)) if loaded is not None else []
        budget_error = reactive.value("")
        run_error: reactive.Value[str] = reactive.value("")

        @reactive.extended_task
        async def optimising(asked: optimise.Optimisation) -> dict[str, Any]:
            return await optimise.optimise(ctx.workers, asked)

        session.on_ended(optimising.cancel)

        @reactive.effect
        @reactive.event(input.opt_run)
        def _optimise() -> None:
            if loaded is None:
                return
            try:
                budget = optimise.parse_budget(str(input.opt_budget()))
            except ScenarioError as exc:
                budget_error.set(str(exc))
                return
            budget_error.set("")
            specs = tuple(
                optimise.lever_spec(lv.path, str(input[f"opt_lo_{i}"]()), str(input[f"opt_hi_{i}"]()))
                for i, lv in enumerate(costed)
                if input[f"opt_use_{i}"]()
            )
            if not specs:
                run_error.set(lang.t("page.optimise_no_lever"))
                return
            run_error.set("")
            optimising.cancel()
            optimising.invoke(optimise.Optimisation(loaded, view.get().sets, specs, budget, str(input.opt_objective())))

        @reactive.effect
        @reactive.event(input.opt_apply)
        async def _apply() -> None:
            if optimising.status() != "success":
                return
            best = optimising.value.get()["best"]
            if best is not None:
                await session.send_custom_message("sim-apply", {"values": optimise.lever_values(best["values"])})

        @render.ui
        def opt_budget_error() -> str:
            return budget_error.get()

        @render.ui
        def opt_result() -> Tag | None:
            if run_error.get():
                return tags.div(run_error.get(), class_="alert alert-warning py-1")
            state = optimising.status()
            if state == "running":
                return tags.div(lang.t("page.optimising"), class_="text-muted small", **{"data-testid": "optimising"})
            if state == "error":
                error = optimising.error.get()
                return tags.div(str(error), class_="alert alert-danger py-1", **{"data-testid": "optimise-error"})
            if state != "success":
                return None
            data = optimising.value.get()
            apply = ui.input_action_button("opt_apply", lang.t("page.optimise_apply"), class_="btn-primary btn-sm")
            return tags.div(views.optimised(lang, data), apply if data["best"] is not None else None)

        @reactive.effect
        @reactive.event(compute.status)
        def _settled() -> None:
            if compute.status() == "success":
                shown.set(compute.value.get())

        @reactive.effect
        @reactive.event(input.levers)
        async def _levers() -> None:
            if loaded is None:
                return
            message = input.levers()
            sets = tuple(str(s) for s in message.get("sets", []))
            changed = str(message.get("changed", ""))
            try:
                scenario = checked(loaded, sets)
            except ScenarioError as exc:
                await session.send_custom_message("sim-lever", {"path": changed, "message": str(exc)})
                return
            await session.send_custom_message("sim-lever", {"path": changed, "message": ""})
            view.set(replace(view.get(), sets=sets))
            start(sets, scenario)

        @reactive.effect
        @reactive.event(input.region)
        def _region() -> None:
            view.set(replace(view.get(), region=str(input.region())))

        @reactive.effect
        @reactive.event(view)
        async def _address() -> None:
            await session.bookmark.update_query_string(view_query(view.get(), ctx.token), mode="replace")

        @reactive.effect
        @reactive.event(input.pin_a)
        def _pin() -> None:
            if compute.status() == "success":
                pinned.set(compute.value.get())

        @reactive.effect
        @reactive.event(input.clear_a)
        def _clear() -> None:
            pinned.set(None)

        def tell(testid: str, text: str) -> None:
            """What became of a save or an export, under the buttons: green when kept, red when not."""
            kind = "danger" if testid.endswith("error") else "success"
            note.set(tags.div(text, class_=f"alert alert-{kind} py-1", **{"data-testid": testid}))

        @reactive.effect
        @reactive.event(input.save)
        def _save() -> None:
            if loaded is None:
                return
            try:
                path = keep.save_scenario(loaded, view.get().sets, str(input.save_label()))
                tell("saved", lang.t("page.saved", file=str(path)))
            except (ScenarioError, OSError) as exc:
                tell("saved-error", str(exc))

        @reactive.effect
        @reactive.event(input.export)
        async def _export() -> None:
            now = shown.get()
            if loaded is None or now is None or not now.answer.final:
                return
            formats = list(input.formats()) or ["html"]
            try:
                folder = await asyncio.get_running_loop().run_in_executor(
                    ctx.workers.threads,
                    keep.export_report,
                    loaded,
                    now.sets,
                    now.answer,
                    ctx.results_dir,
                    lang.code,
                    formats,
                )
                tell("exported", lang.t("page.exported", folder=str(folder)))
            except (ScenarioError, OSError) as exc:
                tell("exported-error", str(exc))

        @render.ui
        def verdict() -> Tag | None:
            now = shown.get()
            if now is None:
                return None
            dim = compute.status() == "running"
            return tags.div(
                views.verdict(lang, now.answer.summary), class_="run-dim" if dim and now.answer.final else None
            )

        @render.ui
        def status() -> Tag | None:
            if loaded is None:
                return None
            state = compute.status()
            failure = ""
            if state == "error":
                error = compute.error.get()
                replaced = isinstance(error, RunFailed) and error.replaced
                failure = lang.t("page.worker_died") if replaced else f"{error}"
            shown_state = {"success": "success", "error": "error"}.get(state, "running")
            return views.progress(
                lang, done.get(), loaded.scenario.replications, shown_state, loaded.scenario.seed, failure
            )

        @render.ui
        def difference() -> Tag | None:
            now = shown.get()
            return None if now is None else views.difference(lang, now.difference)

        @render.ui
        def fan() -> Tag | None:
            now = shown.get()
            return None if now is None else views.fan_chart(lang, now.answer.summary, now.answer.monthly)

        @render.ui
        def tables() -> TagList | None:
            now = shown.get()
            return None if now is None else views.tables(lang, now.answer.summary)

        @render.ui
        def regions() -> Tag | None:
            now = shown.get()
            if now is None:
                return None
            table = views.regions(lang, now.answer.summary, view.get().region)
            return None if table is None else ui.card(ui.card_header(lang.t("page.regions")), table)

        @render.ui
        def ab() -> Tag | None:
            a, b = pinned.get(), shown.get()
            if a is None or b is None or not b.answer.final:
                return tags.div(lang.t("page.ab_hint"), class_="text-muted small")
            diff = paired(a.answer.evaluation, b.answer.evaluation)
            return views.strategies(lang, (a.sets, a.answer.summary), (b.sets, b.answer.summary), diff)

        @render.ui
        def kept() -> Tag | None:
            return note.get()

    return server


def make_app(ctx: Context) -> App:
    """The Shiny app for ``ctx``: a page per request, a reactive graph per tab."""

    def page(request: Any) -> Tag:  # a starlette Request
        return page_for(ctx, request)

    return App(page, session_server(ctx))
