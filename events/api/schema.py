"""The OpenAPI schema class (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]): drf-spectacular's, plus
what it cannot see by itself: the error responses every operation can give, the
export formats of the lists (their `format` parameter, media types and headers), and the
optimistic concurrency of versioned records (ETag, If-Match, 412 and 409).
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from events.api import exports, renderers
from events.api.serializers import EventSerializer
from events.models import VersionedModel

FIELD_ERRORS = {
    "type": "object",
    "description": "Each invalid parameter or field (or non_field_errors) with its messages; "
    "a nested list's errors are keyed by the item's position.",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]},
}
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
ERRORS = {
    "400": (
        "A parameter or field value that cannot be used, named with its message; or a body that cannot be "
        "read at all (not JSON, not UTF-8), with one `detail`.",
        {"oneOf": [FIELD_ERRORS, DETAIL]},
    ),
    "401": ("Not authenticated (send a token: `Authorization: Token <key>`).", DETAIL),
    "403": ("Authenticated, but without the model permission this write needs.", DETAIL),
    "404": ("No such record (on a list: no such page).", DETAIL),
    "409": ("Other records still refer to this one; reassign or remove them first.", DETAIL),
    "429": (
        "Too many requests: an anonymous client over its budget per address (API_ANON_RATE; `Retry-After` "
        "says when to come back), or on /api/token/ a username locked out after too many wrong passwords.",
        DETAIL,
    ),
}
CONFLICT = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "current_version": {"type": "integer", "nullable": True, "description": "Null: the record was deleted."},
        "changed_by": {"type": "string", "nullable": True, "description": "Who made the last change, if recorded."},
        "changed_at": {"type": "string", "format": "date-time", "nullable": True},
    },
    "required": ["detail"],
}
VERSION_ERRORS = {
    "409": (
        "The body's `version` is not the record's current version: someone changed it since you read it. "
        "Nothing was written; read it again and re-apply your change.",
        CONFLICT,
    ),
    "412": (
        "If-Match names a version the record is no longer at: someone changed it since you read it. "
        "Nothing was written; read it again (the ETag header gives the current version) and re-apply your change.",
        CONFLICT,
    ),
}
IF_MATCH_HELP = (
    'The version this change is based on, as the ETag of the record gave it (If-Match: "3"). Send it: '
    "without it the write goes through whatever changed since you read the record. A record at another "
    "version is not changed (412)."
)
EXPORT_MEDIA_TYPES = {
    "csv": ("text/csv", "CSV, streamed."),
    "timelinejs": (renderers.TimelineJSRenderer.media_type, "Knight Lab's TimelineJS JSON."),
    "ics": ("text/calendar", "iCalendar (RFC 5545), all-day events."),
}


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        # Reads are public (DjangoModelPermissionsOrAnonReadOnly, which drf-spectacular does not
        # know): credentials are optional there, `{}` in OpenAPI's security list.
        auth = super().get_auth()
        if self.method == "GET" and auth and {} not in auth:
            auth = [*auth, {}]
        return auth

    def _exports(self) -> tuple[str, ...]:
        view = self.view
        if self.method != "GET" or not isinstance(view, exports.ExportMixin) or not view.is_collection():
            return ()
        return view.export_formats

    def _versioned(self) -> bool:
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        return model is not None and issubclass(model, VersionedModel)

    def _version_parameters(self) -> list[OpenApiParameter]:
        if not self._versioned():
            return []
        parameters = []
        if self.method in ("PUT", "PATCH", "DELETE"):
            parameters.append(
                OpenApiParameter(
                    "If-Match", OpenApiTypes.STR, location=OpenApiParameter.HEADER, description=IF_MATCH_HELP
                )
            )
        written = {"POST": [201], "PUT": [200], "PATCH": [200]}.get(self.method)
        if written or (self.method == "GET" and "{" in self.path):
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    OpenApiTypes.STR,
                    location=OpenApiParameter.HEADER,
                    response=written or [200],
                    description='The record\'s version in quotes ("3"): send it back as If-Match when you change it.',
                )
            )
        return parameters

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters()) + self._version_parameters()
        formats = self._exports()
        if formats:
            described = "; ".join(f"`{name}`: {exports.FORMAT_HELP[name]}" for name in formats)
            parameters += [
                OpenApiParameter(
                    "format",
                    OpenApiTypes.STR,
                    enum=list(formats),
                    description=f"Export every filtered row (up to {renderers.export_max_rows()}) instead of one "
                    f"page: {described}. Without it the list is paginated JSON. An unknown format is an error (400).",
                ),
                OpenApiParameter(
                    "X-Export-Max-Rows",
                    OpenApiTypes.INT,
                    location=OpenApiParameter.HEADER,
                    response=[200],
                    description="With `format`: the most rows an export holds.",
                ),
                OpenApiParameter(
                    "X-Export-Truncated",
                    OpenApiTypes.STR,
                    location=OpenApiParameter.HEADER,
                    response=[200],
                    enum=["true", "false"],
                    description="With `format`: true when the filters keep more rows than the export holds.",
                ),
                OpenApiParameter(
                    "X-Review-Status",
                    OpenApiTypes.STR,
                    location=OpenApiParameter.HEADER,
                    response=[200],
                    enum=["draft", "verified", "rejected", "any"],
                    description="With `format`, on events, statements and the timeline: the review status the "
                    "export holds (`review_status`, or when not given: verified, or any for a curator).",
                ),
            ]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        formats = self._exports()
        if formats and "200" in responses and "content" in responses["200"]:
            content = responses["200"]["content"]
            listed = content.get("application/json", {}).get("schema")
            item = self._placed(self._item_schema())
            if listed and item and "json" in formats:
                content["application/json"]["schema"] = {
                    "oneOf": [listed, {"type": "array", "items": item}],
                    "description": "The page (without `format`), or with format=json every filtered row as an array.",
                }
            for name, (media_type, description) in EXPORT_MEDIA_TYPES.items():
                if name in formats:
                    content[media_type] = {"schema": {"type": "string", "description": description}}
                    if name == "timelinejs":
                        content[media_type]["schema"] = {"type": "object", "description": description}
        for code in self._error_codes():
            description, schema = self._errors()[code]
            responses.setdefault(
                code, {"content": {"application/json": {"schema": schema}}, "description": description}
            )
        return responses

    def _item_schema(self):
        serializer = self.get_response_serializers()
        if serializer is None:
            return None
        component = self.resolve_serializer(serializer, "response")
        return component.ref if component else None

    def _placed(self, item):
        """The exported row's schema: an event's record (alone, or in a timeline row) has its `place`
        (exports.with_places)."""
        placed = {"type": "object", "properties": {"place": exports.PLACE_SCHEMA}}
        resource = getattr(self.view, "export_resource", "")
        if item is None or resource not in (renderers.EVENT, "timeline"):
            return item
        if resource == renderers.EVENT:
            return {"allOf": [item, placed]}
        event = self.resolve_serializer(EventSerializer(), "response").ref
        return {
            "allOf": [
                item,
                {
                    "type": "object",
                    "properties": {"event": {"type": "object", "nullable": True, "allOf": [event, placed]}},
                },
            ]
        }

    def _errors(self) -> dict:
        if self._versioned() and self.method in ("PUT", "PATCH", "DELETE"):
            # A DELETE has no body: its 409 stays "other records refer to this one".
            return ERRORS | ({"412": VERSION_ERRORS["412"]} if self.method == "DELETE" else VERSION_ERRORS)
        return ERRORS

    def _error_codes(self) -> list[str]:
        method = self.method
        if method == "GET":
            # A path without a record id is a list (or the stats): its filters can be wrong,
            # and its page number past the end. Anonymous reads are throttled (429).
            return ["404", "429"] if "{" in self.path else ["400", "404", "429"]
        codes = ["400", "401", "403", "429"]
        if method in ("PUT", "PATCH", "DELETE"):
            codes.append("404")
        if method == "DELETE":
            codes = ["401", "403", "404", "409", "429"]
        if method in ("PUT", "PATCH", "DELETE") and self._versioned():
            codes += ["409", "412"] if method != "DELETE" else ["412"]
        return codes
