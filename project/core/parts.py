"""The parts of Tessera that the landing page and the dashboards offer, and where each one
starts. A part without a start page yet (`url_name` None) shows as "Coming soon": no link,
and never styled as available. When a part lands, its app's start page goes here."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    text: str
    url_name: str | None = None
    action: str = ""

    @property
    def url(self) -> str | None:
        return reverse(self.url_name) if self.url_name else None


PARTS = {
    part.key: part
    for part in [
        Part(
            "shop",
            _("Keyboard shop"),
            _("Kits, switches and keycaps, preset builds, and lubing, assembly and tuning."),
            "shop:product_list",
            _("Browse the shop"),
        ),
        Part(
            "builder",
            _("Keyboard builder"),
            _("Design a custom build step by step from parts that fit together."),
        ),
        Part(
            "events",
            _("Events & tickets"),
            _("Online and offline sports events, free or paid tickets with QR codes."),
            "events:list",
            _("Find an event"),
        ),
        Part(
            "boosting",
            _("Game boosting"),
            _("Order a division boost and follow progress and chat with your booster live."),
        ),
        Part(
            "seller_tools",
            _("Seller tools"),
            _("Competitor price monitoring, repricing, price history and alerts for your stores."),
        ),
    ]
}
