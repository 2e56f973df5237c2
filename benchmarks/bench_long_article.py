"""A 100,000-word article with 10,000 entities and 1,000 quotes in the real window (MainWindow, offscreen).

Figures: opening it (first open, which copies the model's pre-extraction into the annotator's set, and a
reopen) until painted with its highlights; a jump to the end right after opening (before the background layout
has run); edits — add, relabel, delete an entity through the window's undo commands, spread over the article —
until repainted, as median, p95 and worst; scroll steps spread from top to bottom, counting only steps that
moved; and resident memory over many open/close cycles (it must reach a plateau).
Baselines in the same run: `QTextEdit.setPlainText` of the same text + first paint (what showing the bare text
costs), and the same store edit without the window (ops.add_entity / relabel_entity / delete_entity).
"""

from __future__ import annotations

import time

import os
import random
import sys
import tempfile
from pathlib import Path

from _common import Timer, measure, note, parse_args, report, rss_mb, scaled, section

WORDS = "the of and to in said that for on with as was by at from he it his an is were which are has have be not".split()
NAMES = ["Kerry", "Islamabad", "Pakistan", "Sharif", "Washington", "Reuters", "Monday", "United Nations", "Geneva"]


def make_article(words: int, entities: int, quotes: int, seed: int):
    """A seeded article: paragraphs of ~120 words, non-overlapping one- or two-word entities spread evenly, and
    quotes of ~25 words with a speaker and a cue (some emoji, so Qt/Python offsets differ)."""
    from annotator.core.model import Entity, Origin, Quote, QuoteType, TextRange

    rng = random.Random(seed)
    vocab = WORDS + [f"w{n}" for n in range(3000)]
    tokens = []
    for i in range(words):
        if i % 997 == 500:
            tokens.append("🙂")
        else:
            tokens.append(rng.choice(NAMES) if rng.random() < 0.05 else rng.choice(vocab))
    pieces, starts, pos = [], [], 0
    for i, token in enumerate(tokens):
        starts.append(pos)
        sep = "\n\n" if i % 120 == 119 else " "
        pieces.append(token + sep)
        pos += len(token) + len(sep)
    text = "".join(pieces).rstrip() + "\n"
    labels = ["PERSON", "ORG", "GPE", "DATE", "NORP"]
    step = words // entities
    ents = [
        Entity(start=starts[i * step], end=starts[i * step] + len(tokens[i * step]), label=labels[i % 5], origin=Origin.MODEL)
        for i in range(entities)
    ]
    qstep = words // quotes
    qs = []
    for i in range(quotes):
        first = i * qstep + 2
        last = min(first + 25, words - 1)
        speaker = TextRange(starts[i * qstep], starts[i * qstep] + len(tokens[i * qstep]))
        cue = TextRange(starts[i * qstep + 1], starts[i * qstep + 1] + len(tokens[i * qstep + 1]))
        qs.append(Quote(start=starts[first], end=starts[last] + len(tokens[last]), type=QuoteType.DIRECT, speaker=speaker,
                        speaker_name=rng.choice(NAMES), cue=cue, origin=Origin.MODEL))
    return text, ents, qs


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    words, n_entities, n_quotes = scaled(100_000, 20_000), scaled(10_000, 2_000), scaled(1_000, 200)
    home = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")  # never touch the user's window settings
    os.environ["XDG_DATA_HOME"] = str(home / "data")

    from annotator.core import ops
    from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document
    from annotator.core.store import Store

    section(f"long article: {words:,} words, {n_entities:,} entities, {n_quotes:,} quotes (seed {args.seed})")
    text, entities, quotes = make_article(words, n_entities, n_quotes, args.seed)
    db = home / "long.db"
    with Store(db) as store:
        small, _ = store.add_document(Document(text="A short note opened first.", title="short"))
        long_id, _ = store.add_document(Document(text=text, title="The long article"))
        store.replace_annotation_set(AnnotationSet(doc_id=long_id, annotator=MODEL_ANNOTATOR, entities=entities, quotes=quotes))
    note(f"{len(text):,} characters")

    from PySide6.QtWidgets import QApplication, QTextEdit

    from annotator.gui.app import make_application
    from annotator.gui.main_window import MainWindow

    app = make_application([])
    # Baseline: the bare text in a plain QTextEdit, until painted.
    bare = QTextEdit()
    bare.resize(900, 800)
    bare.show()
    QApplication.processEvents()

    def bare_show() -> None:
        bare.setPlainText(text)
        bare.viewport().repaint()

    baseline_show = measure(bare_show, repeat=3)
    bare.close()

    window = MainWindow(db, annotator="bench")
    window.resize(1400, 900)
    window.show()
    QApplication.processEvents()
    view = window.view

    def open_long() -> None:
        window.open_document(long_id)
        view.viewport().repaint()

    with Timer() as first:
        open_long()
    shown = len(view.index.entities), len(view.index.quotes)
    report("open long article, first time (copies model set) + paint", first.ms, "ms", 200, baseline=baseline_show,
           baseline_name="bare QTextEdit setPlainText+paint",
           note=f"{shown[0]:,} entities / {shown[1]:,} quotes in the view")

    def reopen() -> None:
        window.open_document(small)
        open_long()

    reopen_ms = measure(reopen, repeat=3)
    report("reopen long article + paint", reopen_ms, "ms", 200, baseline=baseline_show,
           baseline_name="bare QTextEdit setPlainText+paint")
    report("highlights in the view after open", shown[0] + shown[1], "spans", f"= {n_entities + n_quotes:,}",
           ok=shown == (n_entities, n_quotes))

    # -- the first jump right after opening: no idle time for the background layout ----------------------------
    # A person may press Ctrl+End as soon as the article shows. Right after an open the scroll range covers only
    # the part laid out so far (audit 18: `bar.maximum()` was 1,353 px against 300,274 px once laid out, so a
    # "jump to the end" scrolled ~1.5 pages), so the time is measured until the target position is really in the
    # visible range, processing events (and repainting) as the window would while it lays the text out.

    def jump_until_shown(qt_target: int) -> tuple[float, bool, int]:
        cursor = view.textCursor()
        cursor.setPosition(qt_target)
        with Timer() as t:
            view.setTextCursor(cursor)
            view.ensureCursorVisible()
            view.viewport().repaint()
            deadline = time.perf_counter() + 10
            while True:
                first_shown, last_shown = view.visible_qt_range()
                if first_shown <= qt_target <= last_shown or time.perf_counter() > deadline:
                    break
                QApplication.processEvents()
                view.ensureCursorVisible()
                view.viewport().repaint()
        first_shown, last_shown = view.visible_qt_range()
        return t.ms, first_shown <= qt_target <= last_shown, first_shown

    jumps = []
    end_qt = view.document().characterCount() - 1
    for target in (end_qt, end_qt // 2):
        window.open_document(small)
        window.open_document(long_id)
        view.viewport().repaint()
        jumps.append(jump_until_shown(target))
    (end_ms, end_shown, end_first), (mid_ms, mid_shown, _) = jumps
    report("jump to the end right after open (Ctrl+End), until the end is shown", end_ms, "ms", 50,
           ok=end_shown and end_ms < 50,
           note=f"end shown: {end_shown} (first visible character {end_first:,} of {end_qt:,}); "
                f"to the middle: {mid_ms:.1f} ms, shown: {mid_shown}; no idle time before it")
    bar = view.verticalScrollBar()

    # -- edits through the window's undo commands --------------------------------------------------------------
    gaps = []  # free word ranges (between entities), for adds, spread over the whole article
    ordered = sorted(view.index.entities.by_id.values(), key=lambda s: s.start)
    for a, b in zip(ordered, ordered[1:]):
        if b.entity.start - a.entity.end > 3:
            gaps.append((a.entity.end + 1, a.entity.end + 1 + max(1, min(5, b.entity.start - a.entity.end - 2))))
    n_edits = scaled(40, 20)
    spread = gaps[:: max(1, len(gaps) // (2 * n_edits))]
    ours_ranges, bare_ranges = spread[0::2][:n_edits], spread[1::2][:n_edits]
    add_ms, relabel_ms, delete_ms = [], [], []
    for start, end in ours_ranges:
        view.scroll_to(start)
        view.viewport().repaint()
        QApplication.processEvents()
        view.select_range(start, end)
        with Timer() as t:
            window.apply_label("ORG")
            view.viewport().repaint()
        add_ms.append(t.ms)
        with Timer() as t:
            window.apply_label("PERSON")  # the new entity is selected: relabel it
            view.viewport().repaint()
        relabel_ms.append(t.ms)
        with Timer() as t:
            window.delete_selected()
            view.viewport().repaint()
        delete_ms.append(t.ms)
    from _common import summarize

    # Baselines: the same three edits straight on the store, each one transaction, no window (like with like).
    store2 = Store(db)
    bare = {"add": [], "relabel": [], "delete": []}
    for start, end in bare_ranges:
        with Timer() as t:
            entity, _ = ops.add_entity(store2, doc_id=long_id, annotator="bench", start=start, end=end, label="ORG")
        bare["add"].append(t.ms)
        with Timer() as t:
            ops.relabel_entity(store2, entity_id=entity.id, label="PERSON")
        bare["relabel"].append(t.ms)
        with Timer() as t:
            ops.delete_entity(store2, entity_id=entity.id)
        bare["delete"].append(t.ms)
    store2.close()
    # The window would notice those commits from another connection within 2 s and re-read the article (as it
    # does for another window's edits); let it do so now rather than in the middle of the scroll steps.
    window.refresh_if_changed_elsewhere()
    QApplication.processEvents()
    for name, samples in (("add", add_ms), ("relabel", relabel_ms), ("delete", delete_ms)):
        report(f"edit: {name} entity + repaint (median of {len(samples)})", summarize(samples), "ms", 16,
               baseline=summarize(bare[name]), baseline_name=f"bare ops.{name}_entity" if name != "relabel" else "bare ops.relabel_entity")
        report(f"edit: {name} entity + repaint (p95)", summarize(samples, "p95"), "ms", 50)
        report(f"edit: {name} entity + repaint (worst)", summarize(samples, "max"), "ms", 50,
               note="every edit a person makes should feel instant")

    # -- scrolling -------------------------------------------------------------------------------------------
    counts = {"in_range": 0, "spans": 0, "resets": 0, "show_text": 0}
    ent_index = view.index.entities
    orig_in_range = type(ent_index).in_range

    def counting_in_range(self, start, end):
        found = orig_in_range(self, start, end)
        counts["in_range"] += 1
        counts["spans"] += len(found)
        return found

    orig_reset, orig_show = type(view.index).reset, type(view).show_text
    type(ent_index).in_range = counting_in_range
    type(view.index).reset = lambda self, *a, **k: (counts.__setitem__("resets", counts["resets"] + 1), orig_reset(self, *a, **k))[1]
    type(view).show_text = lambda self, *a, **k: (counts.__setitem__("show_text", counts["show_text"] + 1), orig_show(self, *a, **k))[1]
    bar.setValue(0)
    view.viewport().repaint()
    # Steps of a third of a page from the top, spread over the whole article: each step lands at an evenly
    # spaced point (top to bottom) and then scrolls a third of a page from there, so every one moves the view.
    # Only steps where the scrollbar moved count (a step at the bottom would time a repaint that scrolled nothing).
    steps, step_ms, max_spans, still = scaled(60, 30), [], 0, 0
    third = max(bar.pageStep() // 3, 1)
    for i in range(steps):
        bar.setValue(int((bar.maximum() - third) * i / (steps - 1)))
        view.viewport().repaint()
        QApplication.processEvents()
        before_value, before = bar.value(), counts["spans"]
        with Timer() as t:
            bar.setValue(bar.value() + third)
            view.viewport().repaint()
            QApplication.processEvents()
        if bar.value() == before_value:
            still += 1
            continue
        step_ms.append(t.ms)
        max_spans = max(max_spans, counts["spans"] - before)
    type(ent_index).in_range = orig_in_range
    type(view.index).reset, type(view).show_text = orig_reset, orig_show
    report(f"scroll step + repaint (median of {len(step_ms)} that moved, top to bottom)", summarize(step_ms), "ms", 16,
           note=f"{still} of {steps} steps did not move and are left out")
    report("scroll step + repaint (worst)", summarize(step_ms, "max"), "ms", 50)
    report("spans looked up per scroll step (worst)", max_spans, "spans", f"<< {n_entities + n_quotes:,}",
           ok=max_spans < (n_entities + n_quotes) / 10, note="visible spans only (bisect in SpanIndex)")
    report("re-highlights (index rebuilds / setPlainText) during scrolling", counts["resets"] + counts["show_text"],
           "times", "0", ok=counts["resets"] + counts["show_text"] == 0)

    # -- memory over many open / close cycles --------------------------------------------------------------------
    # Each cycle opens the long article, scrolls it to the end (so all of it is laid out), then opens the short
    # note. Resident memory must reach a plateau: growth over the last half of the cycles ~ 0.
    cycles = scaled(16, 6)
    import gc

    rss_points = []
    for cycle in range(cycles):
        window.open_document(long_id)
        view.viewport().repaint()
        bar.setValue(bar.maximum())
        view.viewport().repaint()
        QApplication.processEvents()
        if cycle == 3:
            report("window resident memory with the article open (after 4 opens)", rss_mb(), "MB", 300)
        window.open_document(small)
        QApplication.processEvents()
        gc.collect()
        rss_points.append(rss_mb())
    half = cycles // 2
    late_growth = (rss_points[-1] - rss_points[half - 1]) / (cycles - half)
    report(f"window memory growth per open/close of the article, cycles {half + 1}-{cycles}", late_growth, "MB", 1.0,
           note=f"RSS after each cycle: {rss_points[0]:.0f} -> {rss_points[half - 1]:.0f} -> {rss_points[-1]:.0f} MB; "
                "before the fix ~31 MB per open")
    report(f"window resident memory after {cycles} open/close cycles", max(rss_points), "MB", 300)
    window.close()
    app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
