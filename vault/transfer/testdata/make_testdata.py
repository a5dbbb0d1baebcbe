#!/usr/bin/env python3
"""Writes the WinAuth and Authenticator-extension test files in this folder.

It follows the formats as the apps' own public source writes them, and uses
OpenSSL (libcrypto through ctypes, for Blowfish) and the Python
"cryptography" package -- never DeskAuth's importer:

* WinAuth 3 (winauth/winauth: WinAuthConfig.cs WriteXmlString,
  WinAuthAuthenticator.cs WriteXmlString, Authenticator.cs WriteToWriter /
  EncryptSequence / Encrypt): upper-case hex everywhere; a protected config is
  <data encrypted="y" sha1="SHA1(bytes of the hex text)">"WINAUTH3" hex +
  salt + SHA256(salt || plain) + salt2 + Blowfish-ECB(PBKDF2-HMAC-SHA1(pw,
  salt2, 2000, 256 bytes), ISO 10126 padding)</data>.
* The Authenticator extension (Authenticator-Extension/Authenticator:
  encryption.ts getEncryptedString = CryptoJS.AES.encrypt(text, passphrase);
  import: key.enc decrypted with the password, its bytes as hex are the
  passphrase of the entries): CryptoJS passphrase mode is OpenSSL's
  "Salted__" + salt + AES-256-CBC, key/IV from EVP_BytesToKey(MD5).

Salts are random, so each run writes different (equally valid) files.
Run: python3 make_testdata.py
"""
import base64, ctypes, ctypes.util, hashlib, json, os

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = os.path.dirname(os.path.abspath(__file__))
crypto = ctypes.CDLL(ctypes.util.find_library("crypto"))


def H(b):
    return b.hex().upper()


def blowfish_ecb_encrypt(key, data):
    bfkey = ctypes.create_string_buffer((18 + 4 * 256) * 4)
    # BF_set_key uses at most 72 key bytes, cycling through the key, as
    # BouncyCastle's BlowfishEngine does with WinAuth's 256-byte key.
    crypto.BF_set_key(bfkey, len(key), key)
    out = b""
    for i in range(0, len(data), 8):
        o = ctypes.create_string_buffer(8)
        crypto.BF_ecb_encrypt(data[i:i + 8], o, bfkey, 1)
        out += o.raw
    return out


def winauth_encrypt_password(plain, password):
    # Authenticator.Encrypt: salt + Blowfish(PBKDF2 key, ISO10126d2 padding)
    salt = os.urandom(8)
    key = hashlib.pbkdf2_hmac("sha1", password.encode(), salt, 2000, 256)
    n = 8 - len(plain) % 8
    padded = plain + os.urandom(n - 1) + bytes([n])
    return salt + blowfish_ecb_encrypt(key, padded)


def winauth_encrypt_sequence(plain, password, dpapi_prefix=None):
    # Authenticator.EncryptSequence for PasswordTypes.Explicit
    salt = os.urandom(8)
    digest = hashlib.sha256(salt + plain).digest()
    data = winauth_encrypt_password(plain, password)
    return H(b"WINAUTH3") + H(salt) + H(digest) + H(data)


AUTHS = [
    # (type, name, secret hex, digits, hmac, period, counter)
    ("WinAuth.GoogleAuthenticator", "GitHub (alice@example.com)", b"12345678901234567890", 6, "SHA1", 30, None),
    ("WinAuth.GoogleAuthenticator", "株式会社サンプル (山田)", b"abcdefghij0123456789abcdefghij01", 8, "SHA256", 60, None),
    ("WinAuth.HOTPAuthenticator", "VPN", b"hotp-secret-bytes!!!", 6, "SHA1", 30, 42),
    ("WinAuth.SteamAuthenticator", "Steam (gamer)", b"steam-secret-20bytes", 5, "SHA1", 30, None),
]


def authenticator_data(typ, secret, digits, hmac, period, counter):
    x = "<authenticatordata>\n"
    x += "  <servertimediff>-1234</servertimediff>\n  <lastservertime>638000000000000000</lastservertime>\n"
    sd = H(secret) + "\t" + str(digits) + "\t" + hmac + "\t" + str(period)
    if typ.endswith("SteamAuthenticator"):
        sd += "|SERIAL|android:1234|{}"
    x += "  <secretdata>" + sd + "</secretdata>\n"
    if counter is not None:
        x += "  <counter>" + str(counter) + "</counter>\n"
    return x + "</authenticatordata>"


def winauth_authenticators(protect_entry=None):
    out = ""
    for i, (typ, name, secret, digits, hmac, period, counter) in enumerate(AUTHS):
        out += '<WinAuthAuthenticator id="%08d-0000-0000-0000-000000000000" type="%s">\n' % (i, typ)
        out += "<name>%s</name>\n<created>1700000000000</created>\n<autorefresh>true</autorefresh>\n" % name
        out += "<allowcopy>false</allowcopy>\n<copyoncode>false</copyoncode>\n<hideserial>true</hideserial>\n<skin></skin>\n"
        data = authenticator_data(typ, secret, digits, hmac, period, counter)
        if protect_entry is not None and i == 0:
            enc = winauth_encrypt_sequence(data.encode(), protect_entry)
            out += '<authenticatordata encrypted="y">' + enc + "</authenticatordata>\n"
        else:
            out += data + "\n"
        out += "</WinAuthAuthenticator>\n"
    return out


HEAD = '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<WinAuth version="3.6">\n<alwaysontop>false</alwaysontop>\n<usetrayicon>true</usetrayicon>\n<notifyaction>Popup</notifyaction>\n<startwithwindows>false</startwithwindows>\n<autosize>true</autosize>\n<width>420</width>\n<height>360</height>\n'
TAIL = "</WinAuth>\n"


def write(path, text):
    with open(os.path.join(HERE, path), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def winauth():
    write("winauth/plain.xml", "\ufeff" + HEAD + winauth_authenticators() + TAIL)
    inner = ('<?xml version="1.0" encoding="utf-8"?>\n<config>\n' + winauth_authenticators() + "</config>").encode()
    enc = winauth_encrypt_sequence(inner, "winauth パスワード")
    sha1 = hashlib.sha1(bytes.fromhex(enc)).hexdigest().upper()
    write("winauth/password.xml", HEAD + '<data encrypted="y" sha1="%s">%s</data>\n' % (sha1, enc) + TAIL)
    write("winauth/entry-password.xml", HEAD + winauth_authenticators(protect_entry="entry-pw") + TAIL)
    # DPAPI (user scope) can only be written on Windows; this blob is random
    # bytes in the right place, enough to check the "needs Windows" error.
    blob = winauth_encrypt_sequence(inner, "x")[:64] + H(os.urandom(200))
    write("winauth/dpapi-user.xml", HEAD + '<data encrypted="u">%s</data>\n' % blob + TAIL)
    write("winauth/yubikey.xml", HEAD + '<data encrypted="ya">%s</data>\n' % blob + TAIL)


def cryptojs_encrypt(text, passphrase):
    salt = os.urandom(8)
    d, prev = b"", b""
    while len(d) < 48:
        prev = hashlib.md5(prev + passphrase + salt).digest()
        d += prev
    key, iv = d[:32], d[32:48]
    p = padding.PKCS7(128).padder()
    data = p.update(text) + p.finalize()
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(b"Salted__" + salt + e.update(data) + e.finalize()).decode()


EXT = [
    # account, issuer, secret, type, digits, period, counter, algorithm
    ("alice@example.com", "GitHub", "JBSWY3DPEHPK3PXP", "totp", 6, 30, 0, "SHA1"),
    ("山田", "みずほ銀行", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "totp", 8, 60, 0, "SHA256"),
    ("vpn", "Corp VPN", "KUVJJOM753IHTNDSZVCNKL7GII", "hotp", 6, 30, 7, "SHA1"),
    ("gamer", "Steam", "JRZCL47CMXVOQMNPZR2F7J4RGI", "steam", 5, 30, 0, "SHA1"),
]


def ext_entries(encrypt=None):
    out = {}
    for i, (acct, issuer, secret, typ, digits, period, counter, alg) in enumerate(EXT):
        h = hashlib.md5(secret.encode()).hexdigest()
        s = secret if encrypt is None else encrypt(secret)
        out[h] = {"account": acct, "counter": counter, "encrypted": encrypt is not None, "hash": h, "index": i,
                  "issuer": issuer, "secret": s, "type": typ, "digits": digits, "period": period, "algorithm": alg,
                  "pinned": False}
    return out


def authenticator():
    with open(os.path.join(HERE, "authenticator/plain.json"), "w", encoding="utf-8") as f:
        json.dump(ext_entries(), f, ensure_ascii=False, indent=2)
    pw = "ext パスワード".encode()
    with open(os.path.join(HERE, "authenticator/encrypted-legacy.json"), "w", encoding="utf-8") as f:
        json.dump(ext_entries(lambda s: cryptojs_encrypt(s.encode(), pw)), f, ensure_ascii=False, indent=2)
    data_key = os.urandom(16).hex()  # the extension's random data key, as text
    passphrase = data_key.encode().hex().encode()  # CryptoJS .toString(): hex of the decrypted bytes
    d = ext_entries(lambda s: cryptojs_encrypt(s.encode(), passphrase))
    d["key"] = {"enc": cryptojs_encrypt(data_key.encode(), pw), "hash": "$argon2id$v=19$m=16384,t=1,p=1$c2FsdHNhbHQ$aGFzaA"}
    with open(os.path.join(HERE, "authenticator/encrypted-key.json"), "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    winauth()
    authenticator()
