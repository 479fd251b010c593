"""Locust users for the figures in bench/scale_http.py (not part of the 100-user scenario).

CeilingUser   the scenario's pace (1-3 s between requests) against one bare view
FlatOutUser   no pause, against one bare view: the most requests/s the stack serves
RushBuyer     the whole ticket purchase, no pause and no abandoning: after each paid
              ticket the user becomes the next load account (a rush is many people
              buying once, each signing in), so per-account limits stay realistic
"""

import sys
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


class RushBuyer(scenario.Buyer):
    wait_time = constant(0)
    ticket_share = 1.0
    abandon_at_payment = 0.0
    abandon_at_review = 0.0

    def rush(self):
        if self.checkout(ticket=True):
            self.become(scenario.next_person())
            self.log_in()

    tasks = [rush]  # instead of the inherited Buyer.buy
