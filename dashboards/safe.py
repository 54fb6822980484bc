"""Text from outside (postings, contacts, files) made safe to show: postings are untrusted HTML."""
from __future__ import annotations

import html
import re
from urllib.parse import urlparse

import nh3

from jobleads.safetext import strip_controls

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
# What a posting's description may keep: structure and emphasis, links that only navigate.
_TAGS = {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "h3", "h4", "h5", "a", "blockquote", "code", "pre"}


def plain(text: object) -> str:
    """One line of outside text with control and escape characters removed."""
    return strip_controls("" if text is None else str(text))


def md(text: object) -> str:
    """Outside text as literal Markdown: no link, image or HTML can hide in a title or a name."""
    return _MARKDOWN.sub(r"\\\1", plain(text))


def link(url: object) -> str | None:
    """An http(s) address, or None (a `javascript:` or `data:` link is never shown as a link)."""
    text = plain(url).strip()
    return text if urlparse(text).scheme in ("http", "https") and " " not in text else None


def description_html(text: str | None) -> str:
    """A posting's description as HTML that runs nothing: scripts, event handlers, styles, frames and
    images removed by nh3; plain-text descriptions keep their line breaks."""
    if not text:
        return "<p><em>no description</em></p>"
    text = plain(text)
    if "<" not in text:  # plain text: escape it, keep its lines
        return f'<div style="white-space: pre-wrap">{html.escape(text)}</div>'
    cleaned = nh3.clean(text, tags=_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"},
                        link_rel="noopener noreferrer nofollow")
    return f'<div style="white-space: pre-wrap">{cleaned}</div>'
