#!/bin/sh
# Run by the nginx image's entrypoint before nginx starts. Real deployments mount their
# certificate as /etc/nginx/certs/fullchain.pem and /etc/nginx/certs/privkey.pem; when they
# are missing, a self-signed certificate for localhost is made so the stack starts and can be
# tried at https://localhost/ (the browser warns about the certificate).
set -eu

CERT_DIR=/etc/nginx/certs

if [ -s "$CERT_DIR/fullchain.pem" ] && [ -s "$CERT_DIR/privkey.pem" ]; then
    exit 0
fi

echo "$0: no certificate in $CERT_DIR; creating a self-signed one for localhost" >&2
mkdir -p "$CERT_DIR"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
    -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$CERT_DIR/privkey.pem" -out "$CERT_DIR/fullchain.pem" 2>/dev/null
chmod 0600 "$CERT_DIR/privkey.pem"
