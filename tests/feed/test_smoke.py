from __future__ import annotations

from pathlib import Path

from tests.feed.server import feed_server, post, session_cookie, subscribe


def test_a_subscriber_receives_an_item_posted_over_http(tmp_path: Path) -> None:
    with feed_server(tmp_path) as server:
        poster = session_cookie(server, "k.reyes")
        with subscribe(server, "d.ogawa") as feed:
            assert feed.until("live")["type"] == "live"
            item = post(server, poster, "bcc-yokota", "SECRET//REL TO USA, JPN", "hello")
            got = feed.collect(1)
            assert got[0]["cursor"] == item["seq"]
            assert got[0]["item"]["text"] == "hello"
