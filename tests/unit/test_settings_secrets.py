"""Outside local mode the services refuse to start on the public local secrets or on none, or
without a mesh certificate of their own."""

import pytest
from pydantic import ValidationError

from services.mesh_identity import NoCertificate, credentials_folder, credentials_of
from services.settings import LOCAL_SECRETS, Settings

# What a cluster's Secrets provide; any values other than the local defaults.
CLUSTER_SECRETS = {
    "whatsapp_app_secret": "a-real-app-secret",
    "whatsapp_verify_token": "a-real-verify-token",
    "whatsapp_token": "a-real-access-token",
}
OUTSIDE = [
    {"peer_namespace": "crm"},
    {"whatsapp_api_base_url": "https://graph.facebook.com"},
]


def test_local_mode_runs_on_the_local_defaults():
    settings = Settings(_env_file=None)
    assert settings.local_mode and settings.whatsapp_app_secret == "local-app-secret"


@pytest.mark.parametrize("where", OUTSIDE, ids=["cluster", "real cloud api"])
@pytest.mark.parametrize("name", list(LOCAL_SECRETS))
@pytest.mark.parametrize("value", ["default", ""])
def test_outside_local_mode_a_default_or_empty_secret_stops_start_up(where, name, value):
    secrets = {**CLUSTER_SECRETS, name: LOCAL_SECRETS[name] if value == "default" else value}
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, **where, **secrets)
    assert name.upper() in str(refused.value)


@pytest.mark.parametrize("where", OUTSIDE, ids=["cluster", "real cloud api"])
def test_outside_local_mode_real_secrets_start(where):
    assert not Settings(_env_file=None, **where, **CLUSTER_SECRETS).local_mode


def test_an_empty_app_secret_is_refused_even_locally():
    with pytest.raises(ValidationError, match="WHATSAPP_APP_SECRET must not be empty"):
        Settings(_env_file=None, whatsapp_app_secret="")


@pytest.mark.parametrize("where", OUTSIDE, ids=["cluster", "real cloud api"])
def test_outside_local_mode_a_process_without_a_mesh_certificate_stops_start_up(where, tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path, **where, **CLUSTER_SECRETS)
    with pytest.raises(NoCertificate, match="TLS_DIR must name the mesh certificate of booking"):
        credentials_folder(settings, "booking")
    assert not (tmp_path / "pki").exists()  # no CA of its own making
    mounted = Settings(_env_file=None, tls_dir=tmp_path / "tls", **where, **CLUSTER_SECRETS)
    assert credentials_folder(mounted, "booking") == tmp_path / "tls"


def test_locally_each_process_gets_a_certificate_from_one_ca(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path)
    booking, gateway = (credentials_of(settings, name) for name in ("booking", "gateway"))
    assert booking.ca == gateway.ca and booking.certificate != gateway.certificate
    assert credentials_of(settings, "booking") == booking  # issued once, then read
