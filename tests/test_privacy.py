"""Masking of personal data (DESIGN.md §7)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenming_cli.privacy import mask_id_card, mask_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("610724199001011234", "610724********1234"),
        ("11010519491231002X", "110105********002X"),
        ("610724900101123", "610724*****1123"),  # 15-digit old ID
        ("1234567890", "1234567890"),  # exactly 10: nothing hidden in the middle
        ("12345678901", "123456*8901"),
        ("123456789", "*********"),  # shorter than 10: masked whole
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_id_card(value: str, expected: str) -> None:
    assert mask_id_card(value) == expected
    assert len(mask_id_card(value)) == len(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("19912345678", "199****5678"),
        ("0916-6323126", "0916-*****26"),
        ("010-12345678", "010-******78"),
        ("6323126", "*****26"),  # local number
        ("63231260", "******60"),
        ("12345", "***45"),
        ("1234", "1234"),  # too short for a telephone number: shown as typed
        ("12", "12"),
        ("", ""),
        ("0916-1", "0916-1"),
    ],
)
def test_mask_phone(value: str, expected: str) -> None:
    assert mask_phone(value) == expected


def test_mask_phone_not_mobile_when_prefix_invalid() -> None:
    # 12x is not a mobile prefix: generic masking (last 2 kept).
    assert mask_phone("12812345678") == "*********78"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789X", min_size=10, max_size=20))
def test_mask_id_card_property(value: str) -> None:
    masked = mask_id_card(value)
    assert len(masked) == len(value)
    assert masked[:6] == value[:6] and masked[-4:] == value[-4:]
    assert set(masked[6:-4]) <= {"*"}


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_mask_phone_mobile_property(value: str) -> None:
    masked = mask_phone(value)
    assert masked == value[:3] + "****" + value[-4:]
    assert value not in masked


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789-", max_size=15))
def test_mask_phone_never_longer_and_hides_middle(value: str) -> None:
    masked = mask_phone(value)
    assert len(masked) == len(value)
    if len(value) >= 5 and "-" not in value:
        assert value not in masked


def test_redact_spaced_and_dashed_mobiles() -> None:
    from wenming_cli.privacy import redact

    assert redact("手机 139 1234 5678，138-1234-5678") == "手机 139****5678，138****5678"
    assert redact("2022-1234-5678 与 服务群众1300人") == "2022-1234-5678 与 服务群众1300人"
