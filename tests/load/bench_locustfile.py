"""Locust users for the figures in bench/scale_http.py (not part of the 100-user scenario).

CeilingUser   the scenario's pace (1-3 s between requests) against one bare view
FlatOutUser   no pause, against one bare view: the most requests/s the stack serves
RushBuyer     the whole ticket purchase, no pause and no abandoning. A rush is many
              people buying once, signed in before sales open: each ticket is bought by
              the next account, with a session made for it beforehand (session keys from
              LOAD_SESSIONS_FILE, one a line), so no account buys twice and per-account
              limits stay as for real people
"""

import itertools
import os
import sys
import threading
from pathlib import Path

from locust import constant, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.load import locustfile as scenario  # noqa: E402


class CeilingUser(scenario.Person):
    @task
    def bare(self):
        self.get("/")


class FlatOutUser(CeilingUser):
    wait_time = constant(0)


def _sessions():
    path = os.environ.get("LOAD_SESSIONS_FILE")
    return iter(Path(path).read_text().split()) if path else iter(())


_session_keys = _sessions()
_session_lock = threading.Lock()
_person = itertools.count(1)


class RushBuyer(scenario.Buyer):
    wait_time = constant(0)
    ticket_share = 1.0
    abandon_at_payment = 0.0
    abandon_at_review = 0.0

    def on_start(self):
        self.next_buyer()

    def next_buyer(self) -> None:
        """The next person in the queue, already signed in."""
        with _session_lock:
            key, number = next(_session_keys, None), next(_person)
        if key is None:
            self.stop()
            return
        self.become(number)
        self.client.cookies.set("sessionid", key)

    def rush(self):
        if self.checkout(ticket=True):
            self.next_buyer()

    tasks = [rush]  # instead of the inherited Buyer.buy
