"""The sandbox's tokens (sandbox/jwt.py): a token verified once is kept, and keeping it
changes no verdict: expiry is checked on every use, a tampered or foreign token still fails,
and a caller's changes to the claims it got do not reach the kept ones."""

from __future__ import annotations

import pytest

from omicform.sandbox import jwt
from omicform.sandbox.routes import RouteTable


def test_a_kept_token_still_expires() -> None:
    token = jwt.encode({"sub": "client:a", "exp": 100}, "s")
    assert jwt.decode(token, "s", now=99)["sub"] == "client:a"
    with pytest.raises(jwt.InvalidToken) as caught:
        jwt.decode(token, "s", now=100)
    assert caught.value.expired


def test_a_kept_token_is_not_valid_under_another_secret_nor_tampered() -> None:
    token = jwt.encode({"sub": "client:a", "exp": 100}, "s")
    jwt.decode(token, "s", now=0)
    with pytest.raises(jwt.InvalidToken) as caught:
        jwt.decode(token, "other", now=0)
    assert not caught.value.expired
    header, payload, signature = token.split(".")
    with pytest.raises(jwt.InvalidToken):
        jwt.decode(f"{header}.{payload}x.{signature}", "s", now=0)


def test_changing_the_claims_one_got_changes_no_later_answer() -> None:
    token = jwt.encode({"sub": "client:a"}, "s")
    jwt.decode(token, "s", now=0)["sub"] = "user:root"
    assert jwt.decode(token, "s", now=0) == {"sub": "client:a"}


def test_route_names_are_the_same_when_remembered() -> None:
    table = RouteTable(["/runs/{run_id}", "/pids/mint", "/metadata/json:validate"])
    for _ in range(2):
        assert table.template("/runs/r1") == "/runs/{run_id}"
        assert table.template("/runs/r1/x") == "/runs/r1/x"
        assert table.template("/metadata/json:validate") == "/metadata/json:validate"
