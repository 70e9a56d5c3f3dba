"""Who may do what: the three roles and the one rule the model permissions cannot express.

- reader: anyone, logged in or not; reads the pages and the API.
- curator: a staff user in the "curators" group (created by migration 0006_roles). Adds,
  changes and views every domain record in the admin and through the API, and deletes
  draft or rejected statements and events; never a verified one, never other records,
  never users or groups.
- administrator: a superuser; everything, including deleting verified records and taking a
  record out of verification (back to draft, or rejected).

Only an administrator takes a record out of verification: were a curator allowed to set a
verified record back to draft (or reject it), the next request could delete it, and the first
rule would be a formality. The API, the admin's change form, its inlines, its history revert
and the "reject" action all ask `may_leave_verification()`.

The group's permissions are listed here once; the migration and `create_demo_curator`
both call `grant_curator_permissions()`. Changing the list needs a new data migration
that calls it again, so existing databases follow.
"""

from __future__ import annotations

from events.models import ReviewStatus

CURATOR_GROUP = "curators"

# Add, change and view: every domain model. The CAMEO codebook is reference data: view only.
CURATED_MODELS = (
    "outlet",
    "escalation",
    "article",
    "actor",
    "actoralias",
    "statement",
    "event",
    "eventparticipant",
    "eventsource",
    "tenure",
    *("reportedfigure", "eventstatement"),  # ACCOUNT_MODELS
    *("place", "placename", "eventplace"),  # PLACE_MODELS
)
# Issue 16's and issue 17's models (migration 0018_places grants them, 0017_event_accounts having
# made the first two; 0006 and 0014 leave them out).
ACCOUNT_MODELS = ("reportedfigure", "eventstatement")
PLACE_MODELS = ("place", "placename", "eventplace")
LATER_MODELS = (*ACCOUNT_MODELS, *PLACE_MODELS)
# Delete: only records that go through review, and only while they are not verified
# (may_delete below); deleting anything else stays with administrators.
DELETABLE_MODELS = ("statement", "event")

CURATOR_PERMISSIONS = (
    *(f"{action}_{model}" for model in CURATED_MODELS for action in ("add", "change", "view")),
    *(f"delete_{model}" for model in DELETABLE_MODELS),
    "view_cameocode",
)


def grant_curator_permissions(group_model, permission_model, codenames: tuple[str, ...] = CURATOR_PERMISSIONS):
    """Create the curators group (if missing) and set exactly its permissions.

    Takes the Group and Permission models so a migration can pass its historical ones, and the
    permissions (a migration passes those of the models that exist at that point).
    """
    group, _ = group_model.objects.get_or_create(name=CURATOR_GROUP)
    permissions = permission_model.objects.filter(content_type__app_label="events", codename__in=codenames)
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise LookupError(f"permissions missing from the database: {', '.join(sorted(missing))}")
    group.permissions.set(permissions)
    return group


def may_delete(user, record) -> bool:
    """A verified record is an analyst's finished work: only an administrator deletes it."""
    return user.is_superuser or getattr(record, "review_status", None) != ReviewStatus.VERIFIED


DELETE_REFUSED = "A verified record can only be deleted by an administrator."
UNVERIFY_REFUSED = (
    "A verified record can only be set back to draft or rejected by an administrator "
    "(a curator may edit it, and delete it only while it is a draft or rejected)."
)


def may_unverify(user) -> bool:
    """Taking a record out of verification is an administrator's act (see the module docstring)."""
    return user.is_superuser


def may_leave_verification(user, model, pk, new_status) -> bool:
    """May `user` set the stored record `model` `pk` to `new_status`?

    Compares with the stored row, not with an instance: a form or a history revert holds a copy
    whose status may already be the new one.
    """
    if new_status == ReviewStatus.VERIFIED or pk is None or may_unverify(user):
        return True
    stored = model._default_manager.filter(pk=pk).values_list("review_status", flat=True).first()
    return stored != ReviewStatus.VERIFIED


def rejectable(user, queryset):
    """The records of `queryset` that `user` may reject: all of them for an administrator,
    the ones not verified for anyone else."""
    return queryset if may_unverify(user) else queryset.exclude(review_status=ReviewStatus.VERIFIED)
