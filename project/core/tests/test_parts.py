"""Every card on the landing page and the dashboards leads somewhere real; a part that is
not built yet shows as "Coming soon", with no link and nothing styled as available."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from project.accounts.roles import Role
from project.accounts.tests.factories import UserFactory
from project.core.parts import PARTS

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Cards(HTMLParser):
    """Collects each element marked `data-card`: its links, its "coming" blocks and text."""

    def __init__(self):
        super().__init__()
        self.cards, self._open = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-card" in attrs:
            self.cards.append(
                {
                    "key": attrs["data-card"] or attrs.get("id"),
                    "links": [],
                    "coming": 0,
                    "text": "",
                    "styled": [],
                }
            )
            self._open.append([self.cards[-1], 0])
        for card_depth in self._open:
            card = card_depth[0]
            if tag == "a" and attrs.get("href"):
                card["links"].append(attrs["href"])
            if "data-coming" in attrs:
                card["coming"] += 1
            classes = (attrs.get("class") or "").split()
            if tag == "button" or {"btn", "link"} & set(classes):
                card["styled"].append(tag)
            if tag not in VOID:
                card_depth[1] += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for card_depth in self._open:
            card_depth[1] -= 1
        self._open = [item for item in self._open if item[1] > 0]

    def handle_data(self, data):
        for card, _ in self._open:
            card["text"] += data


def cards_on(client: Client, path: str) -> list[dict]:
    response = client.get(path, follow=True)
    assert response.status_code == 200
    parser = Cards()
    parser.feed(response.content.decode())
    return parser.cards


def assert_cards_lead_somewhere(client: Client, cards: list[dict]):
    assert cards
    for card in cards:
        if card["coming"]:
            assert "Coming soon" in card["text"], card
            # Not a link, not a button: nothing that looks available.
            assert card["links"] == [] and card["styled"] == [], card
        for href in card["links"]:
            assert client.get(href, follow=True).status_code == 200, (card["key"], href)


def test_every_landing_card_links_to_a_page_or_says_coming_soon(db, client):
    cards = cards_on(client, "/")
    assert [card["key"] for card in cards] == list(PARTS)
    assert_cards_lead_somewhere(client, cards)
    for card in cards:
        part = PARTS[card["key"]]
        if part.url:
            assert part.url in card["links"] and not card["coming"]
        else:
            assert card["coming"], part.key
    # The parts not built yet are exactly the ones marked coming.
    assert {c["key"] for c in cards if c["coming"]} == {"builder", "boosting", "seller_tools"}


@pytest.mark.parametrize(
    "role,coming",
    [
        (Role.CUSTOMER, {"builds", "live-jobs"}),
        (Role.STAFF, set()),
        (Role.MANAGER, {"live-board", "assignment"}),
        (Role.BOOSTER, {"order-pool", "my-jobs", "earnings"}),
    ],
)
def test_every_dashboard_card_links_to_a_page_or_says_coming_soon(db, client, role, coming):
    client.force_login(UserFactory(roles=[role]))
    cards = cards_on(client, f"/dashboard/{role.value}/")
    assert_cards_lead_somewhere(client, cards)
    assert {card["key"] for card in cards if card["coming"]} == coming
