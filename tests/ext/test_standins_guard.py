"""The course's own event handlers, guarded during ``hpccourse check`` (issue 20, item
1: a handler that waits on the network must not hang the check)."""

from __future__ import annotations

import threading

import pytest
from hpccourse.builders import standins
from hpccourse.builders.standins import HandlerTimeout, Standins, guarded_setup, time_limit


def test_a_time_limit_stops_what_waits_and_leaves_nothing_armed() -> None:
    with pytest.raises(HandlerTimeout), time_limit(0.2):
        threading.Event().wait()  # what a handler waiting on the network does: never set
    with time_limit(5):
        pass  # done in time: no exception, and the timer is off again


def test_a_handler_past_its_time_is_stopped_and_said(monkeypatch) -> None:
    monkeypatch.setattr(standins, "HANDLER_SECONDS", 0.2)
    connected = {}

    class App:
        def connect(self, event, callback, priority=500):
            connected[event] = callback

    def wait_for_plugins(app):
        threading.Event().wait()

    def setup(app):
        app.connect("builder-inited", wait_for_plugins)

    record = Standins()
    app = App()
    guarded_setup(setup, record)(app)
    assert connected["builder-inited"](app) is None  # stopped: the event's default
    assert record.handlers == {
        "conf.py's builder-inited handler wait_for_plugins": "HandlerTimeout: ran past 0.2 s "
        "(waiting on the network?)"
    }
    assert app.connect.__func__ is App.connect  # the guard is gone after setup()


def test_a_limit_inside_another_leaves_the_outer_one_running() -> None:
    """A handler (limited) that imports the course's module (limited too): the inner
    limit's end must not switch the outer one off."""
    with pytest.raises(HandlerTimeout), time_limit(0.5):
        with time_limit(5):
            threading.Event().wait(0.1)
        threading.Event().wait(3)  # the outer limit ends this wait
    # the sooner end holds inside, and is said as the outer limit's own (blind batch AT:
    # a directive's note read "ran past 0.000861 s", the outer limit's last moment)
    outer = pytest.raises(HandlerTimeout, match=r"ran past 0\.3 s \(outer\)")
    with outer, time_limit(0.3, "outer"), time_limit(5, "inner"):
        threading.Event().wait(3)
    inner = pytest.raises(HandlerTimeout, match=r"ran past 0\.2 s \(inner\)")
    with inner, time_limit(5, "outer"), time_limit(0.2, "inner"):
        threading.Event().wait(3)
