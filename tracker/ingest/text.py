"""Text as the archive keeps it: plain, clean, hashed, searchable; URLs as
identity compares them (tracking parameters, scheme and default ports aside).

Two URL forms: :func:`canonical_url` is what item identities and report ids
are derived from (kept stable: changing it would make every archived item
new); :func:`link_key` goes further for recognising the same article under
another address (``www.``, AMP variants, trailing slashes, parameter order,
fragments aside)."""

from __future__ import annotations

import hashlib
import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import nh3

from tracker.domain.rules import words

_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ns_mchannel|ns_source|ns_campaign|"
    r"ns_linkname|ns_fee|ito|cmpid|ocid|at_medium|at_campaign|at_custom\d|smid|partner|ref_src|"
    r"__twitter_impression|_hsenc|_hsmi|mkt_tok|rss|feedtype|from_rss)$",
    re.IGNORECASE,
)
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Block-level tags: their texts stay apart ("talks.</p><p>Meta" is two sentences, not "talks.Meta").
_BLOCK_TAG = re.compile(r"<(?=/?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|tr|td|th|section|article|figcaption)\b)", re.I)


def canonical_url(url: str) -> str:
    """'https://Example.com:443/a?utm_source=x&id=2#c' -> '//example.com/a?id=2#c'."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return text
    host = parts.hostname.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    out = f"//{host}{parts.path or '/'}"
    if query:
        out += "?" + urlencode(query)
    if parts.fragment:
        out += "#" + parts.fragment
    return out


_AMP_QUERY = frozenset({"amp", "outputtype", "amp_js_v", "usqp"})
_AMP_HOSTS = ("www.", "amp.")


def link_key(url: str) -> str:
    """'https://www.example.com/a/b/amp/?utm_source=x&b=2&a=1' -> '//example.com/a/b?a=1&b=2'.

    The same article under its variants; '' for what is not an http(s) URL."""
    text = (url or "").strip()
    if not text.lower().startswith(("http://", "https://")):
        return ""
    return tidy_link(canonical_url(text))


def tidy_link(key: str) -> str:
    """A :func:`canonical_url` form ('//host/path?query#fragment') as :func:`link_key` compares it."""
    if not key.startswith("//"):
        return ""
    if not ("?" in key or "#" in key or "amp" in key or key.endswith("/") or key.startswith("//www.")):
        return key  # most links: nothing to tidy (a cold cycle's cost)
    rest, _, _fragment = key[2:].partition("#")
    rest, _, query = rest.partition("?")
    host, slash, path = rest.partition("/")
    while host.startswith(_AMP_HOSTS):
        host = host[4:]
    path = slash + path
    if path.endswith("/") or "amp" in path:
        path = path.rstrip("/")
        for suffix in ("/amp", ".amp"):
            if path.endswith(suffix):
                path = path[: -len(suffix)]
        if path.endswith(".amp.html"):
            path = path[: -len(".amp.html")] + ".html"
        path = path.rstrip("/")
    if query:
        pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() not in _AMP_QUERY]
        query = urlencode(sorted(pairs))
    return f"//{host}{path}" + (f"?{query}" if query else "")


def search_text(title: str, summary: str) -> str:
    """An item's words, space-delimited at both ends, for LIKE '% word%' searches."""
    return " " + " ".join(words(f"{title} {summary}")) + " "


def looks_like_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def clean(value: str) -> str:
    """``value`` without control characters (tab and newline stay)."""
    return _CONTROL.sub("", value) if value else ""


def plain_text(value: str, limit: int) -> str:
    """HTML or text -> one line of plain text, mojibake repaired, cut at ``limit``."""
    if not value:
        return ""
    if "<" in value or "&" in value:
        value = html.unescape(nh3.clean(value, tags=set()))
    value = _CONTROL.sub("", value)
    value = repair_mojibake(" ".join(value.split()))
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def full_text(values: list[str], limit: int) -> str:
    """An item's content values (HTML or text) as one plain text, paragraphs kept apart."""
    if not values:
        return ""
    joined = "\n".join(dict.fromkeys(values))
    return plain_text(_BLOCK_TAG.sub(" <", joined) if "<" in joined else joined, limit)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 ("â€™" -> "’"), run by run; correct text is left alone."""
    if not _MOJIBAKE.search(text):
        return text

    def fix(found: re.Match[str]) -> str:
        chunk = found.group(0)
        try:
            return chunk.encode("cp1252").decode("utf-8")
        except UnicodeError:
            return chunk

    return _MOJIBAKE.sub(fix, text)


def content_hash(title: str, summary: str) -> str:
    return hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()[:32]


def first_line(error: BaseException, limit: int | None = None) -> str:
    """An error's first line (at most ``limit`` characters), or its type's name when it says nothing."""
    text = str(error).strip()
    return text.splitlines()[0][:limit] if text else type(error).__name__
