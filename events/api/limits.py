"""The request-size limits as API errors.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, or a form with more than
DATA_UPLOAD_MAX_NUMBER_FIELDS fields, when DRF reads it; left alone that surfaces as a bare
"400 Bad Request" page. The API answers in JSON instead: 413 with the size and the limit,
400 for too many fields. Nothing is written in either case (the body is read before the view runs).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        request = context["request"]
        length = request.META.get("CONTENT_LENGTH") or "?"
        exc = RequestTooLarge(
            f"The request body is {length} bytes; at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} are accepted."
        )
    elif isinstance(exc, TooManyFieldsSent):
        exc = exceptions.ParseError(f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields.")
    return drf_exception_handler(exc, context)
