"""Recorded HTTP responses replayed through httpx.MockTransport: how `leads demo` and tests run offline.

A recording is one JSON file:
    {"request": {"url": "https://host/path", "params": {"page": "2"}},
     "response": {"status": 200, "headers": {...}, "json": <body>}  or  "text": "<raw body>"}
A request matches a recording when host and path are equal and every recorded param is present
with the same value. Unmatched requests get a 404, as an unknown board would.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx


class ReplayTransport(httpx.MockTransport):
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.recordings = []
        for path in sorted(self.folder.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            req = data["request"]
            parts = urlsplit(req["url"])
            self.recordings.append(
                ((parts.netloc, parts.path.rstrip("/")), {k: str(v) for k, v in (req.get("params") or {}).items()},
                 data["response"], path.name)
            )
        self.calls: list[str] = []
        super().__init__(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(str(request.url))
        key = (request.url.host, request.url.path.rstrip("/"))
        query = dict(request.url.params)
        best = None
        for rec_key, params, response, _name in self.recordings:
            if rec_key == key and all(query.get(k) == v for k, v in params.items()):
                if best is None or len(params) > len(best[0]):
                    best = (params, response)
        if best is None:
            return httpx.Response(404, json={"error": "not recorded"})
        response = best[1]
        headers = response.get("headers") or {}
        if "json" in response:
            return httpx.Response(response.get("status", 200), headers=headers, json=response["json"])
        return httpx.Response(response.get("status", 200), headers=headers, text=response.get("text", ""))
