"""omicform reads a datetime one way (omicform.diff.normalize.utc_instant): naive means UTC,
text may end in `Z` or carry an offset. Declared fields, comparisons and NeMO intent windows
all go through it, so they cannot disagree about which instant a value names."""

from __future__ import annotations

import datetime as dt

import pytest

from omicform.diff.normalize import normalize, utc_instant
from omicform.kinds.nemo_manifests.intents import intent_window

UTC = dt.timezone.utc
NOON = dt.datetime(2024, 3, 1, 12, 0, 0, 987654, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        NOON,
        NOON.replace(tzinfo=None),
        NOON.astimezone(dt.timezone(dt.timedelta(hours=-7))),
        "2024-03-01T12:00:00.987654Z",
        "2024-03-01T12:00:00.987654+00:00",
        "2024-03-01T12:00:00.987654",
        "2024-03-01 14:00:00.987654+02:00",
    ],
)
def test_every_spelling_of_an_instant_reads_as_the_same_utc_moment(
    value: dt.datetime | str,
) -> None:
    moment = utc_instant(value)
    assert moment == NOON and moment is not None and moment.tzinfo == UTC


@pytest.mark.parametrize("text", ["", "soon", "2024-13-01T00:00:00Z", " 2024-03-01T12:00:00Z"])
def test_text_that_is_not_an_iso_datetime_reads_as_none(text: str) -> None:
    assert utc_instant(text) is None


def test_comparison_form_and_intent_windows_agree_with_it() -> None:
    assert normalize("2024-03-01T14:00:00.987654+02:00") == "2024-03-01T12:00:00.987000+00:00"
    low, high = intent_window(
        {"started_at": "2024-03-01T12:00:00Z", "ended_at": "2024-03-01T12:00:01"}
    )
    assert low < utc_instant("2024-03-01T12:00:00.5Z") < high  # type: ignore[operator]
