"""What every curated record's admin shares: version-checked forms (a form opened before another
curator's change cannot undo it), the rules on leaving verification, and bulk verify/reject."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models

from events.models import (
    VersionConflict,
)
from events.roles import DELETE_REFUSED, UNVERIFY_REFUSED, may_delete, may_leave_verification, rejectable

TIMESTAMPS = ("created_at", "updated_at")


# A URL typed without a scheme is read as https:// (Django 6's default, opted into now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class VersionedAdminForm(forms.ModelForm):
    """A change form that remembers, in a hidden field, the version of the record it was opened at.

    Saving after someone else changed the record is refused with a form error naming who
    and when, and nothing is written (VersionedModel.check_version() locks the row for the
    rest of the admin's transaction, and save() is conditional on the version anyway).
    Without the field (a script posting the form) the save edits whatever is stored.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    #: Who is saving (set by `with_user()`): only an administrator takes a record out of verification.
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            # The stored row's version, not the instance's: a history revert form holds an old copy.
            stored = type(self.instance)._default_manager.filter(pk=self.instance.pk)
            self.fields["opened_version"].initial = stored.values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            opened = cleaned_data.get("opened_version")
            try:
                self.instance.check_version(opened)
            except VersionConflict as conflict:
                if conflict.current is None and opened is None:
                    # The history's revert form of a deleted record (opened with no version to
                    # edit): saving it restores the record, an insert.
                    self.instance._state.adding = True
                else:
                    raise ValidationError(conflict.form_message, code="version_conflict") from None
        self._check_leaving_verification(cleaned_data)
        return cleaned_data

    def _check_leaving_verification(self, cleaned_data):
        """The status this save would store: taken from the form, or from the instance when the field
        is not in it (a history revert saves the old copy's status)."""
        if self.user is None or not hasattr(self.instance, "review_status"):
            return
        new_status = cleaned_data.get("review_status", self.instance.review_status)
        if not may_leave_verification(self.user, type(self.instance), self.instance.pk, new_status):
            self.add_error("review_status" if "review_status" in self.fields else None, UNVERIFY_REFUSED)


def with_user(form_class, user):
    """`form_class` knowing who saves it (VersionedAdminForm.user)."""
    return type(form_class.__name__, (form_class,), {"user": user})


class KeepsVerifiedInlineFormSet(forms.BaseInlineFormSet):
    """An inline of reviewed records: a row of a verified record is not deleted by a curator.

    The inline's own has_delete_permission() is asked about the parent only, so the rule is
    checked here, row by row, against the stored record (the row may change its status too)."""

    user = None

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            stored = type(form.instance)._default_manager.filter(pk=form.instance.pk).first()
            if stored is not None and not may_delete(self.user, stored):
                raise ValidationError(f"{stored}: {DELETE_REFUSED}", code="verified")


class VersionCheckedAdmin:
    """Change forms of versioned records (Article, Actor, Statement, Event) carry their version."""

    form = VersionedAdminForm

    def get_fieldsets(self, request, obj=None):
        (name, options), *rest = super().get_fieldsets(request, obj)
        return [(name, {**options, "fields": (*options["fields"], "opened_version")}), *rest]


class MarkVerifiedMixin:
    """The "mark verified" and "reject" actions for models whose QuerySet has `mark_verified()`,
    and the rule that only an administrator deletes a verified record (events/roles.py).

    Django's delete view, the "delete selected" action and the cascade check all ask
    has_delete_permission() per object, so a curator is refused everywhere."""

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or may_delete(request.user, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The history's revert view builds its form here too.
        return with_user(super().get_form(request, obj, change=change, **kwargs), request.user)

    def _review_message(self, request, count, what):
        names = self.model._meta.verbose_name if count == 1 else self.model._meta.verbose_name_plural
        self.message_user(request, f"{count} {names} marked as {what}.", messages.SUCCESS)

    @admin.action(description="Mark selected %(verbose_name_plural)s as verified", permissions=["change"])
    def mark_verified(self, request, queryset):
        try:
            self._review_message(request, queryset.mark_verified(), "verified")
        except ValidationError as error:  # a statement with no speaker yet
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    @admin.action(description="Reject selected %(verbose_name_plural)s", permissions=["change"])
    def mark_rejected(self, request, queryset):
        allowed = rejectable(request.user, queryset)
        kept = queryset.count() - allowed.count()
        self._review_message(request, allowed.mark_rejected(), "rejected")
        if kept:
            self.message_user(request, f"{kept} verified left as they are: {UNVERIFY_REFUSED}", messages.WARNING)
