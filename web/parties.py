"""Party suggestions on a story's page (editors only): "Add as a party"
makes a suggested name one of the story's parties (PartyAccepted), "Dismiss"
says it is not one (PartyDismissed), both by the signed-in editor.

Each answers 303 back to the story page with a flash; a refusal (already a
party, already dismissed, an unusable name) is a flash too, never a 500.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from werkzeug.wrappers import Response

from tracker.domain.errors import DomainError, NothingChanged
from web.access import editor_required
from web.editing import by, newsroom
from web.errors import flash_saved
from web.filters import sentence
from web.forms import PartyForm

bp = Blueprint("parties", __name__)

SEE_OTHER = 303


def _decide(slug: str, accept: bool) -> Response:
    form = PartyForm()
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400, description="The form was missing its security token or it had expired. Reload the page.")
        flash(sentence(next(iter(form.errors.values()))[0]), "error")
        return redirect(url_for("story.show", slug=slug), SEE_OTHER)
    name = (form.name.data or "").strip()
    try:
        if accept:
            newsroom().accept_party(slug, name, by=by())
        else:
            newsroom().dismiss_party(slug, name, by=by())
    except NothingChanged as error:
        flash(sentence(error) + ": nothing was changed.", "info")
        return redirect(url_for("story.show", slug=slug), SEE_OTHER)
    except LookupError:
        raise  # an unknown story: the site's 404
    except DomainError as error:
        flash(f"{name or 'That name'} could not be {'added' if accept else 'dismissed'}: {error}.", "error")
        return redirect(url_for("story.show", slug=slug), SEE_OTHER)
    if accept:
        flash_saved(f"{name} is now a party of the story.")
    else:
        flash_saved(f"{name} dismissed: it will not be suggested as a party again.")
    return redirect(url_for("story.show", slug=slug), SEE_OTHER)


@bp.post("/stories/<slug>/parties/accept")
@editor_required
def accept(slug: str) -> Response:
    return _decide(slug, accept=True)


@bp.post("/stories/<slug>/parties/dismiss")
@editor_required
def dismiss(slug: str) -> Response:
    return _decide(slug, accept=False)
