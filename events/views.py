"""Server-rendered reader pages. Placeholder until the pages land."""

from django.http import HttpResponse


def timeline(request):
    return HttpResponse("timeline")


def article_detail(request, pk):
    return HttpResponse("article")


def actor_detail(request, pk):
    return HttpResponse("actor")
