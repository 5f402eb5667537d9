"""The facilitator's side: cohorts, invitations and progress.

URL surface (all under /facilitate, facilitators and admins only; a cohort outside the
viewer's scope answers 404 on every URL that names it; both are decided once, below):

    GET       /                                          cohorts         cohort_views
    POST      /cohorts                                   create_cohort   cohort_views
    GET       /cohorts/<id>                              cohort          cohort_views
    POST      /cohorts/<id>/name                         rename          cohort_views
    GET POST  /cohorts/<id>/archive | /restore           archive|restore cohort_views
    POST      /cohorts/<id>/invitations                  create_link     invitation_views
    POST      /cohorts/<id>/invitations/<id>/revoke      revoke_link     invitation_views
    POST      /cohorts/<id>/invitations/email            invite_emails   invitation_views
    GET POST  /cohorts/<id>/leaders/<id>/deactivate      deactivate_leader   people_views
    GET POST  /cohorts/<id>/leaders/<id>/reactivate      reactivate_leader   people_views
    POST      /cohorts/<id>/facilitators                 add_facilitator     people_views (admin)
    POST      /cohorts/<id>/facilitators/<id>/remove     remove_facilitator  people_views (admin)
    GET       /cohorts/<id>/progress[?show=&sort=&dir=]  progress        progress_views
    GET       /cohorts/<id>/progress.csv                 progress_csv    progress_views
    GET       /cohorts/<id>/insight                      insight         progress_views
    GET       /cohorts/<id>/questions.csv                questions_csv   progress_views
    GET       /cohorts/<id>/shared[?lesson=&page=]       shared          shared_views
    POST      /cohorts/<id>/shared/<id>/replies          reply           shared_views
    GET POST  /cohorts/<id>/nudge[?select=]              nudge           nudge_views
    GET       /cohorts/<id>/circle[?page=]               circle          circle_views
    POST      /cohorts/<id>/circle/posts/<id>/replies    circle_reply    circle_views
    GET POST  /cohorts/<id>/circle/posts|replies/<id>/hide   hide_circle_*   circle_views
    POST      /cohorts/<id>/circle/reports/<id>/resolve  resolve_circle_report circle_views
    GET       /cohorts/<id>/entries[?page=]              shared_entries_page circle_views
    GET       /cohorts/<id>/sets                         sets            set_views
    POST      /cohorts/<id>/sets/split                   split_sets      set_views
    GET POST  /cohorts/<id>/sets/arrange                 arrange_sets_view   set_views
    GET       /cohorts/<id>/sets/<id>                    learning_set    set_views
    POST      /cohorts/<id>/sets/<id>/rounds             open_round_view set_views
    POST      /cohorts/<id>/sets/<id>/rounds/<id>/next   next_phase      set_views
"""

from flask import Blueprint, current_app, g, request
from flask_login import current_user

from course.access import FACILITATING, refuse_unless_view_allows
from course.cohorts.scoping import get_cohort_or_404

bp = Blueprint("facilitate", __name__, url_prefix="/facilitate")


@bp.url_value_preprocessor
def _take_cohort_id(endpoint, values):
    """Views never see a raw cohort id: `before_request` turns it into `g.cohort`."""
    g.cohort_id = values.pop("cohort_id", None) if values else None


@bp.before_request
def _permission_point():
    """The blueprint's one permission point: facilitators and admins only (admins alone
    where a view says `@requires(Role.ADMIN)`), then a cohort named in the URL is loaded
    through the viewer's scope (404 outside it) into g.cohort."""
    view = current_app.view_functions.get(request.endpoint)
    refused = refuse_unless_view_allows(view, FACILITATING)
    if refused is not None:
        return refused
    g.cohort = get_cohort_or_404(current_user, g.cohort_id) if g.cohort_id is not None else None
    return None


from course.facilitate import (  # noqa: E402,F401
    circle_views,
    cohort_views,
    formatting,
    invitation_views,
    nudge_views,
    people_views,
    progress_views,
    set_views,
    shared_views,
)
