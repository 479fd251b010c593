"""The template scan: no user-visible text outside translation tags, except in the
templates listed in locale/untranslated_templates.txt, which the later passes empty."""

from pathlib import Path

import pytest
from django.conf import settings

from project.core.catalogs import UNTRANSLATED_LIST, untranslated_templates
from project.core.template_scan import project_templates, source_problems, template_problems

ROOT = Path(settings.BASE_DIR)
LISTED = untranslated_templates(ROOT)
SCANNED = [
    path for path in project_templates(ROOT) if str(path.relative_to(ROOT)) not in set(LISTED)
]


@pytest.mark.parametrize("path", SCANNED, ids=lambda path: str(path.relative_to(ROOT)))
def test_template_text_is_inside_translation_tags(path):
    problems = template_problems(path)
    assert not problems, (
        f"{path.relative_to(ROOT)} has text outside {{% translate %}}:\n"
        + "\n".join(str(problem) for problem in problems)
        + "\nWrap it (README: Adding a string and its translations)."
    )


def test_the_untranslated_list_only_shrinks():
    """Each listed template exists and still has untranslated text: once it is translated
    its line must go, so the scan guards it from then on."""
    assert len(LISTED) == len(set(LISTED)), "a template is listed twice"
    stale = []
    for name in LISTED:
        path = ROOT / name
        assert path.is_file(), f"{UNTRANSLATED_LIST} lists {name}, which does not exist"
        if not template_problems(path):
            stale.append(name)
    listing = ", ".join(stale)
    assert not stale, f"translated now, remove these lines from {UNTRANSLATED_LIST}: {listing}"


def test_the_first_layer_is_translated():
    """The base layout, header, footer, chooser, toasts and error pages are never listed."""
    first_layer = {
        "templates/base.html",
        "templates/components/header.html",
        "templates/components/footer.html",
        "templates/components/language_chooser.html",
        "templates/components/toast.html",
        "templates/404.html",
        "templates/403.html",
        "templates/429.html",
        "templates/500.html",
    }
    assert not first_layer & set(LISTED)
    assert first_layer <= {str(path.relative_to(ROOT)) for path in SCANNED}


@pytest.mark.parametrize(
    "source",
    [
        "<p>Hello</p>",
        '<button aria-label="Close">×</button>',
        '<input placeholder="Search products">',
        '<a title="Cart" href="/cart/">{% translate "Cart" %}</a>',
        '<button type="submit" value="Send it">{% translate "Send" %}</button>',
        '{% include "components/empty_state.html" with title="No orders yet" %}',
        '{{ note|default:"Nothing yet" }}',
        '<form data-confirm="Delete this address?"></form>',
    ],
)
def test_the_scan_finds_untranslated_text(source):
    assert source_problems(source)


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p>{% translate "Hello" %}</p>',
        "<p>{% blocktranslate with n=count %}{{ n }} items{% endblocktranslate %}</p>",
        "{# a comment #}{% comment %}Notes for developers{% endcomment %}<p>{{ title }}</p>",
        '<script nonce="x">var label = "Menu";</script><svg><title>x</title></svg>',
        '<a href="mailto:support@tessera.test">support@tessera.test</a> <b>Tessera</b> · 2026',
        '{% include "components/x.html" with variant="primary" size="sm" %}',
        '<p class="text-sm font-semibold" data-label="{{ column.header }}">{{ value }}</p>',
        "<code>wscat -c wss://host/ws/</code>",
    ],
)
def test_the_scan_allows_markup_and_translated_text(source):
    assert source_problems(source) == []


def test_the_scan_reads_email_text_files_whole():
    problems = source_problems("Hello {{ name }},\n{{ site_url }}/orders/\n", plain=True)
    assert [(problem.line, problem.text) for problem in problems] == [(1, "Hello ,")]
