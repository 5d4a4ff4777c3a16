"""The web forms (Flask-WTF: every form carries a CSRF token).

Fields are named like the domain's command arguments so an
``InvalidField(field, problem)`` from the domain lands next to its field.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.domain.reading.model import RELATION_KINDS, STATEMENT_KINDS, Relevance
from tracker.domain.vocabulary import KIND_LABELS, Status

KIND_CHOICES = [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]
STATUS_CHOICES = [SelectChoice(s.value, s.value.capitalize()) for s in Status]
RELEVANCE_CHOICES = [
    SelectChoice(Relevance.CORE.value, "Core: a development of the story"),
    SelectChoice(Relevance.CONTEXT.value, "Context: background"),
]


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LoginForm(FlaskForm):  # type: ignore[misc]
    """No account name is longer than 64 characters; a longer password is refused before hashing it."""

    name = StringField(
        "Name",
        validators=[
            DataRequired(message="Enter your user name."),
            Length(max=64, message="Unknown name or wrong password."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(message="Enter your password."),
            Length(max=1024, message="Unknown name or wrong password."),
        ],
    )


class OpenStoryForm(FlaskForm):  # type: ignore[misc]
    title = StringField("Title", validators=[DataRequired(message="A story needs a title."), Length(max=300)])
    slug = StringField(
        "Slug",
        validators=[Optional(), Length(max=120)],
        description="Lower-case words joined by hyphens; leave empty to derive it from the title.",
    )
    summary = TextAreaField("Summary", validators=[Optional()])


class ReportForm(FlaskForm):  # type: ignore[misc]
    headline = StringField("Headline", validators=[DataRequired(message="A report needs a headline."), Length(max=500)])
    published_at = StringField(
        "Published",
        validators=[DataRequired(message="When did the outlet publish it?")],
        description="ISO 8601, e.g. 2024-05-25 or 2024-05-25T14:30Z (UTC when no zone is given).",
    )
    kinds = MultiCheckboxField(
        "Kinds", choices=KIND_CHOICES, validators=[DataRequired(message="Pick at least one kind.")]
    )
    parties = StringField("Parties", description="Comma-separated, e.g. Meta, Character.AI")
    speakers = StringField(
        "Speakers",
        description="Which of the parties declined, did not respond, confirmed or denied (empty: all of them).",
    )
    outlet = StringField("Outlet", validators=[Length(max=200)])
    attribution = StringField("Attribution", description="Who says so, e.g. “people familiar with the matter”.")
    url = StringField("Link", description="http(s) address of the original report.")
    summary = TextAreaField("Summary")


class CorrectForm(FlaskForm):  # type: ignore[misc]
    fingerprint = HiddenField()
    headline = StringField("Headline", validators=[DataRequired(message="The headline cannot be empty.")])
    summary = TextAreaField("Summary")
    url = StringField("Link")
    reason = StringField("Reason for the correction", validators=[DataRequired(message="Say why it is corrected.")])


class RetractForm(FlaskForm):  # type: ignore[misc]
    fingerprint = HiddenField()
    reason = StringField("Reason for the retraction", validators=[DataRequired(message="Say why it is retracted.")])


class ReclassifyForm(FlaskForm):  # type: ignore[misc]
    """The kinds and the reading of a report (web/reading_form.py parses the two text areas)."""

    fingerprint = HiddenField()
    kinds = MultiCheckboxField(
        "Kinds", choices=KIND_CHOICES, validators=[DataRequired(message="Pick at least one kind.")]
    )
    relevance = SelectField(
        "Relevance",
        choices=RELEVANCE_CHOICES,
        default=Relevance.CORE.value,
        description="Context: background on the timeline, marked, that moves no thread.",
    )
    parties = StringField("Parties", description="Comma-separated; the relations' and statements' names are added.")
    relations = TextAreaField(
        "Relations",
        description="One a line: A | B | kind, e.g. Google | Character.AI | agreement reached "
        f"(kinds: {', '.join(sorted(k.label for k in RELATION_KINDS))}).",
    )
    statements = TextAreaField(
        "Statements",
        description="One a line: speaker | kind | about, e.g. Meta | declined to comment | the talks "
        f"(kinds: {', '.join(sorted(k.label for k in STATEMENT_KINDS))}; about may be left out).",
    )


class PartyForm(FlaskForm):  # type: ignore[misc]
    """Add a suggested name as a party, or dismiss it."""

    name = HiddenField(validators=[DataRequired(message="No name was given."), Length(max=200)])


class StorySettingsForm(FlaskForm):  # type: ignore[misc]
    title = StringField("Title", validators=[DataRequired(message="A story needs a title."), Length(max=300)])
    status = SelectField("Status", choices=STATUS_CHOICES)


class RulesForm(FlaskForm):  # type: ignore[misc]
    """Every key of a story's tracking rules (web/rules_form.py turns it into the rules mapping and back)."""

    all_of = TextAreaField(
        "Must mention (all of)",
        description="One group per line: the aliases of one thing, separated by commas (quote a term that "
        "holds a comma). Every line must be matched.",
    )
    track_anything = BooleanField(
        "Match anything that mentions one of the any_of terms",
        description="Needed when “must mention” is empty: the story then takes every item that mentions "
        "one of the “any of” terms.",
    )
    any_of = TextAreaField("Strong match when it also mentions (any of)", description="Comma-separated terms.")
    min_any = IntegerField(
        "“Any of” terms needed for a strong match",
        default=1,
        validators=[Optional(), NumberRange(min=1, message="At least one.")],
        description="Distinct “any of” terms an item must mention to be a strong match (default 1).",
    )
    none_of = TextAreaField("Never when it mentions (none of)", description="Comma-separated terms.")
    auto_append = SelectField(
        "Strong matches",
        choices=[
            SelectChoice("yes", "Are added to the timeline by themselves"),
            SelectChoice("no", "Wait in the suggestions inbox like weak ones"),
        ],
        default="yes",
    )
    parties = TextAreaField(
        "Parties",
        description="One party a line: its name, then = and its other spellings, e.g. Meta = Meta Platforms, Facebook.",
    )
    not_parties = TextAreaField(
        "Not parties", description="Names dismissed as parties (never suggested again), comma-separated."
    )


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A button that changes something: only the CSRF token."""


def split_terms(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").replace("\n", ",").split(",") if t.strip()]


class FeedForm(FlaskForm):  # type: ignore[misc]
    url = StringField(
        "Feed address",
        validators=[DataRequired(message="Enter the address of an RSS or Atom feed.")],
        description="http(s) address of an RSS or Atom feed; it is fetched once to check it.",
    )
    name = StringField(
        "Name", validators=[Optional(), Length(max=300)], description="Optional; the feed's own title otherwise."
    )
    interval_minutes = IntegerField(
        "Check every (minutes)",
        validators=[Optional(), NumberRange(min=1, message="At least one minute.")],
        description="Optional; the default interval otherwise.",
    )
