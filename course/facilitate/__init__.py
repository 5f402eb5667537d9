"""The facilitator's side: cohorts, invitations and progress.

URL surface (all under /facilitate, facilitators and admins only; a cohort outside the
viewer's scope answers 404 on every URL that names it):

    GET       /                                          cohorts         routes
    POST      /cohorts                                   create_cohort   routes
    GET       /cohorts/<id>                              cohort          routes
    POST      /cohorts/<id>/name                         rename          routes
    GET POST  /cohorts/<id>/archive | /restore           archive|restore routes
    POST      /cohorts/<id>/invitations                  create_link     invitation_routes
    POST      /cohorts/<id>/invitations/<id>/revoke      revoke_link     invitation_routes
    POST      /cohorts/<id>/invitations/email            invite_emails   invitation_routes
    GET POST  /cohorts/<id>/leaders/<id>/deactivate      deactivate_leader   people_routes
    GET POST  /cohorts/<id>/leaders/<id>/reactivate      reactivate_leader   people_routes
    POST      /cohorts/<id>/facilitators                 add_facilitator     people_routes (admin)
    POST      /cohorts/<id>/facilitators/<id>/remove     remove_facilitator  people_routes (admin)
    GET       /cohorts/<id>/progress[?show=&sort=&dir=]  progress        progress_routes
    GET       /cohorts/<id>/progress.csv                 progress_csv    progress_routes
    GET       /cohorts/<id>/insight                      insight         progress_routes
    GET       /cohorts/<id>/questions.csv                questions_csv   progress_routes
    GET       /cohorts/<id>/shared[?lesson=&page=]       shared          shared_views
    POST      /cohorts/<id>/shared/<id>/replies          reply           shared_views
    GET POST  /cohorts/<id>/nudge[?select=]              nudge           shared_views
"""

from flask import Blueprint

bp = Blueprint("facilitate", __name__, url_prefix="/facilitate")

from course.facilitate import (  # noqa: E402,F401
    invitation_routes,
    people_routes,
    progress_routes,
    routes,
    shared_views,
)
