"""One list of secret-shaped names (omicform.services.redact.SECRET_NAMES): a config file may
not set any of them under `services:`, and a recording never keeps their values.

The config loader and the recording scrubber used to keep lists of their own, and they had
drifted apart (`api_key` only in one, `refresh_token` only in the other).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from omicform.cli import main
from omicform.services.recording import REDACTED, scrub_body, scrub_uri
from omicform.services.redact import SECRET_NAMES

# Every name either list held before they became one: the list may grow, never lose these.
KNOWN = (
    "access_token",
    "api_key",
    "client_secret",
    "jwt",
    "password",
    "refresh_token",
    "secret",
    "token",
)
VALUE = "hunter2-but-longer"


def test_the_one_list_holds_every_name_either_list_held() -> None:
    assert set(KNOWN) <= SECRET_NAMES


@pytest.mark.parametrize("name", sorted(SECRET_NAMES))
@pytest.mark.parametrize("service", ["nmdc", "nemo"])
def test_a_secret_named_in_services_is_refused_where_it_was_written(
    tmp_path: Path, name: str, service: str
) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text(f"omicform: 1\nservices:\n  {service}:\n    {name}: {VALUE}\n")
    result = CliRunner().invoke(main, ["validate", "-f", str(config)])
    assert result.exit_code == 1
    assert f"{config}:4: services.{service}.{name}: secrets are never read from files" in (
        result.stderr
    )
    assert VALUE not in result.output + result.stderr


@pytest.mark.parametrize("name", sorted(SECRET_NAMES))
def test_a_secret_named_field_is_scrubbed_from_json_form_and_query(name: str) -> None:
    scrubbed_json = scrub_body(json.dumps({"outer": {name: VALUE}, "kept": "x"}))
    assert isinstance(scrubbed_json, str)
    assert json.loads(scrubbed_json) == {"outer": {name: REDACTED}, "kept": "x"}

    scrubbed_form = scrub_body(f"{name}={VALUE}&kept=x", "application/x-www-form-urlencoded")
    assert isinstance(scrubbed_form, str)
    assert VALUE not in scrubbed_form and "kept=x" in scrubbed_form

    scrubbed_uri = scrub_uri(f"https://example.org/path?{name}={VALUE}&kept=x")
    assert VALUE not in scrubbed_uri and "kept=x" in scrubbed_uri
