"""Fake key shapes and decoy shapes for the accuracy benchmark (python3 stdlib only).

Every key is assembled at run time from parts, so this file holds no literal key and the
repository keeps scanning clean with keyfence's own rules. The shapes follow
/work/shared/TOKEN-FORMATS.md and public provider documentation; where a shape is uncertain
the README of this directory says so.
"""

import base64
import hashlib
import json
import random
import string
import struct
import zlib

DIGITS = string.digits
UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
LETTERS = string.ascii_letters
ALNUM = LETTERS + DIGITS
B62 = DIGITS + UPPER + LOWER          # GitHub/npm checksum alphabet, most significant first
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B32 = UPPER + "234567"
LALNUM = LOWER + DIGITS

# Random bodies never contain these (case-insensitive): they are stopwords of common rule sets,
# and a true key that happened to contain one would be a flaky benchmark item.
STOPWORDS = ("example", "sample", "test", "dummy", "fake", "xxxx", "abcd", "1234", "placeholder")

OPENAI_MARK = "T3Blbk" + "FJ"          # base64 of "OpenAI"
BEGIN, END, DASH5 = "BEGIN", "END", "-" * 5


class Gen:
    """All randomness of one generation run; one Random, consumed in a fixed order."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def choice(self, seq):
        return self.r.choice(seq)

    def randint(self, a, b):
        return self.r.randint(a, b)

    def random(self):
        return self.r.random()

    def shuffle(self, seq):
        self.r.shuffle(seq)

    def sample(self, seq, k):
        return self.r.sample(seq, k)

    def bytes(self, n):
        return bytes(self.r.getrandbits(8) for _ in range(n))

    def tok(self, n, alphabet=ALNUM, edge=None):
        """n random characters from alphabet; no stopword, no run of 4 equal characters.
        edge: alphabet for the first and last character (keeps '-', '_', '.' off the ends)."""
        while True:
            chars = [self.r.choice(alphabet) for _ in range(n)]
            if edge and n >= 2:
                chars[0] = self.r.choice(edge)
                chars[-1] = self.r.choice(edge)
            s = "".join(chars)
            low = s.lower()
            if any(w in low for w in STOPWORDS):
                continue
            if any(s[i] == s[i + 1] == s[i + 2] == s[i + 3] for i in range(len(s) - 3)):
                continue
            if n >= 16 and alphabet in (ALNUM, URLSAFE, B64) and not (
                    any(c.isdigit() for c in s) and any(c.isupper() for c in s) and any(c.islower() for c in s)):
                continue
            return s

    def hexs(self, n):
        return self.tok(n, HEX)

    def uuid4(self):
        h = self.hexs(32)
        h = h[:12] + "4" + h[13:16] + self.choice("89ab") + h[17:]
        return "-".join((h[:8], h[8:12], h[12:16], h[16:20], h[20:]))

    def b64(self, nbytes, urlsafe=False, pad=True):
        while True:
            raw = self.bytes(nbytes)
            s = base64.urlsafe_b64encode(raw).decode() if urlsafe else base64.b64encode(raw).decode()
            if not pad:
                s = s.rstrip("=")
            if not any(w in s.lower() for w in STOPWORDS):
                return s


# --- checksums ----------------------------------------------------------------------

def base62_crc32(body):
    n = zlib.crc32(body.encode()) & 0xFFFFFFFF
    out = ""
    while n:
        n, d = divmod(n, 62)
        out = B62[d] + out
    return out.rjust(6, "0")


def crc_token(g, prefix):
    body = g.tok(30, ALNUM)
    return prefix + "_" + body + base62_crc32(body)


def crc_token_bad(g, prefix):
    """Right shape, wrong checksum (the last six characters are not base62(crc32(body)))."""
    body = g.tok(30, ALNUM)
    good = base62_crc32(body)
    while True:
        bad = g.tok(6, ALNUM)
        if bad != good:
            return prefix + "_" + body + bad


def crc_ok(token):
    prefix, _, rest = token.partition("_")
    return len(rest) == 36 and base62_crc32(rest[:30]) == rest[30:]


# --- PEM, OpenSSH, PGP, PuTTY -------------------------------------------------------

def wrap(s, width):
    return "\n".join(s[i:i + width] for i in range(0, len(s), width))


def pem(label, der, headers=""):
    body = wrap(base64.b64encode(der).decode(), 64)
    return (DASH5 + BEGIN + " " + label + DASH5 + "\n" + headers + body + "\n"
            + DASH5 + END + " " + label + DASH5)


PRIV = "PRIVATE" + " KEY"


def rsa_pkcs1(g):
    der = bytes.fromhex("308204a40201000282010100") + g.bytes(1188 - 12)
    return pem("RSA " + PRIV, der)


def ec_key(g):
    der = (bytes.fromhex("30770201010420") + g.bytes(32) + bytes.fromhex("a00a06082a8648ce3d030107a14403420004")
           + g.bytes(64))
    return pem("EC " + PRIV, der)


def pkcs8(g):
    if g.random() < 0.7:
        der = bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7") + g.bytes(1217 - 26)
    else:
        der = bytes.fromhex("302e020100300506032b657004220420") + g.bytes(32)
    return pem(PRIV, der)


def encrypted_key(g):
    if g.random() < 0.6:
        der = bytes.fromhex("308205" + "1c" + "304e06092a864886f70d01050d3041") + g.bytes(1312 - 15)
        return pem("ENCRYPTED " + PRIV, der)
    headers = "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC," + g.hexs(32).upper() + "\n\n"
    return pem("RSA " + PRIV, g.bytes(1192), headers)


def _sshstr(b):
    return struct.pack(">I", len(b)) + b


def openssh_key(g):
    if g.random() < 0.7:
        pub = g.bytes(32)
        pubblob = _sshstr(b"ssh-ed25519") + _sshstr(pub)
        check = g.bytes(4)
        priv = (check + check + _sshstr(b"ssh-ed25519") + _sshstr(pub) + _sshstr(g.bytes(64))
                + _sshstr(("deploy@" + g.choice(["ci", "build-01", "laptop", "bastion"])).encode()))
    else:
        pubblob = _sshstr(b"ssh-rsa") + _sshstr(b"\x01\x00\x01") + _sshstr(b"\x00" + g.bytes(384))
        check = g.bytes(4)
        priv = check + check + _sshstr(b"ssh-rsa") + g.bytes(1500)
    pad = 8 - len(priv) % 8
    priv += bytes(range(1, pad + 1))
    blob = (b"openssh-key-v1\x00" + _sshstr(b"none") + _sshstr(b"none") + _sshstr(b"")
            + struct.pack(">I", 1) + _sshstr(pubblob) + _sshstr(priv))
    label = "OPENSSH " + PRIV
    return DASH5 + BEGIN + " " + label + DASH5 + "\n" + wrap(base64.b64encode(blob).decode(), 70) + "\n" + DASH5 + END + " " + label + DASH5


def pgp_key(g):
    label = "PGP " + PRIV + " BLOCK"
    body = wrap(base64.b64encode(bytes.fromhex("9503c604") + g.bytes(1400)).decode(), 64)
    crc = base64.b64encode(g.bytes(3)).decode()
    return (DASH5 + BEGIN + " " + label + DASH5 + "\n\n" + body + "\n=" + crc + "\n"
            + DASH5 + END + " " + label + DASH5)


def putty_key(g):
    version = g.choice(["2", "3"])
    pub = base64.b64encode(_sshstr(b"ssh-ed25519") + _sshstr(g.bytes(32))).decode()
    priv = base64.b64encode(_sshstr(g.bytes(32))).decode()
    lines = ["PuTTY-User-Key-File-" + version + ": ssh-ed25519", "Encryption: none",
             "Comment: eddsa-key-2024" + str(g.randint(10, 12)) + str(g.randint(10, 28)),
             "Public-Lines: 1", pub]
    lines += ["Private-Lines: 1", priv, "Private-MAC: " + g.hexs(64 if version == "3" else 40)]
    return "\n".join(lines)


# --- other structured secrets -------------------------------------------------------

def b64url_json(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def jwt(g):
    alg = g.choice(["HS256", "HS256", "RS256"])
    head = b64url_json({"alg": alg, "typ": "JWT"})
    iat = 1709251200 + g.randint(0, 20000000)
    payload = b64url_json({"sub": str(g.randint(10 ** 5, 10 ** 9)), "iss": g.choice(["acme-auth", "https://auth.acme.io/"]),
                           "role": g.choice(["service", "admin", "worker"]), "iat": iat, "exp": iat + 31536000})
    sig = g.b64(32 if alg == "HS256" else 256, urlsafe=True, pad=False)
    return head + "." + payload + "." + sig


def pypi_token(g):
    raw = (b"\x02\x01\x08pypi.org\x02\x25\x00\x02" + g.uuid4().encode() + b"\x00\x02\x2b"
           + b'{"permissions": "user", "version": 1}' + b"\x00\x00\x06\x20" + g.bytes(32))
    return "pypi-" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def discord_bot(g):
    uid = str(g.randint(10 ** 17, 13 * 10 ** 17))
    return (base64.b64encode(uid.encode()).decode().rstrip("=") + "." + g.tok(6, URLSAFE, ALNUM) + "."
            + g.tok(38, URLSAFE, ALNUM))


def aws_session_token(g):
    lead = g.choice(["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE"])
    return lead + g.b64(g.choice([480, 520, 600]), pad=False).replace("=", "")


def azure_storage_key(g):
    return g.b64(64)


def azure_ad_secret(g):
    edge = ALNUM
    body = g.tok(34, ALNUM + "_~.-", edge)
    return g.tok(3, ALNUM + "_~.", edge) + str(g.randint(7, 8)) + "Q~" + body


def gitlab(g):
    x = g.random()
    if x < 0.5:
        return "gl" + "pat-" + g.tok(20, URLSAFE, ALNUM), "glpat"
    if x < 0.65:
        return "gl" + "pat-" + g.tok(g.randint(27, 40), URLSAFE, ALNUM) + ".01" + g.tok(7, LALNUM), "glpat-routable"
    if x < 0.8:
        return "gl" + "ptt-" + g.hexs(40), "glptt"
    if x < 0.9:
        return "gl" + "dt-" + g.tok(20, URLSAFE, ALNUM), "gldt"
    return "gl" + "rt-" + g.tok(20, URLSAFE, ALNUM), "glrt"


def stripe(g, prefix):
    if g.random() < 0.8:
        return prefix + "51" + g.tok(97, ALNUM)
    return prefix + g.tok(24, ALNUM)


def password(g, n=None):
    n = n or g.randint(14, 22)
    while True:
        s = g.tok(n, ALNUM + "!%^*-_.+", ALNUM)
        if any(c in "!%^*-_.+" for c in s) and any(c.isdigit() for c in s):
            return s


def url_password(g):
    return g.tok(g.randint(16, 24), ALNUM + "-_.~", ALNUM)


# --- decoy shapes -------------------------------------------------------------------

# The example credentials of the AWS documentation, in short pieces (no piece looks like a key).
AWS_EXAMPLE_ID = "".join(["AK", "IA", "IOSF", "ODNN7", "EXAM", "PLE"])
AWS_EXAMPLE_SECRET = "".join(["wJal", "rXUtn", "FEMI/", "K7MD", "ENG/", "bPxR", "fiCY", "EXAM", "PLE", "KEY"])
AWS_EXAMPLE_ID2 = "".join(["AK", "IA", "I44Q", "H8DHB", "EXAM", "PLE"])
AWS_EXAMPLE_SECRET2 = "".join(["je7M", "tGbCl", "wBF/", "2Zp9", "Utk/", "h3yC", "o8nvb", "EXAM", "PLE", "KEY"])

SEQ = "abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "0123456789"


def seq(n, start=0, alphabet=SEQ):
    return "".join(alphabet[(start + i) % len(alphabet)] for i in range(n))


def md5(g):
    return hashlib.md5(g.bytes(16)).hexdigest()


def sha1(g):
    return hashlib.sha1(g.bytes(16)).hexdigest()


def sha256(g):
    return hashlib.sha256(g.bytes(16)).hexdigest()


def png_b64(g, n=None):
    n = n or g.randint(300, 1500)
    raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + g.bytes(n)
    return base64.b64encode(raw).decode()


def integrity(g, alg="sha512"):
    n = {"sha512": 64, "sha384": 48, "sha1": 20}[alg]
    return alg + "-" + base64.b64encode(g.bytes(n)).decode()


def public_pem(g):
    if g.random() < 0.5:
        der = bytes.fromhex("30820122300d06092a864886f70d01010105000382010f00") + g.bytes(270)
        return pem("PUBLIC KEY", der)
    return pem("CERTIFICATE", bytes.fromhex("308203") + g.bytes(900))
