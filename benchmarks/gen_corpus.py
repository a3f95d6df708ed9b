#!/usr/bin/env python3
"""Generate a deterministic, source-like text corpus for keyfence benchmarks.

Usage: gen_corpus.py OUTDIR [--size-mb 1024] [--seed 1] [--jobs N]

The corpus is OUTDIR/dNNN/fNNNNN.<ext>: files of about 1 MiB each (0.5 to 1.5 MiB),
100 per directory, that look like Python, JavaScript, C, YAML, JSON and Markdown.
The text is full of near-misses for secret rules (`sk`, `key`, `token`, `secret`,
`api`, `AKIA`, `ghp_` prefixes, hex hashes, UUIDs, base64 blobs, URLs) that are not
secrets. A few fake secrets are planted (about one per 50 MiB, at least one of each
kind) and listed in OUTDIR/planted.tsv as: path<TAB>line<TAB>kind (path relative to
OUTDIR, line 1-based). The listing never contains the secrets themselves.

--size-mb is in MiB (2^20 bytes); the corpus is that size plus at most one line.
Output is byte-identical for the same --size-mb and --seed, whatever --jobs is:
every file has its own generator seeded from (seed, file index).

Speed: a pool of a few thousand lines per language is composed once; files are
assembled from runs of consecutive pool lines (so functions and mappings stay
roughly intact), with freshly generated lines mixed in for variety.

No literal real-looking key appears in this file: the fake keys are built at run
time from parts, so the repository scans clean with keyfence's own rules.
"""

import argparse
import os
import random
import string
import sys
import time
import zlib
from multiprocessing import get_context

MIB = 1 << 20
FILES_PER_DIR = 100
MB_PER_PLANT = 50
POOL_LINES_PER_LANG = 10000

LANGS = ("py", "js", "c", "yaml", "json", "md")
# Relative frequency of each language among files (source-heavy, like a repo).
LANG_WEIGHTS = (30, 25, 15, 10, 10, 10)

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "_-"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"
B32 = string.ascii_uppercase + "234567"

# --- vocabulary --------------------------------------------------------------
# Many words contain "sk", "key", "token", "secret" or "api" on purpose: they are
# the substrings that cheap prefilters trip on, and none of them is a secret.
NOUNS = (
    "user config request response client session buffer handler cache index count "
    "offset payload header task mask disk desk risk kiosk ask sketch skip skew skill "
    "keyboard monkey hockey turkey keys keyed keymap keyspace key_name key_id hotkey "
    "tokenizer tokens token_count token_type lexer parser secretary secret_name "
    "secrets_path api_version api_base apiary capital rapid therapist "
    "frame packet record entry node tree graph edge vertex queue stack heap arena "
    "worker thread job pool lock mutex signal event timer clock deadline retry "
    "backoff limit quota bucket shard region zone cluster replica leader follower "
    "schema table column row cursor query filter order group page item value name "
    "label path file line column width height color style theme layout widget"
).split()
VERBS = (
    "get set load save parse render fetch update delete create build compile scan "
    "match split join merge sort filter map reduce flush close open read write send "
    "recv encode decode hash sign verify refresh rotate mask unmask skip ask "
    "validate normalize resolve register dispatch handle emit collect"
).split()
ADJS = (
    "new old raw max min default current next prev local remote cached pending "
    "active stale valid invalid total partial primary secondary public private"
).split()
WORDS = (
    "the a of to and in for with on is this that we it be as by not should will "
    "returns value when if or from are can all each one more than only before after "
    "keys token secret api key skip task request cache retry limit buffer file "
    "handle error case path empty null config default timeout user session "
    "rotate expired invalid missing upstream downstream legacy deprecated"
).split()
MODULES = (
    "os sys json re time logging hashlib base64 typing pathlib subprocess asyncio "
    "collections itertools functools dataclasses urllib.parse http.client"
).split()
JS_MODULES = "fs path http crypto util events stream os url zlib axios lodash express react".split()
C_TYPES = "int size_t uint8_t uint32_t uint64_t int64_t char bool double ssize_t".split()
C_HEADERS = "stdio.h stdlib.h string.h stdint.h stddef.h errno.h unistd.h assert.h".split()
HOSTS = (
    "api.example.com example.org docs.example.net cdn.example.com registry.example.io "
    "auth.example.com status.example.org localhost:8080 127.0.0.1:5000 git.example.com"
).split()
ENV_NAMES = (
    "API_KEY SECRET_KEY AUTH_TOKEN GITHUB_TOKEN OPENAI_API_KEY ANTHROPIC_API_KEY "
    "AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY STRIPE_SECRET_KEY DATABASE_URL "
    "SESSION_SECRET JWT_SECRET NPM_TOKEN SK_TIMEOUT KEY_PREFIX TOKEN_TTL"
).split()
# Placeholders that real configs use instead of secrets.
PLACEHOLDERS = (
    "<your-api-key>", "<token>", "YOUR_TOKEN_HERE", "REPLACE_ME", "xxxxxxxx", "${API_KEY}",
    "${{ secrets.GITHUB_TOKEN }}", "{{ .Values.apiKey }}", "%(secret)s", "$TOKEN",
    "<redacted>", "***", "TODO", "dummy", "test-token", "not-a-secret",
)
# Prefix-only and obviously-truncated lookalikes of real key formats. Split so the
# prefixes are plain text here too.
LOOKALIKES = (
    "sk-", "sk-...", "sk-proj-...", "sk-ant-...", "sk-ant-api03-...", "sk_live_",
    "sk_test_", "pk_test_", "AKIA", "AKIA...", "ASIA", "ghp_", "gho_", "ghp_...",
    "github_pat_", "xoxb-", "AIza", "hf_", "npm_", "glpat-", "T3Blbk" + "FJ",
    "sk-" + "xxxx", "AKIA" + "XXXX", "ghp_" + "x" * 4, "eyJ...",
)


def rs(r, alphabet, n):
    """Random string of n characters from alphabet."""
    return "".join(r.choices(alphabet, k=n))


class Vocab:
    """Random building blocks: identifiers, literals, comments."""

    def __init__(self, r):
        self.r = r

    def ident(self):
        r = self.r
        k = r.random()
        if k < 0.4:
            return r.choice(NOUNS)
        if k < 0.7:
            return r.choice(VERBS) + "_" + r.choice(NOUNS)
        if k < 0.85:
            return r.choice(ADJS) + "_" + r.choice(NOUNS)
        return r.choice(NOUNS) + str(r.randrange(10))

    def camel(self):
        parts = self.ident().split("_")
        return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])

    def cls(self):
        return "".join(p[:1].upper() + p[1:] for p in self.ident().split("_")) + self.r.choice(
            ("", "Manager", "Client", "Handler", "Error", "Config", "Store")
        )

    def const(self):
        return self.ident().upper()

    def words(self, lo=3, hi=12):
        return " ".join(self.r.choices(WORDS, k=self.r.randint(lo, hi)))

    def sentence(self):
        s = self.words(5, 16)
        return s[:1].upper() + s[1:] + "."

    def number(self):
        r = self.r
        k = r.random()
        if k < 0.5:
            return str(r.randrange(100))
        if k < 0.75:
            return str(r.randrange(1 << 20))
        if k < 0.9:
            return "0x%08x" % r.getrandbits(32)
        return "%.3f" % (r.random() * 1000)

    def hexhash(self):
        return rs(self.r, HEX, self.r.choice((7, 12, 32, 40, 64)))

    def uuid(self):
        h = rs(self.r, HEX, 32)
        return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:])

    def b64(self):
        n = self.r.randrange(8, 60) * 4
        return rs(self.r, B64, n - 2) + "=="

    def url(self):
        r = self.r
        path = "/".join(r.choices(NOUNS, k=r.randint(1, 4)))
        u = "https://%s/%s" % (r.choice(HOSTS), path)
        if r.random() < 0.4:
            u += "?%s=%s&%s=%s" % (self.ident(), r.randrange(1000), r.choice(("page", "limit", "key_id", "token_type")), self.ident())
        return u

    def string(self):
        r = self.r
        k = r.random()
        if k < 0.3:
            return self.words(1, 6)
        if k < 0.45:
            return self.url()
        if k < 0.55:
            return self.hexhash()
        if k < 0.63:
            return self.uuid()
        if k < 0.68:
            return self.b64()
        if k < 0.8:
            return r.choice(PLACEHOLDERS)
        if k < 0.9:
            return r.choice(LOOKALIKES)
        return "%s/%s.%s" % (self.ident(), self.ident(), r.choice(LANGS))

    def lookalike_id(self):
        """Text that looks key-ish to a prefilter but is too short or not random."""
        r = self.r
        k = r.random()
        if k < 0.25:
            return "sk-" + self.ident().replace("_", "-")
        if k < 0.45:
            return "AKIA" + rs(r, B32, r.randint(4, 12))  # too short for an AWS id
        if k < 0.6:
            return "ghp_" + self.ident()
        if k < 0.75:
            return "key-" + self.hexhash()[:12]
        return r.choice(LOOKALIKES)


# --- per-language block generators --------------------------------------------
# Each returns a list of lines forming a plausible block (function, mapping, section).


def py_expr(v):
    r = v.r
    k = r.random()
    if k < 0.25:
        return '"%s"' % v.string()
    if k < 0.4:
        return v.number()
    if k < 0.55:
        return "%s(%s)" % (v.ident(), ", ".join(v.ident() for _ in range(r.randint(0, 3))))
    if k < 0.65:
        return 'os.environ.get("%s")' % r.choice(ENV_NAMES)
    if k < 0.75:
        return "self.%s.%s" % (v.ident(), v.ident())
    if k < 0.85:
        return "[%s]" % ", ".join('"%s"' % v.lookalike_id() for _ in range(r.randint(1, 3)))
    return "%s %s %s" % (v.ident(), r.choice("+-*/%"), v.number())


def py_block(v):
    r = v.r
    out = []
    k = r.random()
    if k < 0.1:
        for _ in range(r.randint(1, 4)):
            if r.random() < 0.5:
                out.append("import %s" % r.choice(MODULES))
            else:
                out.append("from %s import %s" % (r.choice(MODULES), v.ident()))
        out.append("")
        return out
    ind = ""
    if k < 0.3:
        out.append("class %s(%s):" % (v.cls(), r.choice(("object", "Exception", "BaseModel", v.cls()))))
        out.append('    """%s"""' % v.sentence())
        out.append("")
        ind = "    "
    args = ", ".join(([("self")] if ind else []) + [v.ident() for _ in range(r.randint(0, 3))])
    out.append("%sdef %s(%s):" % (ind, r.choice(VERBS) + "_" + r.choice(NOUNS), args))
    if r.random() < 0.5:
        out.append('%s    """%s"""' % (ind, v.sentence()))
    body = ind + "    "
    for _ in range(r.randint(2, 12)):
        k = r.random()
        if k < 0.35:
            out.append("%s%s = %s" % (body, v.ident(), py_expr(v)))
        elif k < 0.45:
            out.append("%s# %s" % (body, v.words()))
        elif k < 0.55:
            out.append("%sif %s is None:" % (body, v.ident()))
            out.append('%s    raise ValueError("%s: %%s" %% %s)' % (body, v.words(2, 5), v.ident()))
        elif k < 0.65:
            out.append('%slogger.%s("%s %%s", %s)' % (body, r.choice(("debug", "info", "warning")), v.words(2, 6), v.ident()))
        elif k < 0.72:
            out.append("%sfor %s in %s:" % (body, v.ident(), v.ident()))
            out.append("%s    %s.%s(%s)" % (body, v.ident(), r.choice(VERBS), v.ident()))
        elif k < 0.8:
            out.append('%s%s = %s.get("%s", %s)' % (body, v.ident(), v.ident(), r.choice(("api_key", "token", "secret", "sk", "key")), py_expr(v)))
        elif k < 0.87:
            out.append('%sif %s.startswith("%s"):' % (body, v.ident(), r.choice(LOOKALIKES)))
            out.append("%s    return %s" % (body, py_expr(v)))
        else:
            out.append("%s%s = %s" % (body, v.ident(), py_expr(v)))
    out.append("%sreturn %s" % (body, py_expr(v)))
    out.append("")
    return out


def js_expr(v):
    r = v.r
    k = r.random()
    if k < 0.3:
        return "'%s'" % v.string()
    if k < 0.45:
        return v.number()
    if k < 0.6:
        return "%s(%s)" % (v.camel(), ", ".join(v.camel() for _ in range(r.randint(0, 3))))
    if k < 0.7:
        return "process.env.%s" % r.choice(ENV_NAMES)
    if k < 0.8:
        return "`${%s}/%s`" % (v.camel(), v.ident())
    if k < 0.9:
        return "{ %s: %s, %s: '%s' }" % (v.camel(), v.number(), r.choice(("apiKey", "token", "skip", "secretName")), v.lookalike_id())
    return "%s.%s" % (v.camel(), v.camel())


def js_block(v):
    r = v.r
    out = []
    k = r.random()
    if k < 0.1:
        for _ in range(r.randint(1, 4)):
            out.append("const %s = require('%s');" % (v.camel(), r.choice(JS_MODULES)))
        out.append("")
        return out
    if k < 0.2:
        out.append("export const %s = {" % v.const())
        for _ in range(r.randint(2, 8)):
            out.append("  %s: %s," % (v.camel(), js_expr(v)))
        out.append("};")
        out.append("")
        return out
    if r.random() < 0.4:
        out.append("/**")
        out.append(" * %s" % v.sentence())
        out.append(" * @param {string} %s %s" % (v.camel(), v.words(2, 6)))
        out.append(" */")
    head = r.choice(("async function %s(%s) {", "function %s(%s) {", "export function %s(%s) {"))
    out.append(head % (v.camel(), ", ".join(v.camel() for _ in range(r.randint(0, 3)))))
    for _ in range(r.randint(2, 12)):
        k = r.random()
        if k < 0.35:
            out.append("  %s %s = %s;" % (r.choice(("const", "let")), v.camel(), js_expr(v)))
        elif k < 0.45:
            out.append("  // %s" % v.words())
        elif k < 0.55:
            out.append("  if (!%s) {" % v.camel())
            out.append("    throw new Error('%s');" % v.words(2, 6))
            out.append("  }")
        elif k < 0.65:
            out.append("  console.%s('%s', %s);" % (r.choice(("log", "warn", "debug")), v.words(2, 5), v.camel()))
        elif k < 0.75:
            out.append("  headers['Authorization'] = `Bearer ${%s}`;" % r.choice(("token", "apiKey", "this.token", "process.env.API_TOKEN")))
        elif k < 0.85:
            out.append("  const res = await fetch('%s', { method: '%s' });" % (v.url(), r.choice(("GET", "POST", "PUT"))))
        else:
            out.append("  %s.%s(%s);" % (v.camel(), r.choice(VERBS), js_expr(v)))
    out.append("  return %s;" % js_expr(v))
    out.append("}")
    out.append("")
    return out


def c_block(v):
    r = v.r
    out = []
    k = r.random()
    if k < 0.1:
        for _ in range(r.randint(1, 4)):
            out.append("#include <%s>" % r.choice(C_HEADERS))
        out.append("")
        return out
    if k < 0.2:
        for _ in range(r.randint(1, 5)):
            out.append("#define %s %s" % (v.const(), r.choice((v.number(), '"%s"' % v.string()))))
        out.append("")
        return out
    if k < 0.3:
        out.append("static const uint32_t %s_table[] = {" % v.ident())
        for _ in range(r.randint(2, 8)):
            out.append("    " + ", ".join("0x%08x" % r.getrandbits(32) for _ in range(6)) + ",")
        out.append("};")
        out.append("")
        return out
    out.append("/* %s */" % v.sentence())
    args = ", ".join("%s %s" % (r.choice(("const char *", "size_t", "int", "uint8_t *", "struct %s *" % v.ident())), v.ident()) for _ in range(r.randint(1, 4)))
    out.append("static %s %s(%s)" % (r.choice(C_TYPES), v.ident(), args))
    out.append("{")
    for _ in range(r.randint(2, 12)):
        k = r.random()
        if k < 0.3:
            out.append("    %s %s = %s;" % (r.choice(C_TYPES), v.ident(), r.choice((v.number(), "%s(%s)" % (v.ident(), v.ident())))))
        elif k < 0.4:
            out.append("    /* %s */" % v.words())
        elif k < 0.5:
            out.append("    if (%s == NULL) {" % v.ident())
            out.append("        return -%s;" % r.choice(("EINVAL", "ENOMEM", "EIO", "1")))
            out.append("    }")
        elif k < 0.6:
            out.append("    memcpy(%s, %s, sizeof(%s));" % (v.ident(), v.ident(), v.ident()))
        elif k < 0.7:
            out.append('    fprintf(stderr, "%s: %%s\\n", %s);' % (v.words(2, 5), v.ident()))
        elif k < 0.8:
            out.append('    if (strncmp(%s, "%s", %d) == 0)' % (v.ident(), v.lookalike_id(), r.randint(3, 8)))
            out.append("        %s++;" % v.ident())
        elif k < 0.9:
            out.append("    for (size_t i = 0; i < %s; i++) {" % v.ident())
            out.append("        %s[i] ^= %s[i %% %d];" % (v.ident(), r.choice(("key", "mask", "sk", "token")), r.randint(4, 64)))
            out.append("    }")
        else:
            out.append('    const char *%s = "%s";' % (v.ident(), v.string()))
    out.append("    return %s;" % v.ident())
    out.append("}")
    out.append("")
    return out


def yaml_value(v):
    r = v.r
    k = r.random()
    if k < 0.3:
        return v.words(1, 4)
    if k < 0.45:
        return v.number()
    if k < 0.55:
        return r.choice(("true", "false", "null"))
    if k < 0.7:
        return r.choice(PLACEHOLDERS)
    if k < 0.8:
        return v.url()
    if k < 0.9:
        return '"%s"' % v.hexhash()
    return v.lookalike_id()


def yaml_block(v):
    r = v.r
    out = []
    if r.random() < 0.15:
        out.append("# %s" % v.sentence())
    out.append("%s:" % v.ident())
    for _ in range(r.randint(2, 10)):
        k = r.random()
        if k < 0.6:
            out.append("  %s: %s" % (v.ident(), yaml_value(v)))
        elif k < 0.75:
            out.append("  %s: %s" % (r.choice(("api_key", "token", "secret", "client_secret", "sk", "key_file")), r.choice(PLACEHOLDERS)))
        elif k < 0.85:
            out.append("  %s:" % v.ident())
            for _ in range(r.randint(1, 4)):
                out.append("    - %s" % yaml_value(v))
        else:
            out.append("  %s:" % v.ident())
            out.append("    %s: %s" % (v.ident(), yaml_value(v)))
            out.append("    %s: %s" % (v.ident(), yaml_value(v)))
    return out


def json_value(v):
    r = v.r
    k = r.random()
    if k < 0.5:
        return '"%s"' % v.string()
    if k < 0.7:
        return v.number()
    if k < 0.8:
        return r.choice(("true", "false", "null"))
    return '"%s"' % v.uuid()


def json_block(v):
    r = v.r
    out = []
    if r.random() < 0.5:
        # package-lock style entry: hashes and base64 integrity strings.
        out.append('  "node_modules/%s": {' % v.ident().replace("_", "-"))
        out.append('    "version": "%d.%d.%d",' % (r.randrange(10), r.randrange(30), r.randrange(30)))
        out.append('    "resolved": "%s",' % v.url())
        out.append('    "integrity": "sha512-%s",' % rs(r, B64, 86))
        if r.random() < 0.3:
            out.append('    "dev": true,')
        out.append('    "license": "%s"' % r.choice(("MIT", "ISC", "Apache-2.0", "BSD-3-Clause")))
        out.append("  },")
        return out
    out.append("  {")
    for _ in range(r.randint(2, 8)):
        if r.random() < 0.15:
            key = r.choice(("apiKey", "token_type", "secretRef", "sk", "keyId", "api_base"))
        else:
            key = v.camel()
        out.append('    "%s": %s,' % (key, json_value(v)))
    out.append('    "id": "%s"' % v.uuid())
    out.append("  },")
    return out


def md_block(v):
    r = v.r
    out = []
    k = r.random()
    if k < 0.2:
        out.append("%s %s" % ("#" * r.randint(1, 3), v.words(2, 6).title()))
        out.append("")
    if k < 0.5:
        for _ in range(r.randint(1, 4)):
            out.append(" ".join(v.sentence() for _ in range(r.randint(1, 3))))
        out.append("")
    elif k < 0.7:
        for _ in range(r.randint(2, 6)):
            out.append("- %s `%s`" % (v.words(2, 8), r.choice((v.ident(), v.lookalike_id(), r.choice(ENV_NAMES)))))
        out.append("")
    elif k < 0.85:
        out.append("```sh")
        out.append("export %s=%s" % (r.choice(ENV_NAMES), r.choice(PLACEHOLDERS)))
        out.append('curl -H "Authorization: Bearer $%s" %s' % (r.choice(ENV_NAMES), v.url()))
        out.append("```")
        out.append("")
    else:
        out.append("| %s | %s | %s |" % (v.ident(), v.ident(), v.ident()))
        out.append("|---|---|---|")
        for _ in range(r.randint(1, 5)):
            out.append("| `%s` | %s | %s |" % (v.ident(), v.number(), v.words(1, 4)))
        out.append("")
    return out


BLOCKS = {"py": py_block, "js": js_block, "c": c_block, "yaml": yaml_block, "json": json_block, "md": md_block}


def build_pool(seed):
    """Per language: a list of lines (consecutive blocks) and cumulative byte sizes."""
    r = random.Random("pool:%d" % seed)
    v = Vocab(r)
    pools = {}
    for lang in LANGS:
        lines = []
        while len(lines) < POOL_LINES_PER_LANG:
            lines.extend(BLOCKS[lang](v))
        cum = [0]
        for ln in lines:
            cum.append(cum[-1] + len(ln) + 1)  # ASCII only, +1 for '\n'
        pools[lang] = (lines, cum)
    return pools


# --- planted secrets -----------------------------------------------------------


def b62(n, width):
    s = ""
    while n:
        n, d = divmod(n, 62)
        s = BASE62[d] + s
    return s.rjust(width, "0")


def make_secret(r, kind):
    if kind == "openai-project-key":
        return "sk-" + "proj-" + rs(r, ALNUM, 74) + "T3Blbk" + "FJ" + rs(r, ALNUM, 74)
    if kind == "aws-access-key-id":
        return "AK" + "IA" + rs(r, B32, 16)
    if kind == "github-pat":
        body = rs(r, BASE62, 30)
        return "gh" + "p_" + body + b62(zlib.crc32(body.encode()), 6)
    if kind == "anthropic-api-key":
        # Keep the body's first character alphanumeric so no rule boundary is in doubt.
        return "sk-" + "ant-" + "api03-" + rs(r, ALNUM, 1) + rs(r, URLSAFE, 92) + "AA"
    raise ValueError(kind)


PLANT_KINDS = ("openai-project-key", "aws-access-key-id", "github-pat", "anthropic-api-key")
PLANT_NAMES = {
    "openai-project-key": "OPENAI_API_KEY",
    "aws-access-key-id": "AWS_ACCESS_KEY_ID",
    "github-pat": "GITHUB_TOKEN",
    "anthropic-api-key": "ANTHROPIC_API_KEY",
}
PLANT_LINE = {
    "py": '{name} = "{key}"',
    "js": "const {name} = '{key}';",
    "c": 'static const char *{name} = "{key}";',
    "yaml": "  {lname}: {key}",
    "json": '    "{lname}": "{key}",',
    "md": "export {name}={key}",
}


# --- corpus layout and file assembly -------------------------------------------


def plan(size_mb, seed):
    """Decide file sizes, languages and planted secrets with one seeded generator."""
    r = random.Random(seed)
    total = size_mb * MIB
    files = []  # (relpath, lang, target_bytes)
    done = 0
    while done < total:
        target = min(int(MIB * r.uniform(0.5, 1.5)), total - done)
        i = len(files)
        lang = r.choices(LANGS, weights=LANG_WEIGHTS)[0]
        files.append(("d%03d/f%05d.%s" % (i // FILES_PER_DIR, i, lang), lang, target))
        done += target
    nplants = max(len(PLANT_KINDS), round(size_mb / MB_PER_PLANT))
    plants = {}  # file index -> list of (kind, secret)
    for p in range(nplants):
        kind = PLANT_KINDS[p % len(PLANT_KINDS)]
        plants.setdefault(r.randrange(len(files)), []).append((kind, make_secret(r, kind)))
    return files, plants


def write_file(args):
    """Assemble one file; returns its planted (line, kind) pairs and byte count."""
    outdir, seed, index, relpath, lang, target, plants = args
    lines, cum = POOLS[lang]
    r = random.Random("file:%d:%d" % (seed, index))
    v = Vocab(r)
    npool = len(lines)
    out = []
    size = 0
    while size < target:
        # A run of consecutive pool lines keeps blocks mostly intact.
        i = r.randrange(npool)
        j = min(npool, i + r.randint(3, 40))
        out.extend(lines[i:j])
        size += cum[j] - cum[i]
        # Fresh lines so files are not reshuffles of one pool: new hashes, ids, names.
        if r.random() < 0.25:
            fresh = BLOCKS[lang](v)
            out.extend(fresh)
            size += sum(len(x) + 1 for x in fresh)
    placed = []
    if plants:
        for pos, (kind, secret) in zip(sorted(r.sample(range(len(out)), len(plants))), plants):
            name = PLANT_NAMES[kind]
            out[pos] = PLANT_LINE[lang].format(name=name, lname=name.lower(), key=secret)
            placed.append((pos + 1, kind))
    data = ("\n".join(out) + "\n").encode("ascii")
    path = os.path.join(outdir, relpath)
    with open(path, "wb") as f:
        f.write(data)
    return relpath, placed, len(data)


POOLS = None


def init_pools(seed):
    global POOLS
    POOLS = build_pool(seed)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--size-mb", type=int, default=1024, help="corpus size in MiB (default 1024)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes (output does not depend on it)")
    a = ap.parse_args()
    if a.size_mb < 1:
        ap.error("--size-mb must be >= 1")

    t0 = time.monotonic()
    files, plants = plan(a.size_mb, a.seed)
    os.makedirs(a.outdir, exist_ok=True)
    for d in sorted({os.path.dirname(p) for p, _, _ in files}):
        os.makedirs(os.path.join(a.outdir, d), exist_ok=True)
    tasks = [(a.outdir, a.seed, i, p, lang, tgt, plants.get(i, [])) for i, (p, lang, tgt) in enumerate(files)]

    if a.jobs > 1:
        # Workers build the same pool from the seed (cheap), so no large pickling.
        with get_context("fork" if sys.platform != "win32" else "spawn").Pool(
            a.jobs, initializer=init_pools, initargs=(a.seed,)
        ) as pool:
            results = pool.map(write_file, tasks, chunksize=4)
    else:
        init_pools(a.seed)
        results = [write_file(t) for t in tasks]

    total = 0
    rows = []
    for relpath, placed, n in results:
        total += n
        rows.extend("%s\t%d\t%s\n" % (relpath, line, kind) for line, kind in placed)
    with open(os.path.join(a.outdir, "planted.tsv"), "w") as f:
        f.write("path\tline\tkind\n")
        f.writelines(rows)
    dt = time.monotonic() - t0
    print("wrote %d files, %d bytes, %d planted keys to %s in %.1f s"
          % (len(files), total, len(rows), a.outdir, dt), file=sys.stderr)


if __name__ == "__main__":
    main()
