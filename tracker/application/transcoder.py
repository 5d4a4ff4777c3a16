"""The library's JSON transcoder, decoding with orjson.

Encoding is the library's own, so stored bytes do not change. Decoding
parses with orjson and then applies the library's own ``_type_``/``_data_``
transcodings bottom-up, exactly as its ``object_hook`` does; anything orjson
refuses (NaN, integers past 64 bits) falls back to the library's decoder, so
results and errors are the same. Replaying a long log spends a large share of
its time here.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder

_CONTAINERS = (dict, list)


class OrjsonDecodingTranscoder(JSONTranscoder):
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
