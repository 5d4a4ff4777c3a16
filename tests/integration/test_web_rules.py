"""The tracking rules form: every key shown and kept, refusals beside their field,
an unchanged save appends nothing, and a preview of what new rules would do."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from web_testing import SEED, app, editor, event_count, post_form, web_runtime  # noqa: F401

from tracker.jobs import JobKind, Jobs

RULES_PAGE = f"/stories/{SEED}/rules"
RICH = {
    "all_of": [["Character.AI", "Character AI", "CharacterAI", "Character Technologies"], ["Meta", "Meta Platforms"]],
    "any_of": ["xAI", "X.AI", "deal", "Smith, Jones"],
    "none_of": ["Character Creator"],
    "min_any": 2,
    "auto_append": False,
    "parties": {"Character.AI": ["Character AI", "CharacterAI"], "Meta": ["Meta Platforms"], "xAI": []},
    "not_parties": ["Acme Corp"],
}


class FormValues(HTMLParser):
    """What a browser would post for the page's first form (the save button aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, Any] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and name and a.get("type") not in ("submit",):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values[name] = a.get("value") or "y"
            else:
                self.values[name] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            first = not self.values[self._textarea]  # a browser drops the line break that opens a textarea
            self.values[self._textarea] += data.removeprefix("\r\n").removeprefix("\n") if first else data


def shown(client: Any) -> dict[str, Any]:
    parser = FormValues()
    parser.feed(client.get(RULES_PAGE).get_data(as_text=True))
    values = dict(parser.values)
    values.pop("csrf_token", None)
    return values


def error_beside(page: str, field: str) -> str:
    at = page.index(f'id="{field}-error"')
    return page[at : at + 400]


def test_saving_the_form_unchanged_appends_nothing_and_keeps_every_alias_min_any_auto_append_and_party_alias(
    editor, web_runtime
) -> None:
    web_runtime.newsroom.change_rules(SEED, RICH, by="Ed")
    values = shown(editor)
    assert "Character.AI, Character AI, CharacterAI, Character Technologies" in values["all_of"]
    assert '"Smith, Jones"' in values["any_of"] and values["min_any"] == "2" and values["auto_append"] == "no"
    assert "Character.AI = Character AI, CharacterAI" in values["parties"] and values["not_parties"] == "Acme Corp"
    before = event_count(web_runtime)
    response = post_form(editor, RULES_PAGE, values, follow_redirects=True)
    assert response.status_code == 200 and "Nothing changed" in response.get_data(as_text=True)
    assert event_count(web_runtime) == before
    assert dict(web_runtime.newsroom.story(SEED).rules) == RICH
    assert Jobs(web_runtime.engine).latest(JobKind.REMATCH, SEED) is None  # nothing to match again


def test_the_seed_story_saved_unchanged_from_the_form_appends_nothing(editor, web_runtime) -> None:
    rules = dict(web_runtime.newsroom.story(SEED).rules)
    before = event_count(web_runtime)
    response = post_form(editor, RULES_PAGE, shown(editor), follow_redirects=True)
    assert "Nothing changed" in response.get_data(as_text=True)
    assert event_count(web_runtime) == before and dict(web_runtime.newsroom.story(SEED).rules) == rules


def test_min_any_auto_append_parties_and_dismissed_names_are_saved_from_the_form(editor, web_runtime) -> None:
    values = {
        **shown(editor),
        "any_of": "Meta, xAI, deal",
        "min_any": "2",
        "auto_append": "no",
        "parties": "Character.AI = Character AI\nGoogle = Alphabet, Google DeepMind",
        "not_parties": "Andreessen Horowitz",
    }
    response = post_form(editor, RULES_PAGE, values)
    assert response.status_code == 302
    rules = web_runtime.newsroom.story(SEED).rules
    assert (rules["min_any"], rules["auto_append"]) == (2, False)
    assert rules["parties"] == {"Character.AI": ["Character AI"], "Google": ["Alphabet", "Google DeepMind"]}
    assert rules["not_parties"] == ["Andreessen Horowitz"]
    assert Jobs(web_runtime.engine).latest(JobKind.REMATCH, SEED) is not None


def test_clearing_must_mention_is_refused_beside_it_until_the_editor_confirms_tracking_anything(
    editor, web_runtime
) -> None:
    before = event_count(web_runtime)
    values = {**shown(editor), "all_of": ""}
    refused = post_form(editor, RULES_PAGE, values)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "is empty" in error_beside(page, "all_of")
    assert "Match anything that mentions one of the any_of terms" in page
    assert event_count(web_runtime) == before
    confirmed = post_form(editor, RULES_PAGE, {**values, "track_anything": "y"})
    assert confirmed.status_code == 302
    rules = web_runtime.newsroom.story(SEED).rules
    assert rules["track_anything"] is True and "all_of" not in rules
    assert shown(editor)["track_anything"] == "y"  # the box stays ticked


def test_a_term_both_required_and_excluded_is_refused_beside_never(editor, web_runtime) -> None:
    before = event_count(web_runtime)
    response = post_form(editor, RULES_PAGE, {**shown(editor), "none_of": "Character Creator, character ai"})
    assert response.status_code == 400
    assert "cannot be both required and excluded" in error_beside(response.get_data(as_text=True), "none_of")
    assert event_count(web_runtime) == before


def test_malformed_terms_and_numbers_are_named_beside_their_field_never_a_500(editor, web_runtime) -> None:
    before = event_count(web_runtime)
    cases = {
        "all_of": ("Character.AI\nMeta, !!", "Line 2, term 2 &#39;!!&#39; has no letters or digits"),
        "any_of": ("deal, acq*ition", "a * may only end a term"),
        "min_any": ("many", "Not a valid integer value"),
        "parties": ("Meta = ??", "Party Meta: &#39;??&#39; has no letters or digits"),
        "not_parties": ("Acme, \x07", "Term 2 must be a name"),
    }
    for name, (value, message) in cases.items():
        response = post_form(editor, RULES_PAGE, {**shown(editor), name: value})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, name
        assert message in error_beside(page, name), name
    nameless = post_form(editor, RULES_PAGE, {**shown(editor), "parties": "Meta = Meta Platforms\n= Alphabet"})
    assert nameless.status_code == 400 and "a party name is empty" in error_beside(
        nameless.get_data(as_text=True), "parties"
    )
    assert event_count(web_runtime) == before


def test_a_partial_post_keeps_the_keys_it_leaves_out(editor, web_runtime) -> None:
    web_runtime.newsroom.change_rules(SEED, RICH, by="Ed")
    response = post_form(editor, RULES_PAGE, {"all_of": "Character.AI\nMeta", "any_of": "xAI, deal", "none_of": ""})
    assert response.status_code == 302
    rules = web_runtime.newsroom.story(SEED).rules
    assert rules["all_of"] == [["Character.AI"], ["Meta"]] and "none_of" not in rules
    assert (rules["min_any"], rules["auto_append"], rules["parties"]) == (2, False, RICH["parties"])
