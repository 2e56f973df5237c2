"""Injection: text, labels, tags and names that look like HTML, Qt rich text or SQL are stored as data and read
back equal; in the window they show literally (plain text), never as markup."""

from __future__ import annotations

from click.testing import CliRunner

from annotator.cli import main
from annotator.core import ops
from annotator.core.model import Document, QuoteType, Status, TargetKind, TextRange
from annotator.core.store import Store

HOSTILE = [
    "<b>x</b>",
    "<img src=x onerror=alert(1)>",
    "<a href='file:///etc/passwd'>click</a>",
    "'); DROP TABLE documents;--",
    'Robert"); DELETE FROM entities; --',
    "x' OR '1'='1",
    "%s %d {0} {label}",
    "label with  two spaces",  # (controls, format characters, no-break spaces are refused in names: issue 17)
    "😀 <i>emoji</i>",
    "&lt;b&gt;escaped&lt;/b&gt;",
]
TABLES = ["documents", "annotators", "annotation_sets", "entities", "quotes", "tags", "tag_set", "labels", "edit_log"]


def tables(store: Store) -> set[str]:
    return {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_hostile_strings_are_stored_as_data_and_read_back_equal(store):
    text = "<html><b>Bold</b> said '); DROP TABLE documents;-- and <img src=x onerror=alert(1)> end."
    doc_id, _ = store.add_document(
        Document(text=text, title=HOSTILE[0], source=HOSTILE[3], meta={HOSTILE[1]: HOSTILE[4]})
    )
    for number, name in enumerate(HOSTILE):
        annotator = f"{name} #{number}"
        store.ensure_annotation_set(doc_id, annotator)
        entity, _ = ops.add_entity(store, doc_id=doc_id, annotator=annotator, start=0, end=6, label=name)
        ops.add_tag(store, doc_id=doc_id, annotator=annotator, tag=name)
        ops.add_tag(store, doc_id=doc_id, annotator=annotator, tag=name, target_kind=TargetKind.ENTITY,
                    target_id=entity.id)
        quote = ops.add_quote(store, doc_id=doc_id, annotator=annotator, start=7, end=20, type=QuoteType.MIXED,
                              speaker=TextRange(0, 6), speaker_name=name)
        ops.relabel_entity(store, entity_id=entity.id, label=name + " again")
        store.add_to_tag_set(name, "span")
        ops.set_status(store, doc_id=doc_id, annotator=annotator, status=Status.DONE)
        aset = store.annotation_set(doc_id, annotator)
        assert [e.label for e in aset.entities] == [name + " again"]
        assert aset.document_tags() == [name]
        assert aset.tags_of(TargetKind.ENTITY, entity.id) == [name]
        assert [q.speaker_name for q in aset.quotes] == [name] and aset.quotes[0].id == quote.id
        assert name in store.tag_set("span")
        assert name + " again" in store.labels()
    doc = store.document(doc_id)
    assert (doc.text, doc.title, doc.source, doc.meta) == (text, HOSTILE[0], HOSTILE[3], {HOSTILE[1]: HOSTILE[4]})
    assert set(TABLES) <= tables(store)
    assert {a.name for a in store.annotators()} >= {f"{n} #{i}" for i, n in enumerate(HOSTILE)}
    assert store.integrity_check() == "ok"


def test_hostile_search_queries_are_data(store):
    store.add_document(Document(text="The mayor said DROP TABLE is not a plan.", title="t"))
    for query in [*HOSTILE, '"', "'", "NEAR(a b)", "*", "a OR", "-x", "^", "(((", "\x00", ""]:
        store.search(query)  # never a syntax error
        store.count_documents(text=query)
    assert [h.title for h in store.search("DROP TABLE")] == ["t"]
    assert store.document_count() == 1 and set(TABLES) <= tables(store)


def test_cli_lists_hostile_titles_and_labels_literally(db_path):
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text="Some text here.", title=HOSTILE[1]))
        store.ensure_annotation_set(doc_id, "model")
        ops.add_entity(store, doc_id=doc_id, annotator="model", start=0, end=4, label=HOSTILE[3])
    listing = CliRunner().invoke(main, ["--db", str(db_path), "list"])
    assert listing.exit_code == 0 and HOSTILE[1][:60] in listing.output
    stats = CliRunner().invoke(main, ["--db", str(db_path), "stats"])
    assert stats.exit_code == 0 and HOSTILE[3] in stats.output


# -- the window: plain text, never markup ---------------------------------------------------------------------


def shown(text: str) -> str:
    """What Qt shows for a string given to a tooltip or an auto-format label: Qt renders it as rich text when
    Qt.mightBeRichText says so (QToolTip, QLabel with Qt.AutoText)."""
    from PySide6.QtGui import Qt as QtGuiNs
    from PySide6.QtGui import QTextDocument

    if not QtGuiNs.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def test_entity_and_quote_panels_show_hostile_labels_as_plain_text(qapp):

    from annotator.core.model import Entity, Quote
    from annotator.gui.panels import EntityTableModel, QuoteTableModel

    text = "<b>Bold</b> said <img src=x> today, in <i>italics</i>."
    entities = [Entity(0, 11, "<b>x</b>", id=1), Entity(17, 27, "'); DROP TABLE documents;--", id=2)]
    model = EntityTableModel()
    model.set_entities(text, entities, {1: ["<img src=x onerror=alert(1)>"]})
    for row, entity in enumerate(entities):
        assert model.data(model.index(row, 1)) == entity.label  # item views paint DisplayRole as plain text
        assert model.data(model.index(row, 0)) == text[entity.start : entity.end]
    assert model.data(model.index(0, 2)) == "<img src=x onerror=alert(1)>"
    quotes = QuoteTableModel()
    quotes.set_quotes(text, [Quote(0, 27, QuoteType.DIRECT, id=5, speaker_name="<i>Mayor</i>")], {})
    assert "<i>Mayor</i>" in quotes.data(quotes.index(0, 0))


def test_quote_tooltip_shows_markup_in_the_article_literally(qapp):
    from PySide6.QtCore import Qt

    from annotator.core.model import Quote
    from annotator.gui.panels import QuoteTableModel

    text = "<b>Bold</b> said <img src=x> today."
    quotes = QuoteTableModel()
    quotes.set_quotes(text, [Quote(0, 27, QuoteType.DIRECT, id=5)], {})
    assert shown(quotes.data(quotes.index(0, 0), Qt.ItemDataRole.ToolTipRole)) == text[0:27]


def test_document_list_tooltip_shows_a_markup_title_literally(qapp, db_path):
    from PySide6.QtCore import Qt

    from annotator.gui.document_list import DocumentListModel

    with Store(db_path) as store:
        store.add_document(Document(text="Body.", title="<b>Breaking</b> <img src=x>"))
        model = DocumentListModel(store, "alice")
        model.set_filter()
        while model.canFetchMore(model.index(-1, -1)):
            model.fetchMore(model.index(-1, -1))
        tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
        assert "<b>Breaking</b> <img src=x>" in shown(tip)


def test_entity_tooltip_shows_a_markup_label_literally(qapp):
    from PySide6.QtCore import Qt

    from annotator.core.model import Entity
    from annotator.gui.panels import EntityTableModel

    model = EntityTableModel()
    model.set_entities("Some text", [Entity(0, 4, "<b>x</b>", id=1)], {})
    assert "<b>x</b>" in shown(model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole))


def test_tags_panel_title_shows_a_markup_target_literally(qapp):
    from annotator.gui.panels import TagsPanel

    panel = TagsPanel()
    title = "<img src=x onerror=alert(1)> PERSON"
    panel.show_tags(document_set=[], document_tags=[], span_set=["t"], target=(TargetKind.ENTITY, 1),
                    target_title=title, span_tags=[])
    assert title in shown(panel.span_title.text())
