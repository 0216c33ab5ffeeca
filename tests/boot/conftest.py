import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import rtv  # noqa: E402


@pytest.fixture
def machine():
    """Factory for QEMU machines, all closed at teardown."""
    started = []

    def start(kernel, name, **kw):
        m = rtv.Machine(kernel, name, **kw)
        started.append(m)
        return m

    yield start
    for m in started:
        m.close()
