"""SIGINT while the reader opens (reader/tui/interrupts.py): noted, acted on
where it is safe, and an ignored one stays ignored."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from reader.tui.interrupts import Interrupts


@pytest.fixture
def sigint_default() -> Iterator[None]:
    """Python's own SIGINT handler during the test, whatever ran the tests."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_an_interrupt_is_raised_at_the_check_not_where_it_came(sigint_default: None) -> None:
    with Interrupts() as interrupts:
        interrupts.check()  # nothing yet
        os.kill(os.getpid(), signal.SIGINT)  # would raise KeyboardInterrupt here without it
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_ignored_interrupt_stays_ignored(sigint_default: None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as under nohup, or a background job
    with Interrupts() as interrupts:
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGINT)
        interrupts.check()
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
