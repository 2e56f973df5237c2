"""The menu table (gui/actions.py): every entry becomes one action found by its id, and the article's context
menu is built from ids, so renaming a menu text cannot silently drop an entry from it."""

from __future__ import annotations

from annotator.gui.actions import CONTEXT_MENU, MENUS


def table_ids() -> list[str]:
    return [entry[0] for _, entries in MENUS for entry in entries if isinstance(entry, tuple)]


def test_every_menu_entry_has_one_unique_id_and_an_action(window):
    ids = table_ids()
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(window.actions_by_id)
    assert window.actions_by_id["entity.delete"].text() == "&Delete selected entity or quote"


def test_the_context_menu_holds_every_entry_it_names(window):
    context = window.view.context_actions
    assert len(context) == len(CONTEXT_MENU) and all(
        (item is None) == (name is None) for item, name in zip(context, CONTEXT_MENU))
    assert context[0] is window.label_menu and window.type_menu in context
    assert window.actions_by_id["quote.delete"] in context


def test_a_renamed_menu_text_keeps_its_context_entry(window):
    window.actions_by_id["quote.new"].setText("&New quote")
    window.refresh_labels()  # rebuilds the context menu
    assert window.actions_by_id["quote.new"] in window.view.context_actions


def test_menu_keys_run_their_verbs(qtbot, window):
    before = window.snap_action.isChecked()
    window.actions_by_id["edit.snap"].trigger()
    assert window.snap_action.isChecked() is not before and window.view.snapping is not before
    window.actions_by_id["document.skipped"].trigger()
    assert window.store.status(window.doc.id, window.annotator).value == "skipped"
