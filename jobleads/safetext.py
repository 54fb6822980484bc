"""Outside text (postings, contacts, files) made safe for any face: no control or escape characters.

C0 but tab and newline, DEL and C1: a posting's title carrying ESC ] 0 ; ... BEL or ESC [ 2 J must not
retitle a terminal window or clear the screen, and a carriage return must not overwrite a line."""
from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(value: Any) -> Any:
    """Strings (also inside lists and dicts) without control or escape characters; other values as given."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {k: strip_controls(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strip_controls(v) for v in value]
    return value
