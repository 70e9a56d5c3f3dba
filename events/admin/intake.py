"""The admin's "Add an article" page: paste text, upload a file or give a URL (events/importers/intake.py does
the work); on success the curator lands in the review queue for that article's drafts."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from events.importers import ImportFailure
from events.importers.intake import Intake, add_article
from events.models import Article, Outlet


class AddArticleForm(forms.Form):
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        help_text="The headline on the first line, a blank line, then the paragraphs separated by blank lines.",
    )
    file = forms.FileField(required=False, help_text="A seed text file (.txt, UTF-8) or a saved web page (.html).")
    url = forms.URLField(
        required=False, assume_scheme="https", help_text="The article's web address: the page is fetched."
    )
    published_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When the page gives no date (a web page's own date comes first).",
    )
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.all(),
        required=False,
        help_text="When the address or site name does not tell it.",
    )

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if admin_site is not None:
            field = self.fields["outlet"]
            field.widget = AutocompleteSelect(Article._meta.get_field("outlet"), admin_site)
            field.widget.choices = field.choices

    def clean(self):
        cleaned = super().clean()
        given = [name for name in ("text", "file", "url") if cleaned.get(name)]
        if len(given) != 1:
            raise forms.ValidationError("Give exactly one of: pasted text, a file, or a URL.")
        return cleaned

    def intake(self) -> Intake:
        data = self.cleaned_data
        upload = data.get("file")
        return Intake(
            text=data.get("text") or "",
            file_name=upload.name if upload else "",
            data=upload.read() if upload else None,
            url=data.get("url") or "",
            published_on=data.get("published_on"),
            outlet=data.get("outlet"),
        )


def add_article_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    bound = (request.POST, request.FILES) if request.method == "POST" else ()
    form = AddArticleForm(*bound, admin_site=model_admin.admin_site)
    if bound and form.is_valid():
        try:
            article, warnings = add_article(form.intake())
        except ImportFailure as error:
            form.add_error(None, f"Nothing was stored: {error}")
        else:
            for warning in warnings:
                messages.warning(request, warning)
            drafts = article.statements.count()
            messages.success(request, f"“{article}” was added with {drafts} draft statement(s) to review.")
            query = urlencode({"article": article.pk})
            return HttpResponseRedirect(f"{reverse('admin:events_review_queue')}?{query}")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Add an article from text, a file or a URL",
        "opts": Article._meta,
        "form": form,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/events/article/add_from_source.html", context)
