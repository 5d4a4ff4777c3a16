"""The fetcher against real loopback HTTP servers (threaded http.server on port 0)."""

from __future__ import annotations

import dataclasses
import gzip
import time
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply

from tracker.config import load_settings
from tracker.ingest.fetcher import USER_AGENT, BadURL, Fetcher, FetchStatus, check_url, is_public_address
from tracker.ingest.parser import FeedError, parse_feed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
RSS = (FIXTURES / "wire-rss2.xml").read_bytes()


@pytest.fixture
def settings(tmp_path):
    base = load_settings({"TRACKER_DATA_DIR": str(tmp_path)})
    return dataclasses.replace(
        base,
        fetch_allow_private_addresses=True,
        fetch_timeout_seconds=1.0,
        fetch_max_bytes=64 * 1024,
        fetch_max_redirects=3,
    )


@pytest.fixture
def server():
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def fetcher(settings):
    with Fetcher(settings) as client:
        yield client


def conditional(request):
    if request.headers.get("If-None-Match") == '"v1"':
        return Reply(304, headers={"ETag": '"v1"'})
    return Reply(200, RSS, {"ETag": '"v1"', "Last-Modified": "Mon, 03 Jun 2024 10:00:00 GMT"})


def test_a_feed_is_fetched_with_a_user_agent_naming_the_tracker(server, fetcher):
    result = fetcher.fetch(server.route("/feed", Reply(200, RSS)))
    assert result.status is FetchStatus.OK and result.body == RSS and result.http_status == 200
    assert server.request_headers[0]["user-agent"] == USER_AGENT and "newsroom-tracker" in USER_AGENT
    assert "gzip" in server.request_headers[0]["accept-encoding"]


def test_conditional_get_gets_304_not_modified(server, fetcher):
    url = server.route("/feed", conditional)
    first = fetcher.fetch(url)
    assert first.status is FetchStatus.OK and first.etag == '"v1"'
    second = fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified, previous_hash=first.body_hash)
    assert second.status is FetchStatus.NOT_MODIFIED and second.http_status == 304
    assert server.request_headers[1]["if-none-match"] == '"v1"'
    assert server.request_headers[1]["if-modified-since"] == "Mon, 03 Jun 2024 10:00:00 GMT"


def test_same_body_as_last_time_is_unchanged_and_not_returned(server, fetcher):
    url = server.route("/feed", Reply(200, RSS))
    first = fetcher.fetch(url)
    second = fetcher.fetch(url, previous_hash=first.body_hash)
    assert second.status is FetchStatus.UNCHANGED and second.body == b""


def test_gzip_bodies_are_decoded(server, fetcher):
    url = server.route("/gz", Reply(200, gzip.compress(RSS), {"Content-Encoding": "gzip"}))
    assert fetcher.fetch(url).body == RSS


def test_a_slow_server_times_out(server, fetcher):
    url = server.route("/slow", Reply(200, RSS, delay=3.0))
    started = time.monotonic()
    result = fetcher.fetch(url)
    assert result.status is FetchStatus.ERROR and result.error.startswith("timeout")
    assert time.monotonic() - started < 2.5


def test_a_trickling_server_is_cut_off_at_the_overall_deadline(server, fetcher):
    url = server.route("/trickle", Reply(200, endless=True, trickle=0.2))
    started = time.monotonic()
    result = fetcher.fetch(url)
    assert result.status is FetchStatus.ERROR
    assert "timeout" in result.error or "too large" in result.error
    assert time.monotonic() - started < 5


def test_an_oversized_body_is_aborted_while_streaming(server, fetcher):
    url = server.route("/huge", Reply(200, endless=True, headers={"Content-Type": "application/xml"}))
    result = fetcher.fetch(url)
    assert result.status is FetchStatus.ERROR and result.error.startswith("too large")


def test_an_announced_oversized_body_is_refused_before_reading(server, fetcher):
    url = server.route("/big", Reply(200, b"x" * (100 * 1024)))
    assert fetcher.fetch(url).error.startswith("too large: 102400 bytes announced")


def test_a_gzip_bomb_is_capped_on_the_decoded_size(server, fetcher):
    bomb = gzip.compress(b"<" * (10 * 1024 * 1024))
    url = server.route("/bomb.gz", Reply(200, bomb, {"Content-Encoding": "gzip"}))
    assert fetcher.fetch(url).error.startswith("too large")


def test_a_redirect_loop_is_detected(server, fetcher):
    server.route("/a", Reply(302, headers={"Location": "/b"}))
    server.route("/b", Reply(302, headers={"Location": "/a"}))
    result = fetcher.fetch(server.url("/a"))
    assert result.status is FetchStatus.ERROR and result.error.startswith("redirect loop")


def test_redirects_are_followed_up_to_the_limit(server, fetcher):
    for hop in range(5):
        server.route(f"/r{hop}", Reply(301, headers={"Location": f"/r{hop + 1}"}))
    server.route("/r5", Reply(200, RSS))
    assert fetcher.fetch(server.url("/r2")).status is FetchStatus.OK  # 3 redirects: allowed
    result = fetcher.fetch(server.url("/r0"))  # 5 redirects: one too many
    assert result.error == "too many redirects (limit 3)"


def test_redirect_to_another_scheme_is_refused(server, fetcher):
    url = server.route("/file", Reply(302, headers={"Location": "file:///etc/passwd"}))
    assert fetcher.fetch(url).error.startswith("refused: redirect to 'file:///etc/passwd'")


def test_server_errors_are_reported_with_the_status(server, fetcher):
    result = fetcher.fetch(server.route("/500", Reply(500, b"oops")))
    assert result.status is FetchStatus.ERROR and result.error == "HTTP 500 Internal Server Error"


def test_429_and_503_retry_after_is_reported(server, fetcher):
    result = fetcher.fetch(server.route("/429", Reply(429, b"", {"Retry-After": "120"})))
    assert result.retry_after == 120 and "Retry-After 120 s" in result.error
    result = fetcher.fetch(server.route("/503", Reply(503, b"", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})))
    assert result.retry_after == 0 and result.http_status == 503


def test_cache_control_max_age_is_reported(server, fetcher):
    result = fetcher.fetch(server.route("/cc", Reply(200, RSS, {"Cache-Control": "public, max-age=3600"})))
    assert result.fresh_for == 3600


def test_an_xml_entity_bomb_does_not_blow_up(server, fetcher):
    body = (FIXTURES / "entity-bomb.xml").read_bytes()
    result = fetcher.fetch(server.route("/lol", Reply(200, body)))
    started = time.monotonic()
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(result.body, result.headers)
    assert time.monotonic() - started < 1


def test_loopback_and_private_addresses_are_refused_by_default(server, settings):
    strict = dataclasses.replace(settings, fetch_allow_private_addresses=False)
    with Fetcher(strict) as fetcher:
        result = fetcher.fetch(server.route("/feed", Reply(200, RSS)))
        assert result.status is FetchStatus.ERROR and result.error.startswith(
            "refused: the host resolves to a private or local address"
        )
        assert "127.0.0.1" not in result.error
        assert fetcher.fetch(f"http://localhost:{server.port}/feed").error.startswith("refused")
    assert server.hits["/feed"] == 0


def test_a_redirect_into_a_private_address_is_refused_after_the_redirect(settings):
    strict = dataclasses.replace(settings, fetch_allow_private_addresses=False)
    with LoopbackServer() as public_looking, LoopbackServer() as private:
        target = private.route("/secret", Reply(200, RSS))
        start = public_looking.route("/go", Reply(302, headers={"Location": target}))
        with Fetcher(strict, allowed_origins=[("127.0.0.1", public_looking.port)]) as fetcher:
            result = fetcher.fetch(start)
        assert public_looking.hits["/go"] == 1
        assert private.hits["/secret"] == 0
        assert result.error.startswith("refused")


def test_an_explicitly_allowed_origin_passes_the_guard(server, settings):
    strict = dataclasses.replace(settings, fetch_allow_private_addresses=False)
    with Fetcher(strict, allowed_origins=[("127.0.0.1", server.port)]) as fetcher:
        assert fetcher.fetch(server.route("/feed", Reply(200, RSS))).status is FetchStatus.OK


def test_the_environment_switch_allows_private_addresses(tmp_path):
    settings = load_settings({"TRACKER_DATA_DIR": str(tmp_path), "TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES": "1"})
    assert settings.fetch_allow_private_addresses is True


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.5.4",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fc00::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_private_kinds_of_addresses_are_not_public(address):
    assert not is_public_address(address)


def test_public_addresses_are_public():
    assert is_public_address("93.184.216.34") and is_public_address("2606:2800:220:1:248:1893:25c8:1946")


@pytest.mark.parametrize("url", ["ftp://x.example/feed", "javascript:alert(1)", "http:///nohost", "gopher://a", ""])
def test_urls_other_than_http_https_and_file_are_refused(url):
    with pytest.raises(BadURL):
        check_url(url)


def test_file_urls_under_the_file_root_are_read_with_the_size_cap(settings, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(RSS)
    with Fetcher(dataclasses.replace(settings, fetch_file_root=str(tmp_path))) as fetcher:
        assert fetcher.fetch(path.as_uri()).body == RSS
        path.write_bytes(b"x" * (65 * 1024))
        assert fetcher.fetch(path.as_uri()).error.startswith("too large")
