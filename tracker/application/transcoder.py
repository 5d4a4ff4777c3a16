"""The library's JSON transcoder, encoding and decoding with orjson.

Replaying a long log spends a large share of its time decoding, and a poll
cycle appending thousands of reports a large share encoding, so both run on
orjson with the library's own ``_type_``/``_data_`` transcodings:

* encoding hands datetimes and dataclasses to the library's transcodings
  (orjson's passthrough options), so the bytes are the library's own, key
  for key (a float may be spelled differently, 1e16 for 1e+16: the same
  number). What orjson refuses (integers past 64 bits, non-string keys,
  bytes) is encoded by the library, with its result or its error. Two values
  orjson would write differently: a ``UUID`` (the library tags it, orjson
  writes its text), so an output holding a UUID's text is encoded again by
  the library, whose bytes are kept; and a non-finite float (orjson writes
  null), which a story's events and snapshots never hold (their fields are
  text, integers, times and lists and maps of those; a test keeps it so);
* decoding parses with orjson and then applies the transcodings bottom-up,
  exactly as the library's ``object_hook`` does; anything orjson refuses
  (NaN, integers past 64 bits) falls back to the library's decoder, so
  results and errors are the same.

It overrides ``JSONTranscoder.encode`` and ``decode`` and calls the library's
private ``_encode_obj`` and ``_decode_obj``: those are listed, with the
library version they were written for, in ``tracker.eventsourcing_overrides``.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder

_CONTAINERS = (dict, list)
_PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS

#: The middle of a UUID's text, as orjson writes a UUID where the library would
#: tag it (starting with a literal lets the search skip ahead: a snapshot of a
#: long story is megabytes).
_UUID_TEXT = re.compile(rb"-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-")


class OrjsonTranscoder(JSONTranscoder):
    def encode(self, obj: Any) -> bytes:
        try:
            encoded = orjson.dumps(obj, default=self._encode_obj, option=_PASSTHROUGH)
        except orjson.JSONEncodeError:
            return super().encode(obj)  # the library's bytes, or the library's error
        if _UUID_TEXT.search(encoded):
            return super().encode(obj)
        return encoded

    def decode(self, data: bytes) -> Any:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            return super().decode(data)
        return self._restore(parsed)

    def _restore(self, value: Any) -> Any:
        if type(value) is dict:
            for key, item in value.items():
                if type(item) in _CONTAINERS:
                    value[key] = self._restore(item)
            if len(value) == 2 and "_type_" in value:
                return self._decode_obj(value)
            return value
        if type(value) is list:
            for index, item in enumerate(value):
                if type(item) in _CONTAINERS:
                    value[index] = self._restore(item)
        return value
