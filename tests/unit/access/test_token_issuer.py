"""The local stand-in for Firebase Authentication: one key, kept, and tokens of Firebase's shape."""

import json
import stat

import jwt
import pytest

from adapters.local.token_issuer import LocalTokenIssuer

ISSUER, AUDIENCE = "https://securetoken.google.com/crm-test", "crm-test"


def verify(issuer: LocalTokenIssuer, token: str, audience: str = AUDIENCE) -> dict:
    """As the gateway does: signature by the published JWKS, issuer, audience, expiry."""
    (key,) = jwt.PyJWKSet.from_json(issuer.jwks_path.read_text()).keys
    assert jwt.get_unverified_header(token)["kid"] == key.key_id
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience, issuer=ISSUER)


def test_the_key_is_made_once_and_kept(tmp_path):
    first = LocalTokenIssuer(tmp_path / "auth", ISSUER, AUDIENCE)
    private = tmp_path / "auth" / "private.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    made = private.read_bytes(), first.jwks_path.read_bytes()
    again = LocalTokenIssuer(tmp_path / "auth", ISSUER, AUDIENCE)
    assert (private.read_bytes(), again.jwks_path.read_bytes()) == made
    assert verify(first, again.mint("u1"))["sub"] == "u1"  # the second signs as the first


def test_the_jwks_publishes_only_the_public_key(tmp_path):
    issuer = LocalTokenIssuer(tmp_path, ISSUER, AUDIENCE)
    (key,) = json.loads(issuer.jwks_path.read_text())["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert not {"d", "p", "q"} & set(key)


def test_tokens_have_firebases_shape_and_carry_custom_claims(tmp_path):
    issuer = LocalTokenIssuer(tmp_path, ISSUER, AUDIENCE)
    claims = verify(issuer, issuer.mint("op-1", expires_in=600, crm_role="operator"))
    assert claims["iss"] == ISSUER and claims["aud"] == AUDIENCE
    assert claims["sub"] == claims["user_id"] == "op-1"
    assert claims["crm_role"] == "operator"
    assert claims["exp"] - claims["iat"] == 600


def test_an_expired_token_and_another_audience_fail_verification(tmp_path):
    issuer = LocalTokenIssuer(tmp_path, ISSUER, AUDIENCE)
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(issuer, issuer.mint("u1", expires_in=-120))
    with pytest.raises(jwt.InvalidAudienceError):
        verify(issuer, issuer.mint("u1"), audience="another-project")
