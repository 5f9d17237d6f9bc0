"""The Welsh catalogue is complete, and no user-facing text escapes it.

1. Every message of the product has a Welsh translation: the catalogue is extracted afresh from
   the code and templates (makemessages into a copy) and must have no empty or fuzzy entry.
   A new string without Welsh fails here; `make messages` and the README say how to add it.
2. No template shows text outside {% translate %}/{% blocktranslate %}, and no Python module
   hands a literal string to a page (messages, form labels and help, validation errors).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
VENDOR = ROOT / "locale_vendor" / "cy" / "LC_MESSAGES" / "django.po"
WELSH_PLURALS = "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;"
GETTEXT = shutil.which("msgattrib") or "/usr/bin/msgattrib"
PRODUCT = ("config", "core", "partnerships", "surveys", "reports")


def _entries(path: Path, *flags: str) -> list[str]:
    """The msgids msgattrib selects with these flags (the header aside)."""
    out = subprocess.run(  # noqa: S603  # Debian's gettext, fixed arguments
        [GETTEXT, *flags, "--no-obsolete", str(path)], capture_output=True, text=True, check=True
    ).stdout
    ids = re.findall(r'^msgid "(.*)"$', out, re.M)
    return [i for i in ids if i]


def test_the_catalogues_use_welsh_plural_forms_and_compile():
    for path in (CATALOGUE, VENDOR):
        text = path.read_text()
        header = text.split("\n\n", 1)[0].replace('"\n"', "")  # joined wrapped lines
        assert f"Plural-Forms: {WELSH_PLURALS}\\n" in header, path
        assert '#, fuzzy\nmsgid ""' not in text, "a fuzzy header is left out of the .mo"
        msgfmt = shutil.which("msgfmt") or "/usr/bin/msgfmt"
        subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], check=True)  # noqa: S603
        assert _entries(path, "--untranslated") == []
        assert _entries(path, "--only-fuzzy") == []


def test_every_message_of_the_product_has_a_welsh_translation(tmp_path, settings, monkeypatch):
    # makemessages writes into the catalogue beside the files it reads: it runs over a copy of
    # the product, so the real catalogue is never touched.
    for name in (*PRODUCT, "templates", "static", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
    copy = tmp_path / "locale" / "cy" / "LC_MESSAGES" / "django.po"
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command(
        "makemessages",
        locale=["cy"],
        ignore_patterns=[],  # as `make messages`: what is not copied is not read
        add_location="file",
        no_obsolete=True,
        verbosity=0,
    )
    untranslated = _entries(copy, "--untranslated")
    fuzzy = _entries(copy, "--only-fuzzy")
    assert not untranslated and not fuzzy, (
        "Messages without Welsh (run `make messages`, translate them in "
        f"locale/cy/LC_MESSAGES/django.po): {untranslated + fuzzy}"
    )


# --- Templates -------------------------------------------------------------------------------
TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(
    (ROOT / "templates").rglob("*.txt")
)
# Stripped before looking for text: comments, translated blocks, variables, tags, code.
STRIP = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", re.S),
    re.compile(r"{%\s*translate\b.*?%}", re.S),
    re.compile(r"<script\b.*?</script>", re.S),
    re.compile(r"<style\b.*?</style>", re.S),
    re.compile(r"{{.*?}}", re.S),
]
TAG = re.compile(r"{%.*?%}", re.S)
# Attributes whose value a person reads or hears.
READ_ATTRIBUTES = re.compile(
    r'\b(aria-label|aria-description|title|alt|placeholder|value)="([^"]*)"', re.S
)
HTML_TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[A-Za-z]{2,}")
# Text that is the same in every language: the e-mail's link line is a variable; these are not
# words a translator would change.
SAME_IN_EVERY_LANGUAGE = {"PDF", "CSV", "API", "k", "v"}


def _visible_text(source: str) -> tuple[list[str], list[str]]:
    for pattern in STRIP:
        source = pattern.sub(" ", source)
    attributes = []
    for name, value in READ_ATTRIBUTES.findall(source):
        value = TAG.sub(" ", value)
        if name == "value":
            continue  # form values are codes, never read as text
        attributes.extend(WORD.findall(value))
    text = TAG.sub(" ", HTML_TAG.sub(" ", source))
    text = re.sub(r"&[a-z]+;|&#\w+;", " ", text)
    return WORD.findall(text), attributes


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_a_template_shows_no_text_outside_gettext(path):
    words, attributes = _visible_text(path.read_text())
    stray = [w for w in words + attributes if w not in SAME_IN_EVERY_LANGUAGE]
    assert not stray, f"text outside {{% translate %}} in {path.name}: {stray}"


def test_the_template_check_finds_text_outside_gettext():
    words, attributes = _visible_text(
        '<p>{% translate "Fine" %} Forgotten</p><a aria-label="Main menu" href="/">{{ x }}</a>'
        "<span title=\"{% translate 'Ok' %}\">{% blocktranslate %}Also {{ n }} fine"
        "{% endblocktranslate %}</span>{# a comment #}"
    )
    assert words == ["Forgotten"] and attributes == ["Main", "menu"]


# --- Python modules --------------------------------------------------------------------------
# Calls whose string argument reaches a page, an e-mail or an API answer.
MESSAGE_CALLS = {"success", "error", "warning", "info", "add_message"}
ERROR_CALLS = {"ValidationError", "PermissionDenied", "Http404", "NotFound", "APIException"}
TEXT_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "detail",
    "default_detail",
}


def _literal_strings(node: ast.AST) -> list[str]:
    """Literal text in an argument: a string, or the strings of a dict/list of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if WORD.search(node.value) else []
    if isinstance(node, ast.JoinedStr):
        return ["".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))]
    if isinstance(node, ast.Dict):
        return [s for value in node.values for s in _literal_strings(value)]
    if isinstance(node, ast.List | ast.Tuple):
        return [s for value in node.elts for s in _literal_strings(value)]
    return []


def _untranslated_in(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        # messages.success(request, "..."): the text is the second argument.
        from_messages = isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == (
            "messages"
        )
        if name in MESSAGE_CALLS and from_messages and len(node.args) >= 2:
            found += [(node.lineno, s) for s in _literal_strings(node.args[1])]
        if name in ERROR_CALLS and node.args:
            found += [(node.lineno, s) for s in _literal_strings(node.args[0])]
        for keyword in node.keywords:
            if keyword.arg in TEXT_KEYWORDS:
                found += [(node.lineno, s) for s in _literal_strings(keyword.value)]
    return found


MODULES = sorted(
    path
    for package in PRODUCT
    for path in (ROOT / package).rglob("*.py")
    if "migrations" not in path.parts and "scoring" not in path.parts
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_hands_no_literal_text_to_a_page(path):
    found = _untranslated_in(path.read_text())
    assert not found, f"text outside gettext in {path.relative_to(ROOT)}: {found}"


def test_the_module_check_finds_literal_text():
    found = _untranslated_in(
        "messages.success(request, 'Saved.')\n"
        "messages.success(request, _('Fine.'))\n"
        "raise ValidationError({'email': 'Taken.'})\n"
        "forms.CharField(label='Name', help_text=_('Fine'))\n"
    )
    assert [text for _line, text in found] == ["Saved.", "Taken.", "Name"]
