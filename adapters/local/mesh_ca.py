"""cert-manager's stand-in: a certificate authority of our own for the mesh on one host.

The CA is made once into a directory, like the token issuer's key; each member's certificate
is issued beside it on first use, in the layout of a cert-manager Secret (ca.crt, tls.crt,
tls.key), so a process reads its credentials the same way here and in the cluster. Processes
that start together take a lock, so they all end up with the one CA.
"""

import datetime
import fcntl
import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from adapters.grpc.service_identity import (
    CA_FILE,
    CERTIFICATE_FILE,
    KEY_FILE,
    MeshCredentials,
    spiffe_id,
)

from .atomic_files import write_atomically

CA_KEY_FILE = "ca.key"
CA_YEARS, MEMBER_DAYS = 10, 365
# What the local processes dial one another at.
LOCAL_HOSTS = ("localhost",)
LOCAL_IPS = ("127.0.0.1", "::1")


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


class LocalMeshCA:
    """Issues each member of the local mesh its certificate, signed by the CA in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def credentials(self, *members: str) -> MeshCredentials:
        """Credentials naming these members (one process may serve several), issued on first
        use."""
        return MeshCredentials.read(self.folder(*members))

    def folder(self, *members: str) -> Path:
        """Where the credentials' files are (the gateway reads them from disk)."""
        folder = self.directory / "+".join(members)
        with self._locked():
            if not (folder / KEY_FILE).is_file():
                self._issue(members, folder)
        return folder

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _authority(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key_path, cert_path = self.directory / CA_KEY_FILE, self.directory / CA_FILE
        if not key_path.is_file():
            key = ec.generate_private_key(ec.SECP256R1())
            now = datetime.datetime.now(datetime.UTC)
            certificate = (
                x509.CertificateBuilder()
                .subject_name(_name("crm local mesh CA"))
                .issuer_name(_name("crm local mesh CA"))
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5))
                .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(
                    x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                    critical=True,
                )
                .sign(key, hashes.SHA256())
            )
            write_atomically(cert_path, certificate.public_bytes(serialization.Encoding.PEM), 0o644)
            write_atomically(key_path, _pem(key), 0o600)
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{key_path} is not an EC private key")
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())

    def _issue(self, members: tuple[str, ...], folder: Path) -> None:
        ca_key, ca = self._authority()
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        names = [
            *(x509.UniformResourceIdentifier(spiffe_id(member)) for member in members),
            *(x509.DNSName(host) for host in LOCAL_HOSTS),
            *(x509.IPAddress(ipaddress.ip_address(ip)) for ip in LOCAL_IPS),
        ]
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name("+".join(members)))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=MEMBER_DAYS))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / CA_FILE, ca.public_bytes(serialization.Encoding.PEM), 0o644)
        write_atomically(
            folder / CERTIFICATE_FILE, certificate.public_bytes(serialization.Encoding.PEM), 0o644
        )
        write_atomically(folder / KEY_FILE, _pem(key), 0o600)
