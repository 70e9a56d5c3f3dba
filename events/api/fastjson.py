"""The API's JSON renderer: DRF's JSONRenderer output, byte for byte, encoded by orjson.

DRF encodes with json.dumps (compact separators, non-ASCII as is, \\u2028 and \\u2029 escaped
afterwards) and its JSONEncoder for what JSON has no type for. orjson writes the same bytes for
strings, integers, booleans, null, lists and dicts with string keys, about ten times faster;
everything else (datetimes, which DRF cuts to milliseconds and writes with Z; decimals, lazy
strings, subclasses of str, int, dict and list, dataclasses) is handed to DRF's encoder through
`default`. What orjson refuses (a key that is not a string, an integer beyond 64 bits, a lone
surrogate) is rendered by DRF's own path, and so is any indented output (`Accept:
application/json; indent=4`, the browsable API). Floats would differ (orjson writes 1e16 where
Python writes 1e+16): no field of this API is a float.
"""

from __future__ import annotations

import orjson
from rest_framework import renderers
from rest_framework.utils import encoders

OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS
_ENCODER = encoders.JSONEncoder()


def _default(value):
    # json.dumps writes subclasses of the JSON types as their base type.
    for base in (str, int, float, list, dict):
        if isinstance(value, base):
            return base(value) if base is not str else str.__str__(value)
    return _ENCODER.default(value)


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or self.ensure_ascii or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            text = orjson.dumps(data, default=_default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        if b"\xe2\x80\xa8" in text or b"\xe2\x80\xa9" in text:
            text = text.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
        return text
