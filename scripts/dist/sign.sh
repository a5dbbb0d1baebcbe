#!/usr/bin/env bash
# sign.sh FILE.exe... signs Windows programs (Authenticode, SHA-256) in place
# with osslsigncode, using the certificate named by the environment:
#
#   DESKAUTH_SIGN_PFX        a PKCS#12 file (certificate chain and key), or
#   DESKAUTH_SIGN_CERT and   PEM (or DER) certificate chain and
#   DESKAUTH_SIGN_KEY        private key files;
#   DESKAUTH_SIGN_PASSWORD   the PFX or key password, if any (read through a
#                            pipe, never put on a command line);
#   DESKAUTH_SIGN_TIMESTAMP  an RFC 3161 timestamp server URL (optional; a
#                            release should use one so the signature outlives
#                            the certificate);
#   DESKAUTH_SIGN_REQUIRED=1 fail instead of leaving the files unsigned when no
#                            certificate is set (the release workflow sets it).
#
# Without a certificate the files are left unsigned, with a note on stderr.
set -euo pipefail

if [ -z "${DESKAUTH_SIGN_PFX:-}" ] && [ -z "${DESKAUTH_SIGN_CERT:-}" ]; then
	if [ "${DESKAUTH_SIGN_REQUIRED:-}" = 1 ]; then
		echo "sign: DESKAUTH_SIGN_REQUIRED=1 but neither DESKAUTH_SIGN_PFX nor DESKAUTH_SIGN_CERT is set" >&2
		exit 1
	fi
	echo "sign: no certificate (DESKAUTH_SIGN_PFX or DESKAUTH_SIGN_CERT/KEY): $* left unsigned" >&2
	exit 0
fi
command -v osslsigncode >/dev/null || { echo "sign: osslsigncode is missing" >&2; exit 1; }

args=(-h sha256 -n DeskAuth -i https://github.com/deskauth/deskauth)
if [ -n "${DESKAUTH_SIGN_PFX:-}" ]; then
	args+=(-pkcs12 "$DESKAUTH_SIGN_PFX")
else
	: "${DESKAUTH_SIGN_KEY:?DESKAUTH_SIGN_CERT needs DESKAUTH_SIGN_KEY}"
	args+=(-certs "$DESKAUTH_SIGN_CERT" -key "$DESKAUTH_SIGN_KEY")
fi
if [ -n "${DESKAUTH_SIGN_TIMESTAMP:-}" ]; then
	args+=(-ts "$DESKAUTH_SIGN_TIMESTAMP")
fi

for f in "$@"; do
	out=$f.signing
	rm -f "$out"
	if [ -n "${DESKAUTH_SIGN_PASSWORD:-}" ]; then
		printf '%s' "$DESKAUTH_SIGN_PASSWORD" |
			osslsigncode sign "${args[@]}" -readpass /dev/stdin -in "$f" -out "$out" >/dev/null
	else
		osslsigncode sign "${args[@]}" -in "$f" -out "$out" >/dev/null
	fi
	mv -f "$out" "$f"
	echo "sign: signed $(basename "$f")" >&2
done
