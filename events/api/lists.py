"""Lists and their exports read as plain rows (events/api/rows.py) instead of model instances.

The pagination, filters, ordering, exports and responses are the viewset's own; only the
reading changes: the filtered, ordered queryset yields rows, and the serializer's dicts are
built from them. Writes, details, the browsable API's forms and the schema keep the DRF
serializers. A list whose serializer a reader cannot read exactly takes DRF's path.
"""

from __future__ import annotations

from rest_framework.response import Response

from events.api import renderers, rows
from events.api.exports import EXPORT_CHUNK, csv_rows


class PlainRowsMixin:
    """Goes before ExportMixin in a list viewset's bases."""

    def row_reader(self) -> rows.Reader | None:
        return rows.reader(self.get_serializer_class(), self.get_queryset())

    def list(self, request, *args, **kwargs):
        reader = self.row_reader()
        if reader is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        if not reader.has_columns(queryset.query.order_by):
            return super().list(request, *args, **kwargs)  # a cursor is made of the ordering's columns
        if self.is_export(request):
            limit = renderers.export_max_rows()
            if self.export_resource:
                only = renderers.csv_fields(request.accepted_renderer, self.export_resource)
                reader = rows.reader(self.get_serializer_class(), self.get_queryset(), only) or reader
                if only is not None:
                    # The CSV written from the rows, without the records' dicts.
                    lines = csv_rows(reader, queryset[:limit], self.export_resource, EXPORT_CHUNK)
                    if lines is not None:
                        return self.export_response(lines, queryset[limit : limit + 1].exists(), cells=True)
            truncated = queryset[limit : limit + 1].exists()
            return self.export_response(reader.chunks(queryset[:limit], EXPORT_CHUNK), truncated)
        page = self.paginate_queryset(reader.rows(queryset))
        if page is None:
            return Response(reader.dicts(list(reader.rows(queryset))))
        return self.get_paginated_response(reader.dicts(page))
