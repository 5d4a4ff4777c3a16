"""Where a sign-in may send the browser: only paths on this site, however a browser reads them."""

from __future__ import annotations

import pytest

from web.auth import MAX_NEXT, same_site_path

OFF_SITE_OR_DOUBTFUL = [
    "//evil.example",
    "/\t/evil.example",  # browsers drop the tab: //evil.example
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\nSet-Cookie: x=1",
    "\\\\evil.example",
    "/\\evil.example",  # browsers read the backslash as a slash
    "/\\/evil.example",
    "/%2F%2Fevil.example",
    "/%2fevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/%252F%252Fevil.example",  # decoded twice by a proxy
    "/%25252F%25252F%25252Fevil",  # still changing after every decoding we try
    "http://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
    " /stories",
    "/stories\x00",
    "/\u200b/evil.example",  # zero-width space
    "/\u3000/evil.example",  # ideographic space
    "/" + "a" * MAX_NEXT,
    "",
    None,
]


@pytest.mark.parametrize("target", OFF_SITE_OR_DOUBTFUL)
def test_an_off_site_or_doubtful_target_is_refused(target: str | None) -> None:
    assert same_site_path(target) is None


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/stories/meta-xai/reports/new",
        "/search?q=two+words",
        "/search?q=caf%C3%A9",
        "/stories/x?as_of=2024-06-01&mode=reported",
    ],
)
def test_a_path_on_this_site_is_kept_as_it_is(target: str) -> None:
    assert same_site_path(target) == target
