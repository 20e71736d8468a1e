"""Invalid TLS certificates: recorded as a page error by default, audited with tls_verify: false."""

from __future__ import annotations

import datetime
import http.server
import ssl
import sqlite3
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import run_cli, write_config

pytestmark = pytest.mark.e2e

PAGE = b"<!doctype html><html lang='en'><head><title>Self-signed</title></head><body><main><h1>Hi</h1><img src='/x.png'></main></body></html>"


def self_signed(folder):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2)).sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture()
def https_site(tmp_path):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = PAGE if self.path == "/" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    cert, key = self_signed(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("verify, exit_code", [(True, 3), (False, 0)])
def test_invalid_certificate(https_site, tmp_path, verify, exit_code):
    config = write_config(tmp_path / "a11y.yaml", [{"id": "tls", "name": "TLS", "sites": [{"url": https_site}]}],
                          tls_verify=verify, max_depth=0)
    db = tmp_path / "r.db"
    proc = run_cli("crawl", str(config), "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert proc.returncode == exit_code, proc.stderr[-2000:]
    [(error, title)] = sqlite3.connect(db).execute("select error, title from pages").fetchall()
    if verify:
        assert "certificate" in error.lower()
    else:
        assert (error, title) == (None, "Self-signed")
