"""User text shows literally everywhere in the windows: never as Qt rich text, never as a "&" mnemonic, never as
a hidden "[*]" — the audit of annotator/gui beyond the sinks pinned in tests/reliability/test_injection.py."""

from __future__ import annotations

import pytest
from PySide6.QtGui import Qt  # QtGui.Qt: the Qt namespace with mightBeRichText
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTableWidget

from annotator.core.model import Document
from annotator.core.store import Store
from annotator.gui.plain import escape, mnemonic, plain, strip_mnemonic, window_title
from tests.review.conftest import put_version, quote
from tests.review.items_view import ItemsTable

HOSTILE = [
    "<b>x</b>",
    "<img src=x onerror=alert(1)>",
    "  <p>lead\n<i>two</i>\n\n  end  ",
    "&lt;b&gt;escaped&lt;/b&gt;",
    "😀 <i>emoji</i>\ttab",
    "R&D <b>&amp;</b>",
    "plain text",
]


def shown(text: str) -> str:
    """What a tooltip, message box or auto-format QLabel shows for `text` (rich text if Qt guesses so)."""
    if not Qt.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def label_shows(label: QLabel) -> str:
    """What a QLabel shows, by its text format."""
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(label.text())
    )
    if not rich:
        return label.text()
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText()


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_shows_any_text_literally_and_leaves_plain_text_alone(qapp, text):
    assert shown(plain(text)) == text
    if not Qt.mightBeRichText(text):
        assert plain(text) == text  # ordinary tooltips look exactly as before
    document = QTextDocument()
    document.setHtml(f"<b>{escape(text)}</b>")
    assert document.toPlainText().strip() == " ".join(text.split())  # inside markup, HTML collapses white space


def test_mnemonic_and_window_title_helpers(qapp):
    from PySide6.QtWidgets import QWidget

    assert strip_mnemonic(mnemonic("1 R&D && co")) == "1 R&D && co"
    assert strip_mnemonic("&File") == "File" and strip_mnemonic("Mark done && next") == "Mark done & next"
    widget = QWidget()
    widget.setWindowTitle(window_title("gold [*] set"))
    widget.show()
    assert widget.windowHandle().title() == "gold [*] set"
    widget.close()


def test_main_window_shows_hostile_annotator_title_label_and_messages_literally(qtbot, db_path, monkeypatch):
    from annotator.gui.main_window import MainWindow

    name, title, label = "<b>Eve</b> & <i>co</i>", "<img src=x> <b>Breaking</b>", "R&D <b>x</b>"
    with Store(db_path) as store:
        store.add_document(Document(text="Acme R&D said so.", title=title))
        store.ensure_label(label)
    window = MainWindow(db_path, name)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    assert label_shows(window.annotator_label) == f"Annotator: \u2068{name}\u2069"  # isolated: RTL names too
    assert "<b>" in window.annotator_label.text()  # still bold: our markup around the escaped name
    assert label_shows(window.doc_title) == title

    [action] = [a for a in window.label_actions if label in strip_mnemonic(a.text())]
    assert strip_mnemonic(action.text()) == label  # tenth label: no key
    assert shown(action.toolTip()).startswith(f"Label the selection (or the selected entity) {label}")

    window.view.select_range(0, 4)
    window.apply_label(label)
    assert strip_mnemonic(window.undo_action.text()) == f"Undo Add {label}"
    window.undo_action.trigger()
    assert strip_mnemonic(window.redo_action.text()) == f"Redo Add {label}"
    rows = {(menu, text) for menu, text, _keys in window_help_rows(window)}
    assert ("Entity › Label selection as", f"{strip_mnemonic(action.text())}") in rows

    window.show_problem("label <b>x</b> is not allowed")
    assert label_shows(window.save_label) == "Not saved"
    assert window.save_label.toolTip() == "Not saved: label <b>x</b> is not allowed"
    assert window.statusBar().currentMessage() == "Not saved: label <b>x</b> is not allowed"

    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    window._import_done(None, "<i>a.txt</i>:3: bad record <b>")
    assert [shown(t) for t in warned] == ["<i>a.txt</i>:3: bad record <b>"]


def window_help_rows(window):
    from annotator.gui.actions import shortcut_rows

    rows = []
    for menu_action in window.menuBar().actions():
        rows.extend(shortcut_rows(menu_action.menu(), strip_mnemonic(menu_action.text())))
    return rows


def test_tag_picker_hint_quotes_the_filter_literally(qtbot):
    from annotator.gui.dialogs import TagPickDialog

    picker = TagPickDialog(["opinion"], [], "<b>Tag</b> the document")
    qtbot.addWidget(picker)
    picker.filter.setText("<b>zz</b>")
    assert label_shows(picker.hint) == "No tag matches “<b>zz</b>” (add it with Edit → Tag set…)."
    assert label_shows(picker.heading) == "<b>Tag</b> the document"


def test_review_entity_dialog_previews_markup_literally(qtbot):
    from annotator.gui.review_dialogs import EntityEditDialog

    dialog = EntityEditDialog("<b>Bold</b> said", 0, 11, "X", ["X"])
    qtbot.addWidget(dialog)
    assert label_shows(dialog.preview) == repr("<b>Bold</b>")


def test_review_window_shows_hostile_labels_names_and_title_literally(qtbot, store, db_path):
    from annotator.gui.review_window import ReviewWindow

    text = "<b>Bold</b> said <img src=x> today."
    doc_id, _ = store.add_document(Document(text=text, title="<img src=x> <b>title</b>"))
    alice, bob = "<i>al</i>", "bo&b"
    put_version(store, doc_id, alice, entities=[(0, 11, "<b>x</b>")], quotes=[quote(17, 28, speaker=(0, 11), name="<u>Mayor</u>")])
    put_version(store, doc_id, bob, entities=[(0, 11, "R&D <img src=y>")], quotes=[quote(17, 28, speaker=(0, 11), name="B")])
    carol = "bo<s>z</s>"  # a third annotator: the figures then list F1 per pair of annotators (audit 18 mutation 22)
    put_version(store, doc_id, carol, entities=[(0, 11, "<b>x</b>")], quotes=[])
    window = ReviewWindow(db_path, "rita [*]", gold="gold")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    assert window.windowHandle().title() == f"Review — {db_path.name} — reviewer rita [*], gold set “gold”"
    assert label_shows(window.doc_title).startswith("<img src=x> <b>title</b>  ·  ")
    assert label_shows(window.doc_title).endswith(f"versions: {alice}, {bob}, {carol}")
    table = ItemsTable(window)
    rows = {table.item(r, 0).data(Qt.ItemDataRole.UserRole): r for r in range(table.rowCount())}
    row = rows["entity:0:11"]
    columns = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert columns == ["Item", "Kind", "Gold", alice, bob, carol]
    assert table.item(row, 0).text() == "<b>Bold</b>"  # item views paint DisplayRole as plain text
    assert [table.item(row, c).text() for c in (3, 4)] == ["<b>x</b>", "R&D <img src=y>"]
    assert shown(table.item(row, 0).toolTip()) == "entity:0:11\n<b>Bold</b>"
    queue = window.findChild(QTableWidget, "reviewQueue")
    assert shown(queue.item(0, 1).toolTip()) == f"<img src=x> <b>title</b>\nversions: {alice}, {bob}, {carol}"

    take_bob = window.findChild(QPushButton, f"take_{bob}")
    assert strip_mnemonic(take_bob.text()) == bob  # after "Take:"
    assert shown(take_bob.accessibleName()) == f"Take {bob}"
    assert shown(window.findChild(QPushButton, f"take_{alice}").toolTip()).startswith(f"Put {alice}'s choice")
    assert strip_mnemonic(window.findChild(QPushButton, f"accept_{bob}").text()) == bob  # after "Accept version:"
    assert shown(window.findChild(QPushButton, f"accept_{bob}").accessibleName()) == f"Accept {bob}'s version"
    assert f"{alice}, {bob}, {carol}" in label_shows(window.corpus_figures)
    figures = "\n".join(label_shows(label) for label in window.findChildren(QLabel))  # the document's figures too
    for a, b in ((alice, bob), (alice, carol), (bob, carol)):
        assert f"{a} vs {b}: F1" in figures, figures

    window.select_item("entity:0:11")
    take_bob.click()
    assert strip_mnemonic(window.undo_action.text()) == f"Undo take {bob}'s entity"
    gold_row = {table.item(r, 0).data(Qt.ItemDataRole.UserRole): r for r in range(table.rowCount())}["entity:0:11"]
    assert shown(table.item(gold_row, 2).toolTip()) == f"take {bob} by rita [*]"  # the decision's tooltip
    window.close()
