import hashlib
import hmac

import pytest

from core.messaging.errors import SignatureMismatch, SignatureMissing
from core.messaging.signature import sign, verify_signature
from core.shared.errors import DomainError

SECRET = "app-secret"
BODY = b'{"object":"whatsapp_business_account","entry":[]}'


def test_sign_is_sha256_prefixed_hex_hmac_of_the_raw_body():
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY) == f"sha256={expected}"


def test_a_correct_signature_passes():
    verify_signature(SECRET, BODY, sign(SECRET, BODY))


def test_uppercase_hex_and_surrounding_spaces_pass():
    header = sign(SECRET, BODY)
    verify_signature(SECRET, BODY, f"  sha256={header[7:].upper()} ")


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_header_is_signature_missing(header):
    with pytest.raises(SignatureMissing):
        verify_signature(SECRET, BODY, header)


@pytest.mark.parametrize(
    "header",
    [
        sign("other-secret", BODY),
        sign(SECRET, BODY + b" "),
        "sha1=" + sign(SECRET, BODY)[7:],
        sign(SECRET, BODY)[7:],
        "sha256=",
        "sha256=zz",
        "sha256=ñ",
    ],
)
def test_wrong_signature_is_signature_mismatch(header):
    with pytest.raises(SignatureMismatch):
        verify_signature(SECRET, BODY, header)


def test_the_body_is_signed_byte_for_byte():
    reserialised = b'{"object": "whatsapp_business_account", "entry": []}'
    with pytest.raises(SignatureMismatch):
        verify_signature(SECRET, reserialised, sign(SECRET, BODY))


def test_both_errors_are_distinct_domain_errors():
    assert issubclass(SignatureMissing, DomainError)
    assert issubclass(SignatureMismatch, DomainError)
    assert not issubclass(SignatureMissing, SignatureMismatch)
    assert not issubclass(SignatureMismatch, SignatureMissing)
