"""What plans announce to the apps above them. Plans imports none of them: an app that wants to hear connects
a receiver in its ``AppConfig.ready()`` (participation tells the followers of the items, see
:func:`minsheng.participation.apps.ParticipationConfig.ready`).

Like :func:`minsheng.plans.services.plan_status_guard_add`, this keeps the arrows pointing down: plans only
sends; receivers do their work through their own services, and an exception in one propagates to the caller
(``send``, not ``send_robust``), as a direct call would.
"""

from django.dispatch import Signal

# A new version of a plan that already had one was stored and committed: a revised document was imported, or
# the plan was adopted without some items. Sent once per such version, after the commit (never for the first
# version of a plan, which changes nothing anyone follows). Arguments: ``sender`` is the PlanVersion class,
# ``version`` the new PlanVersion, ``by`` the User who made it (or None).
plan_version_created = Signal()
