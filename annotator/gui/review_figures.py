"""Review mode's agreement panel (right-hand side): the open document's figures, the corpus figures with the
per-label chart, and the Recompute button. It only shows reports (annotator.review.agreement); the review window
computes them (the corpus one in the background, gui/background.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from annotator.gui.plain import escape
from annotator.gui.review_chart import AgreementChartView
from annotator.review.agreement import ALL
from annotator.review.kappa import format_coefficient, is_defined


class AgreementPanel(QWidget):
    """`show_document(report)` / `show_corpus(report, colours)`; `recompute` is emitted by the button."""

    recompute = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc_figures = QLabel()
        self.doc_figures.setObjectName("docAgreement")
        self.doc_figures.setTextFormat(Qt.TextFormat.RichText)
        self.doc_figures.setWordWrap(True)
        self.doc_figures.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.corpus_figures = QLabel()
        self.corpus_figures.setObjectName("corpusAgreement")
        self.corpus_figures.setTextFormat(Qt.TextFormat.RichText)
        self.corpus_figures.setWordWrap(True)
        self.chart = AgreementChartView()
        refresh = QPushButton("Recompute")
        refresh.clicked.connect(self.recompute)
        right_layout = QVBoxLayout(self)
        doc_box = QGroupBox("This document")
        QVBoxLayout(doc_box).addWidget(self.doc_figures)
        corpus_box = QGroupBox("Corpus, per label")
        corpus_layout = QVBoxLayout(corpus_box)
        corpus_layout.addWidget(self.corpus_figures)
        corpus_layout.addWidget(self.chart)
        corpus_layout.addWidget(refresh, 0, Qt.AlignmentFlag.AlignRight)
        right_layout.addWidget(doc_box)
        right_layout.addWidget(corpus_box)
        right_layout.addStretch(1)

    def show_document(self, report) -> None:
        """The open document's figures from an AgreementReport computed on that one document."""
        if not report.documents:
            self.doc_figures.setText("Fewer than two versions: nothing to compare.")
            return
        d = report.documents[0]
        f = format_coefficient
        rows = [
            ("Entities F1, exact", f(d.entity_f1)), ("Entities F1, overlap", f(d.entity_overlap_f1)),
            ("Entities α (characters)", f(d.entity_alpha)), ("Quotes F1", f(d.quote_f1)),
            ("Speaker agreement", f(d.speaker)), ("Cue agreement", f(d.cue)), ("Tags agreed", f(d.tags)),
            ("Span tags agreed", f(d.span_tags)),
            ("Disagreements", f"{d.disagreements} of {d.items} items"),
        ]
        pairs = ""
        if len(report.entity_exact) > 1:
            pairs = "<br>".join(
                f"{escape(a)} vs {escape(b)}: F1 {f(per[ALL].f1)}" for (a, b), per in report.entity_exact.items()
            )
        self.doc_figures.setText(
            "<table>" + "".join(f"<tr><td>{k}&nbsp;&nbsp;</td><td align=right><b>{v}</b></td></tr>" for k, v in rows)
            + "</table>" + (f"<p>{pairs}</p>" if pairs else "")
        )

    def show_corpus(self, report, colours: dict[str, str]) -> None:
        """The corpus figures and the per-label chart (F1 exact, F1 overlap, α) from a corpus AgreementReport;
        `colours`: label -> colour, as Store.labels()."""

        def mean(values):
            present = [v for v in values if is_defined(v)]
            return sum(present) / len(present) if present else None

        rows = []
        for label in [ALL, *report.labels]:
            exact = mean(per[label].f1 for per in report.entity_exact.values() if label in per)
            overlap = mean(per[label].f1 for per in report.entity_overlap.values() if label in per)
            alpha = report.entity_alpha.get(label)
            rows.append(("all labels" if label == ALL else label, colours.get(label, "#888888"), [exact, overlap, alpha]))
        self.chart.set_data(["F1 exact", "F1 overlap", "α"], rows)
        quotes = list(report.quotes.values())
        q_f1 = mean(q.prf.f1 for q in quotes)
        speaker = mean(q.speaker.value for q in quotes)
        tag_name = "Cohen's κ" if report.tag_method == "cohen" else "Fleiss' κ"
        warnings = "".join(  # issue 17: a figure over too little data says so
            f"<br><span style='color:#b35c00'>⚠ {escape(w)}</span>" for w in report.warnings()
        )
        self.corpus_figures.setToolTip("\n".join(report.warnings()))
        self.corpus_figures.setText(
            f"{len(report.documents)} documents · {escape(', '.join(report.annotators))}<br>"
            f"Quotes F1 <b>{format_coefficient(q_f1)}</b> · speaker <b>{format_coefficient(speaker)}</b><br>"
            f"Document tags {tag_name} <b>{format_coefficient(report.tag_kappa.get(ALL))}</b>"
            + "".join(
                f"<br>{scope.capitalize()} tags agreed <b>{format_coefficient(per[ALL].value)}</b>"
                f" ({per[ALL].total} judged)"
                for scope, per in report.span_tags.items() if per.get(ALL) and per[ALL].total
            )
            + warnings
        )
