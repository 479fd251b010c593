"""Sections other apps add to the order page, as pretix's `order_info` signal does: an app
registers a template in its `ready()` and the order page includes each one with its own
context (`order`, `user`, the CSRF token), without the shop knowing the app."""

_SECTIONS: list[str] = []


def order_section_register(template_name: str) -> None:
    if template_name not in _SECTIONS:
        _SECTIONS.append(template_name)


def order_sections() -> list[str]:
    return list(_SECTIONS)
