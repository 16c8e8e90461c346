from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")
def test_every_string_has_a_chinese_translation():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_compiled_catalogue_matches_the_source():
    """The committed .mo (used where gettext is missing) has every .po entry."""
    with CATALOGUE.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    entries = re.findall(
        r'^(?:msgctxt "(.+)"\n)?msgid "(.+)"\nmsgstr "(.+)"$',
        CATALOGUE.read_text(),
        flags=re.MULTILINE,
    )
    assert len(entries) > 100

    def unquote(text):
        return text.replace('\\"', '"')

    stale = [
        (context, msgid, msgstr)
        for context, msgid, msgstr in entries
        if (
            compiled.pgettext(unquote(context), unquote(msgid))
            if context
            else compiled.gettext(unquote(msgid))
        )
        != unquote(msgstr)
    ]
    assert not stale, stale[:10]


PRODUCT_PACKAGES = ("accounts", "plans", "coaching", "reviews", "demo", "config")


def _translated_at_import(path):
    """Module- or class-level statements that call the eager ``gettext`` (imported as ``_``)."""
    tree = ast.parse(path.read_text())
    eager = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "django.utils.translation"
        and any(alias.name == "gettext" and alias.asname == "_" for alias in node.names)
        for node in tree.body
    )
    if not eager:
        return []
    statements = list(tree.body)
    statements += [s for node in tree.body if isinstance(node, ast.ClassDef) for s in node.body]
    return [
        f"{path.relative_to(ROOT)}:{statement.lineno}"
        for statement in statements
        if isinstance(statement, ast.Assign | ast.AnnAssign)
        and any(
            isinstance(call, ast.Call) and getattr(call.func, "id", None) == "_"
            for call in ast.walk(statement)
        )
    ]


def test_no_text_is_translated_once_at_import_time():
    """A message translated when the module loads shows in the server's language to
    everybody (the review table's "Finalised." was English on Chinese pages): module
    and class level texts use gettext_lazy."""
    found = [
        place
        for package in PRODUCT_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for place in _translated_at_import(path)
    ]
    assert not found, found


def test_the_reviewers_step_is_confirmed_in_the_readers_language():
    from django.utils import translation

    from reviews.views.tables import DONE_MESSAGES, STALE_MESSAGE

    with translation.override("zh-hans"):
        assert str(DONE_MESSAGES["finalise"]) == "已定稿。此表现已锁定。"
        assert "此表" in str(STALE_MESSAGE)
