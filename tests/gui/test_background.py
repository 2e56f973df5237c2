"""gui/background.py, the one way the window runs slow work: the worker runs in its own thread, every signal
it sends reaches the run's slots in the GUI thread, failures and cancels come back as values, and the worker is
deleted in its own thread."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QProgressDialog

from annotator.core.errors import Cancelled, InputError
from annotator.core.store import Store
from annotator.gui.background import BackgroundRun, BackgroundWorker


def in_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def test_progress_messages_and_result_reach_gui_thread_slots(qtbot, seeded, monkeypatch):
    db_path, ids = seeded
    worker_threads = []

    def task(store, on_progress, should_cancel):
        worker_threads.append(threading.current_thread() is not threading.main_thread())
        on_progress(1, 3)
        worker.message.emit("halfway")
        on_progress(3, 3)
        return store.document_count()

    worker = BackgroundWorker(db_path, task, readonly=True)
    run = BackgroundRun(None, worker, title="Working…")
    seen = []
    # The run's slots drive the progress dialog: spy on the dialog (a widget may only be touched from the GUI
    # thread). Spying by overriding the run's slots in a subclass would not do: PySide6 calls an overriding
    # slot directly, in the emitting thread.
    dialog = run.progress
    monkeypatch.setattr(dialog, "setValue", lambda value: (
        seen.append(("value", value, in_gui_thread())), QProgressDialog.setValue(dialog, value)))
    monkeypatch.setattr(dialog, "setLabelText", lambda text: (
        seen.append(("label", text, in_gui_thread())), QProgressDialog.setLabelText(dialog, text)))
    outcome = []
    run.done.connect(lambda: outcome.append((run.result, in_gui_thread())))
    with qtbot.waitSignal(run.done, timeout=10_000):
        run.start()
    assert worker_threads == [True]
    assert run.result == len(ids) and run.error is None and not run.was_cancelled
    assert seen == [("value", 1, True), ("label", "halfway", True), ("value", 3, True)]
    assert outcome == [(len(ids), True)]
    assert run.progress.labelText() == "halfway"
    qtbot.waitUntil(lambda: not shiboken6.isValid(worker))  # deleteLater ran in the worker's thread
    assert run.worker_thread.isFinished()


def test_done_is_emitted_in_the_gui_thread_after_the_thread_ended(qtbot, seeded):
    db_path, _ = seeded
    run = BackgroundRun(None, BackgroundWorker(db_path, lambda store, p, c: "ok"))
    observed = []
    run.done.connect(lambda: observed.append((in_gui_thread(), run.worker_thread.isFinished(), run.result)))
    with qtbot.waitSignal(run.done, timeout=10_000):
        run.start()
    assert observed == [(True, True, "ok")]
    assert run.progress is None  # no title: no dialog


def test_a_user_error_comes_back_as_its_one_line_and_others_with_their_type(qtbot, seeded):
    db_path, _ = seeded

    def bad_input(store, p, c):
        raise InputError("articles.jsonl", 3, "not JSON")

    def bug(store, p, c):
        raise KeyError("boom")

    assert BackgroundRun(None, BackgroundWorker(db_path, bad_input)).wait() == (None, "articles.jsonl:3: not JSON")
    assert BackgroundRun(None, BackgroundWorker(db_path, bug)).wait() == (None, "KeyError: 'boom'")
    plain_none = BackgroundWorker(db_path, bad_input, plain_errors=())
    assert BackgroundRun(None, plain_none).wait() == (None, "InputError: articles.jsonl:3: not JSON")


def test_cancel_sets_the_flag_the_task_polls_and_ends_as_cancelled(qtbot, seeded):
    db_path, _ = seeded
    started = threading.Event()

    def task(store, on_progress, should_cancel):
        started.set()
        while not should_cancel():
            QThread.msleep(5)
        raise Cancelled("stopped")

    run = BackgroundRun(None, BackgroundWorker(db_path, task), title="Working…")
    run.start()
    assert started.wait(10)
    try:
        with qtbot.waitSignal(run.done, timeout=10_000):
            run.progress.canceled.emit()  # what the dialog's Cancel button sends
    finally:
        run.cancel_and_wait(10_000)
    assert run.was_cancelled and run.result is None and run.error is None


def test_the_worker_has_its_own_store_connection(qtbot, seeded):
    db_path, _ = seeded
    with Store(db_path) as gui_store:
        run = BackgroundRun(None, BackgroundWorker(db_path, lambda store, p, c: store is not gui_store and store.document_count()))
        assert run.wait() == (3, None)
