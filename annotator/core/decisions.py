"""Review decisions: the rows behind review mode's adjudication (annotator.review.adjudication decides what they
mean). A mixin of `Store`: it uses the store's connection and helpers, and holds no state of its own.

A decision row is (doc_id, gold annotator, reviewer, item_key, decision, chosen_from, payload JSON, at); the
latest row per item key wins. Rows are never updated, only added and (by undo) removed."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from annotator.core.rows import now


class ReviewDecisions:
    """Store methods that read and write review decisions."""

    def decision_rows(self, doc_id: int, gold: str) -> list[sqlite3.Row]:
        """The document's decisions into the gold annotator `gold`, oldest first: rows with item_key, decision,
        chosen_from, payload (JSON text), at and reviewer (a name). Empty if `gold` does not exist."""
        gold_id = self._optional_annotator_id(gold)
        if gold_id is None:
            return []
        return self.query(
            """SELECT d.item_key, d.decision, d.chosen_from, d.payload, d.at, a.name AS reviewer
               FROM review_decisions d JOIN annotators a ON a.id = d.reviewer_id
               WHERE d.doc_id = ? AND d.gold_id = ? ORDER BY d.id""",
            (doc_id, gold_id),
        )

    def record_decision(self, doc_id: int, *, gold: str, reviewer: str, key: str, decision: str,
                        chosen_from: str | None, payload: dict[str, Any] | None = None) -> int:
        """Add one decision (creating the gold and reviewer annotators if new); returns its row id, which
        `forget_decisions` takes back. Joins the caller's transaction if one is open."""
        gold_id = self.annotator_id(gold)
        reviewer_id = self.annotator_id(reviewer)
        with self.transaction():
            return self.conn.execute(
                """INSERT INTO review_decisions(doc_id, gold_id, reviewer_id, item_key, decision, chosen_from, payload, at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (doc_id, gold_id, reviewer_id, key, decision, chosen_from,
                 json.dumps(payload or {}, ensure_ascii=False), now()),
            ).lastrowid

    def forget_decisions(self, decision_ids: Sequence[int]) -> None:
        """Remove decision rows by id (undo of `record_decision`); nothing to do for an empty list."""
        if not decision_ids:
            return
        with self.transaction():
            marks = ",".join("?" * len(decision_ids))
            self.conn.execute(f"DELETE FROM review_decisions WHERE id IN ({marks})", list(decision_ids))
