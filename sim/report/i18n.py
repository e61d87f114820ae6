"""Words and numbers in the planner's language: Bahasa Indonesia by default, English on request.

Indonesian writes 1.300.000 and 52,45%: a dot groups thousands and a comma marks decimals, the
opposite of English. Every figure in a report goes through :class:`Lang` so no table mixes the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LANGS = ("id", "en")

MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

TEXT: dict[str, tuple[str, str]] = {
    # key: (Bahasa Indonesia, English)
    "title": ("Laporan proyeksi kepesertaan", "Membership projection report"),
    "title_compare": ("Perbandingan strategi", "Strategy comparison"),
    "title_sweep": ("Sapuan parameter", "Parameter sweep"),
    "headline": ("Kesimpulan", "Verdict"),
    "verdict.on track": ("Sesuai jalur", "On track"),
    "verdict.more likely than not": ("Lebih mungkin tercapai daripada tidak", "More likely than not"),
    "verdict.at risk": ("Berisiko", "At risk"),
    "verdict.off track": ("Tidak sesuai jalur", "Off track"),
    "headline_text": (
        "{verdict}: peluang mencapai target {target} peserta {metric} pada {by} adalah {p} "
        "(proyeksi rata-rata {mean}, 90% antara {p05} dan {p95}).",
        "{verdict}: the probability of reaching the target of {target} {metric} members by {by} is {p} "
        "(projected mean {mean}, 90% between {p05} and {p95}).",
    ),
    "metric.active": ("aktif", "active"),
    "metric.registered": ("terdaftar", "registered"),
    "facts": (
        "{reps} replikasi, seed {seed}, {start} s.d. {end}, versi {version}.",
        "{reps} replications, seed {seed}, {start} to {end}, version {version}.",
    ),
    "fan": ("Proyeksi peserta aktif", "Projected active members"),
    "fan_note": (
        "Pita gelap: 50% replikasi di tengah (P25–P75); pita terang: 90% (P5–P95). Garis merah: target; "
        "garis putus-putus: jalur lurus dari peserta awal ke target.",
        "Dark band: the middle 50% of replications (P25–P75); light band: 90% (P5–P95). Red line: the "
        "target; dashed line: the straight path from the baseline to the target.",
    ),
    "members": ("Peserta", "Members"),
    "target": ("Target", "Target"),
    "straight_path": ("Jalur lurus ke target", "Straight path to target"),
    "median": ("Median", "Median"),
    "semesters": ("Tambahan per semester", "Additions by semester"),
    "semester_note": (
        "Capaian = tambahan bersih peserta aktif (rata-rata) dibagi tambahan yang diperlukan pada semester "
        "itu menurut jalur lurus dari peserta awal ke target.",
        "Achievement = mean net additions of active members divided by the additions the straight path "
        "from the baseline to the target needs in that semester.",
    ),
    "by_channel": ("Tambahan menurut segmen dan kanal", "Additions by segment and channel"),
    "achievement": ("Capaian terhadap target", "Achievement against target"),
    "semester": ("Semester", "Semester"),
    "segment": ("Segmen", "Segment"),
    "channel": ("Kanal", "Channel"),
    "subtotal": ("Jumlah", "Subtotal"),
    "enrolled": ("Pendaftaran (rata-rata)", "Enrolled (mean)"),
    "opening": ("Awal", "Opening"),
    "closing": ("Akhir (rata-rata)", "Closing (mean)"),
    "net": ("Tambahan bersih", "Net additions"),
    "needed": ("Diperlukan (jalur lurus)", "Needed (straight path)"),
    "achievement_pct": ("Capaian", "Achievement"),
    "waterfall": ("Dari peserta awal ke proyeksi akhir", "From the baseline to the projected end"),
    "baseline": ("Peserta awal", "Baseline"),
    "lapsed": ("Berhenti membayar", "Lapsed"),
    "reactivated": ("Aktif kembali", "Reactivated"),
    "other": ("Lainnya", "Other"),
    "end": ("Proyeksi akhir", "Projected end"),
    "step": ("Langkah", "Step"),
    "change": ("Perubahan", "Change"),
    "running": ("Posisi", "Running total"),
    "coverage": ("Cakupan penduduk bekerja", "Coverage of the working population"),
    "coverage_text": (
        "Pada {by}, {mean} penduduk bekerja menjadi peserta aktif (90% antara {p05} dan {p95}).",
        "On {by}, {mean} of the working population are active members (90% between {p05} and {p95}).",
    ),
    "promised": ("Yang dapat dijanjikan", "What can be promised"),
    "promised_text": (
        "Pada {by}, cakupan {p80} tercapai dengan peluang 80% dan {p50} dengan peluang 50% ({m80} dan {m50} "
        "peserta {metric}).",
        "On {by}, coverage of {p80} is reached with 80% probability and {p50} with 50% ({m80} and {m50} "
        "{metric} members).",
    ),
    "published_text": (
        "Angka yang akan diterbitkan bervariasi {noise} di sekitar jumlah sebenarnya (tingkat derau yang "
        "diperkirakan sim calibrate): 90% antara {p05} dan {p95}, peluang mencapai target {p}.",
        "Published figures vary by {noise} around the true count (the noise level sim calibrate estimates): "
        "the published figure lies between {p05} and {p95} with 90% probability, and reaches the target with {p}.",
    ),
    "promised_note": (
        "Angka dengan peluang P adalah angka terbesar yang dicapai sekurang-kurangnya P dari replikasi: dari n "
        "replikasi, yang tertinggi ke-⌈P·n⌉ (untuk 80%: persentil ke-20; untuk 50%: median).",
        "The figure with probability P is the largest that at least P of the replications reach: of n "
        "replications, the ⌈P·n⌉-th highest (for 80%: the 20th percentile; for 50%: the median).",
    ),
    "with_80": ("peluang 80%", "80% probability"),
    "with_50": ("peluang 50%", "50% probability"),
    "members_metric": ("Peserta {metric}", "Members ({metric})"),
    "regions": ("Wilayah menurut kesenjangan terhadap target", "Regions ranked by their gap to target"),
    "regions_note": (
        "Wilayah dengan target sendiri diurutkan dari kesenjangan rata-rata terbesar; wilayah tanpa target "
        "sendiri menyusul.",
        "Regions with a target of their own are ranked by their mean gap, largest first; regions without one follow.",
    ),
    "region": ("Wilayah", "Region"),
    "projected": ("Proyeksi (rata-rata)", "Projected (mean)"),
    "coverage_80": ("Cakupan (peluang 80%)", "Coverage (80%)"),
    "gap": ("Kesenjangan", "Gap"),
    "last_projection": ("Bagaimana proyeksi ini terbukti", "How our last projection did"),
    "last_projection_text": (
        "Dari {n} angka yang terbit setelah proyeksi, {k90} berada di dalam pita 90% (P5–P95) dan {k50} di dalam "
        "pita 50% (P25–P75); PIT rata-rata {pit} (0,5 bila proyeksi terkalibrasi).",
        "Of {n} figures published after the projection, {k90} fell inside the 90% band (P5–P95) and {k50} inside "
        "the 50% band (P25–P75); mean PIT {pit} (0.5 when the projection is calibrated).",
    ),
    "last_projection_note": (
        "PIT: posisi angka yang terjadi dalam sebaran proyeksi, diinterpolasi dari persentil yang disimpan. "
        "Skor interval (Gneiting & Raftery 2007): lebar pita ditambah 2/α kali jarak angka di luar pita; "
        "makin kecil makin baik.",
        "PIT: where the outcome fell in the projected distribution, interpolated from the stored percentiles. "
        "Interval score (Gneiting & Raftery 2007): the band's width plus 2/α times the distance by which the "
        "outcome misses it; lower is better.",
    ),
    "observed": ("Terjadi", "Observed"),
    "series": ("Seri", "Series"),
    "date": ("Tanggal", "Date"),
    "inside50": ("Di pita 50%", "In 50% band"),
    "inside90": ("Di pita 90%", "In 90% band"),
    "interval_score90": ("Skor interval 90%", "Interval score 90%"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "workers": ("Penduduk bekerja", "Workers"),
    "active_end": ("Peserta aktif akhir (rata-rata)", "Active at end (mean)"),
    "share": ("Cakupan", "Coverage"),
    "all": ("Semua", "All"),
    "money": ("Iuran terkumpul dan biaya", "Contributions collected and costs"),
    "no_contribution_rates": (
        "Iuran terkumpul tidak dihitung: skenario ini tidak memuat besaran iuran.",
        "Contributions collected are not given: this scenario carries no contribution rates.",
    ),
    "not_given": (
        "Tidak diberikan: skenario ini tidak memuat besaran iuran atau biaya.",
        "Not given: this scenario carries no contribution rates or costs.",
    ),
    "contributions": ("Iuran terkumpul ({currency})", "Contributions collected ({currency})"),
    "cost": ("Biaya (rata-rata)", "Cost (mean)"),
    "net_new": ("Tambahan bersih peserta aktif", "Net new active members"),
    "cost_per_member": ("Biaya per peserta bersih", "Cost per net member"),
    "mean": ("Rata-rata", "Mean"),
    "channels": ("Pendaftaran menurut kanal", "Enrolments by channel"),
    "kind": ("Jenis", "Kind"),
    "share_enrol": ("Porsi", "Share"),
    "assumptions": ("Asumsi dan sumber", "Assumptions and sources"),
    "assumptions_note": (
        'Setiap angka skenario dengan kunci sumbernya di published-figures.yaml, atau "asumsi".',
        'Every scenario figure with its source key in published-figures.yaml, or "assumption".',
    ),
    "item": ("Butir", "Item"),
    "value": ("Nilai", "Value"),
    "source": ("Sumber", "Source"),
    "assumption": ("asumsi", "assumption"),
    "ranked": ("Peringkat strategi", "Ranked strategies"),
    "changes": ("Yang diubah tiap strategi", "What each strategy changes"),
    "path": ("Jalur", "Path"),
    "rank": ("Peringkat", "Rank"),
    "strategy": ("Strategi", "Strategy"),
    "final_diff": ("Selisih peserta akhir vs dasar", "Final members vs base"),
    "ci_low": ("IK95% bawah", "95% CI low"),
    "ci_high": ("IK95% atas", "95% CI high"),
    "prob_diff": ("Selisih peluang target", "Change in P(target)"),
    "probability_unchanged": (
        "Peluang target {p} untuk skenario dasar dan setiap varian, sehingga tabel tidak menampilkannya.",
        "P(target) is {p} for the base and every variant, so the table leaves it out.",
    ),
    "p_beats": ("Peluang lebih baik dari dasar", "P(beats base)"),
    "probability": ("Peluang target", "P(target)"),
    "final_mean": ("Peserta akhir (rata-rata)", "Final members (mean)"),
    "compare_headline": (
        "Strategi terbaik adalah {best}: {diff} peserta akhir dibanding {base} (IK95% {lo} s.d. {hi}), "
        "peluang target {p}.",
        "The best strategy is {best}: {diff} final members against {base} (95% CI {lo} to {hi}), P(target) {p}.",
    ),
    "sweep_headline": (
        "Peluang target tertinggi {p} pada {values} (peserta akhir rata-rata {mean}).",
        "The highest P(target) is {p} at {values} (mean final members {mean}).",
    ),
    "base": ("Dasar", "Base"),
    "title_solve": ("Pencarian sasaran", "Goal-seeking"),
    "solve_goal": ("Sasaran: peluang target sekurang-kurangnya {goal}", "Goal: P(target) of at least {goal}"),
    "solve_smallest": (
        "Nilai terkecil {lever} yang mencapai peluang target {goal} adalah {value} "
        "(peluang {p}, IK95% {lo} s.d. {hi}).",
        "The smallest {lever} that reaches P(target) {goal} is {value} (P {p}, 95% CI {lo} to {hi}).",
    ),
    "solve_largest": (
        "Nilai terbesar {lever} yang masih mencapai peluang target {goal} adalah {value} "
        "(peluang {p}, IK95% {lo} s.d. {hi}).",
        "The largest {lever} that still reaches P(target) {goal} is {value} (P {p}, 95% CI {lo} to {hi}).",
    ),
    "solve_between": ("Belum pasti antara {lo} dan {hi}.", "Not certain between {lo} and {hi}."),
    "solve_unreachable": (
        "Peluang target {goal} tidak tercapai dengan {lever} di rentang ini; terbaik {p} pada {value}.",
        "P(target) {goal} cannot be reached with {lever} in this range; the best is {p} at {value}.",
    ),
    "solve_answers": ("Jawaban", "Answers"),
    "solve_probes": ("Nilai yang dicoba", "Values tried"),
    "solve_fixed": ("Tuas lain", "Other levers"),
    "solve_lever": ("Tuas", "Lever"),
    "solve_reps": ("Replikasi", "Replications"),
    "title_optimize": ("Alokasi anggaran terbaik", "Best allocation of a budget"),
    "optimize_subtitle": ("Anggaran Rp {budget}; sasaran: {objective}", "Budget Rp {budget}; objective: {objective}"),
    "objective.members": ("peserta pada tanggal target (rata-rata)", "members on the target date (mean)"),
    "objective.probability": ("peluang target", "P(target)"),
    "objective.coverage-p80": ("cakupan yang tercapai dengan peluang 80%", "coverage reached with 80% probability"),
    "optimize_headline": (
        "Alokasi terbaik: {objective} {value} (IK95% {lo} s.d. {hi}), belanja Rp {spend} dari Rp {budget} "
        "(persentil ke-95 Rp {p95}); {gain} dibanding skenario apa adanya (IK95% {glo} s.d. {ghi}).",
        "Best allocation: {objective} {value} (95% CI {lo} to {hi}), spending Rp {spend} of Rp {budget} "
        "(95th percentile Rp {p95}); {gain} over the scenario as written (95% CI {glo} to {ghi}).",
    ),
    "optimize_too_small": (
        "Anggaran Rp {budget} terlalu kecil untuk perubahan apa pun: setiap alokasi yang dicoba membelanjakan "
        "lebih (paling sedikit Rp {least}).",
        "The budget Rp {budget} is too small for any change: every allocation tried spends more "
        "(the least, Rp {least}).",
    ),
    "optimize_at_bound": (
        "{lever} berada di ujung rentangnya: titik optimum mungkin di luar rentang; perlebar rentangnya.",
        "{lever} is at an end of its range: the optimum may lie beyond it; widen the range.",
    ),
    "optimize_flat": (
        "{objective} sama untuk setiap alokasi yang dicoba.",
        "{objective} is the same for every allocation tried.",
    ),
    "optimize_flat_probability": (
        "Gunakan --objective members atau coverage-p80 untuk membedakan alokasi.",
        "Use --objective members or coverage-p80 to tell the allocations apart.",
    ),
    "optimize_search": (
        "Pencarian ({method}): {allocations} alokasi dengan {search_reps} replikasi, {refined} finalis dengan "
        "{reps} replikasi; {evaluations} evaluasi, semua dengan bilangan acak yang sama.",
        "Search ({method}): {allocations} allocations at {search_reps} replications, {refined} finalists at "
        "{reps}; {evaluations} evaluations, all on common random numbers.",
    ),
    "optimize_allocation": ("Alokasi terbaik", "Best allocation"),
    "optimize_best": ("alokasi terbaik", "best allocation"),
    "optimize_written": ("skenario apa adanya", "scenario as written"),
    "optimize_spend": ("Belanja (Rp)", "Spend (Rp)"),
    "optimize_finalists": ("Finalis, berpasangan dengan yang terbaik", "Finalists, paired against the best"),
    "optimize_vs_best": ("Selisih dari terbaik", "Difference from best"),
    "optimize_marginal": (
        "Efek marjinal: tambahan peserta per tambahan Rp 1 miliar",
        "Marginal effect: extra members per extra Rp 1 billion",
    ),
    "optimize_moved_to": ("Digeser ke", "Moved to"),
    "optimize_extra_spend": ("Tambahan belanja (Rp)", "Extra spend (Rp)"),
    "optimize_extra_members": ("Tambahan peserta", "Extra members"),
    "optimize_per_billion": ("Per Rp 1 miliar", "Per Rp 1 billion"),
    "optimize_frontier": ("terbaik pada tiap belanja", "best at each spend"),
    "optimize_frontier_title": ("Belanja dan hasil, dari 0 sampai anggaran", "Spend and result, from 0 to the budget"),
    "optimize_spend_axis": ("belanja harapan (Rp miliar)", "expected spend (Rp billion)"),
    "optimize_tried": ("alokasi yang dicoba", "allocations tried"),
    "optimize_budget": ("anggaran", "budget"),
    "sweep_chart": ("Peluang target menurut nilai parameter", "P(target) by parameter value"),
    "point": ("Titik", "Point"),
    "title_sensitivity": ("Kepekaan proyeksi", "Sensitivity of the projection"),
    "sensitivity": ("Angka yang paling menentukan proyeksi", "What the projection depends on most"),
    "sensitivity_note": (
        "Tornado: setiap angka pada persentil ke-5 dan ke-95 (atau nilai yang diberikan), angka lain tetap "
        "acak, dengan bilangan acak yang sama. S1/ST: indeks Sobol' orde pertama dan total untuk peserta akhir.",
        "Tornado: each figure at its 5th and 95th percentile (or given values), the others still drawn, on "
        "common random numbers. S1/ST: first-order and total Sobol' indices of final members.",
    ),
    "sensitivity_headline": (
        "Angka yang paling layak diukur lebih baik: {name}; rentangnya menggeser peserta akhir sebesar {swing}{st}.",
        "The figure most worth measuring better: {name}; its range moves final members by {swing}{st}.",
    ),
    "st_clause": ("; ia menjelaskan {st} sebaran peserta akhir", "; it explains {st} of the spread in final members"),
    "parameter": ("Parameter", "Parameter"),
    "low": ("Rendah", "Low"),
    "high": ("Tinggi", "High"),
    "final_low": ("Peserta akhir (rendah)", "Final (low)"),
    "final_high": ("Peserta akhir (tinggi)", "Final (high)"),
    "swing": ("Selisih", "Swing"),
    "p_low": ("Peluang (rendah)", "P(target) low"),
    "p_high": ("Peluang (tinggi)", "P(target) high"),
}


@dataclass(frozen=True)
class Lang:
    """One language: its words, and how it writes numbers, percentages and dates."""

    code: str

    def __post_init__(self) -> None:
        if self.code not in LANGS:
            raise ValueError(f'"lang" must be one of {", ".join(LANGS)}, got {self.code!r}')

    def t(self, key: str, **values: str) -> str:
        """The text ``key`` in this language, with ``values`` filled in."""
        words = TEXT[key][LANGS.index(self.code)]
        return words.format(**values) if values else words

    def number(self, x: float, decimals: int = 0) -> str:
        """``1300000`` → ``1.300.000`` (id) or ``1,300,000`` (en)."""
        text = f"{x:,.{decimals}f}"
        if self.code == "id":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return "−" + text[1:] if text.startswith("-") else text

    def signed(self, x: float, decimals: int = 0) -> str:
        """A change, always with its sign: ``+1.234`` or ``−1.234``."""
        return ("+" if x >= 0 else "") + self.number(x, decimals)

    def short(self, x: float, most: int = 4) -> str:
        """A value with as few decimals as it needs (at most ``most``): ``0.3`` → ``0,3`` (id)."""
        decimals = next((d for d in range(most + 1) if abs(round(x, d) - x) < 1e-9), most)
        return self.number(x, decimals)

    def percent(self, share: float, decimals: int = 2) -> str:
        """``0.5245`` → ``52,45%`` (id) or ``52.45%`` (en)."""
        return self.number(share * 100, decimals) + "%"

    def date(self, iso: str) -> str:
        """``2025-12-31`` → ``31 Desember 2025`` (id) or ``31 December 2025`` (en)."""
        d = date.fromisoformat(iso)
        return f"{d.day} {MONTHS[self.code][d.month - 1]} {d.year}"

    def cell(self, value: object, kind: str) -> str:
        """A table cell of ``kind`` (text, int, num, pct, signed, pp); a missing value is a dash.

        ``pp`` is a change in a probability, in signed percentage points.
        """
        if value is None or (isinstance(value, float) and value != value):
            return "–"
        if kind == "text" or not isinstance(value, int | float):
            return str(value)
        if kind == "pct":
            return self.percent(value)
        if kind == "signed":
            return self.signed(value)
        if kind == "pp":
            return self.signed(value * 100, 2) + (" pp" if self.code == "en" else " poin")
        if kind == "num":
            return self.number(value) if abs(value) >= 100 else self.short(value)
        return self.number(value)
