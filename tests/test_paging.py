"""The paging helpers of the connector base: offset, page number, cursor, next link."""
from __future__ import annotations

from connectors.base import Source, SourceSpec


def test_offset_paging_stops_at_the_total_or_a_short_page():
    assert Source.offset_page({"offset": 0, "limit": 2}, 2, total=5) == {"offset": 2, "limit": 2}
    assert Source.offset_page({"offset": 4, "limit": 2}, 1, total=5) is None
    assert Source.offset_page({"skip": 0}, 100, page_size=100, key="skip") == {"skip": 100}
    assert Source.offset_page({"skip": 100}, 40, page_size=100, key="skip") is None
    assert Source.offset_page({}, 10, total=30, at=10) == {"offset": 20}  # the response's own offset wins


def test_numbered_pages_from_zero_or_one():
    assert Source.numbered_page({"page": 0}, pages=3) == {"page": 1}
    assert Source.numbered_page({"page": 2}, pages=3) is None
    assert Source.numbered_page({"Page": 1}, pages=2, key="Page", first=1) == {"Page": 2}
    assert Source.numbered_page({"Page": 2}, pages=2, key="Page", first=1) is None
    assert Source.numbered_page({"Page": 1}, count=10, page_size=500, key="Page", first=1) is None  # short page
    assert Source.numbered_page({"page": 0}, pages=0) is None  # a missing page count means one page


def test_cursor_and_next_link():
    assert Source.cursor_page({"limit": 20}, "abc") == {"limit": 20, "cursor": "abc"}
    assert Source.cursor_page({"limit": 20}, "") is None
    assert Source.next_link("https://x.test/a", "https://x.test/a?page=2", 5) == ("https://x.test/a?page=2", {})
    assert Source.next_link("https://x.test/a", None, 5) == ("https://x.test/a", None)
    assert Source.next_link("https://x.test/a", "https://x.test/a?page=2", 0)[1] is None  # an empty page ends


def test_a_posting_gets_what_every_source_shares():
    class Board(Source):
        name = "greenhouse"
        credit_text = "Source: Test"

    source = Board(SourceSpec(type="greenhouse", board="acme", company="Acme Inc", options={"q": "x", "empty": ""}))
    posting = source.posting(42, title="Engineer", url="https://x.test/j/42?utm_source=feed")
    assert (posting.source, posting.source_key, posting.source_id, posting.company) == ("greenhouse", "acme", "42", "Acme Inc")
    assert posting.url == posting.apply_url == "https://x.test/j/42"
    assert posting.credit == "Source: Test (https://x.test/j/42)"
    assert source.option_params(["q", "empty", "absent"]) == {"q": "x"}
