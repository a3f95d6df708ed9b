#!/usr/bin/env python3
"""Second accuracy corpus: keys where real leaks hide, in code unlike generate.py's.

Usage: generate_hidden.py OUTDIR [--seed N] [--per-class N] [--force]

Writes a git repository (a made-up data team's "lakehouse" repo: notebooks exported to scripts, Flask
and FastAPI services, a Rust CLI, Helm charts, Terraform modules, Markdown runbooks in four languages)
with keys planted in the classes of issue 13, and OUTDIR.truth.json in generate.py's truth format, so
score.py scores it unchanged:

  binary      keys inside a .pyc Python compiles, a SQLite database and a pickle (history only:
              a staged binary file has no added lines to score against)
  header      Authorization: Bearer / token headers in curl, requests, axios, fetch, Go and Rust
  declared    .env names ending in _KEY/_SECRET/_TOKEN/_PASSWORD, Kubernetes Secret stringData and
              data (YAML and JSON), Terraform variables marked sensitive
  nearby      prefix-less keys (DeepSeek sk-+hex, Mistral, Cohere, Twilio SK) with the provider named
              one to three lines above, in English, Chinese, Japanese and Russian prose
  encoded     keys percent-encoded in URLs, hex-encoded, \\u-escaped in JSON, \\x-escaped in Python
              bytes, base64 inside percent-encoding
Decoys (must not be reported): hashes and UUIDs in the same places, ConfigMaps, non-sensitive
Terraform defaults, placeholders, published example values, hex and percent-encoded ordinary text.

Seeds are drawn from a different space than generate.py's (seed * 7919 + 104729), and no template is
shared with it. Same --seed and --per-class: the same truth file and commit ids. Python 3 stdlib + git.
"""
import argparse
import base64
import json
import os
import pickle
import py_compile
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keyshapes as ks  # noqa: E402

GENERATOR_VERSION = 1
DATES = ["2025-03-%02dT10:%02d:00+00:00" % (3 + i, 7 * i) for i in range(4)]


class Corpus:
    def __init__(self, outdir, g):
        self.outdir, self.g = outdir, g
        self.keys, self.decoys = [], []
        self.files = {}           # path -> text (or bytes for binary files) of the batch being written
        self.pending = []         # (kind, path, secret, scope, note) of the batch

    # --- keys ------------------------------------------------------------------------------
    def prefixed(self):
        """A key with an unmistakable prefix, as a provider issues it."""
        g = self.g
        kind = g.choice(["anthropic-api03", "openai-project", "groq", "openrouter", "github-ghp", "stripe-live", "aws-access-key-id"])
        secret = {
            "anthropic-api03": lambda: "sk-" + "ant-api03-" + g.tok(93, ks.URLSAFE, ks.ALNUM) + "AA",
            "openai-project": lambda: "sk-" + "proj-" + g.tok(74, ks.URLSAFE, ks.ALNUM) + ks.OPENAI_MARK + g.tok(74, ks.URLSAFE, ks.ALNUM),
            "groq": lambda: "gsk" + "_" + g.tok(52),
            "openrouter": lambda: "sk-" + "or-v1-" + g.hexs(64),
            "github-ghp": lambda: ks.crc_token(g, "gh" + "p"),
            "stripe-live": lambda: "sk" + "_live_" + g.tok(32),
            "aws-access-key-id": lambda: "AK" + "IA" + g.tok(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        }[kind]()
        return kind, secret

    def plant(self, kind, path, secret, note, scope="history", written_as=None):
        """written_as: the key as the file spells it (encoded), to find its line."""
        self.pending.append((kind, path, secret, scope, note, written_as or secret))

    def decoy(self, kind, path, text, note, scope="history"):
        self.decoys.append({"kind": kind, "path": path, "text": text, "note": note, "scope": scope, "commit": None, "line": None})

    # --- writing --------------------------------------------------------------------------
    def write(self, path, content):
        full = os.path.join(self.outdir, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(full, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as fh:
            fh.write(content)
        self.files[path] = content

    def git(self, *args, date=DATES[0]):
        env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date, GIT_AUTHOR_NAME="Grace Hopper",
                   GIT_AUTHOR_EMAIL="grace@lakehouse.example", GIT_COMMITTER_NAME="Grace Hopper", GIT_COMMITTER_EMAIL="grace@lakehouse.example")
        return subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=self.outdir, env=env, check=True,
                              stdout=subprocess.PIPE).stdout.decode().strip()

    def settle(self, commit, scope):
        """Records the batch's keys and decoys with their line numbers in the files as written."""
        for kind, path, secret, sc, note, written in self.pending:
            content = self.files[path]
            if isinstance(content, bytes):
                off = content.find(written.encode())
                line = content.count(b"\n", 0, off) + 1 if off >= 0 else 1
            else:
                off = content.find(written)
                assert off >= 0, (path, note)
                line = content.count("\n", 0, off) + 1
            self.keys.append({"kind": kind, "path": path, "line": line, "commit": commit, "branch": "main" if sc == "history" else None,
                              "present_at_head": True, "removed_in": None, "staged_only": sc == "staged", "unstaged": False,
                              "scope": sc, "secret": secret, "also_match": [], "note": note})
        for d in self.decoys:
            if d["commit"] is None and d["line"] is None and d["path"] in self.files:
                content = self.files[d["path"]]
                text = content if isinstance(content, str) else ""
                off = text.find(d["text"])
                d["line"] = text.count("\n", 0, off) + 1 if off >= 0 else 1
                d["commit"] = commit
        self.pending, self.files = [], {}


# --- the classes -------------------------------------------------------------------------------

def binary_files(c, n, batch):
    g = c.g
    names = ["warehouse", "ingest", "billing", "alerts", "exporter"]
    # .pyc: Python stores each string after a type byte and a length byte.
    consts, planted = [], []
    for i in range(n):
        kind, key = c.prefixed()
        consts.append("%s_CREDENTIAL = %r" % (g.choice(names).upper() + str(i), key))
        planted.append((kind, key))
    consts.append("BUILD_ID = %r" % g.hexs(40))
    src = os.path.join(c.outdir, "build", "settings_%d.py" % batch)
    os.makedirs(os.path.dirname(src), exist_ok=True)
    with open(src, "w") as fh:
        fh.write("\n".join(consts) + "\n")
    pyc = "lakehouse/__pycache__/settings_%d.cpython-311.pyc" % batch
    os.makedirs(os.path.join(c.outdir, os.path.dirname(pyc)), exist_ok=True)
    py_compile.compile(src, cfile=os.path.join(c.outdir, pyc), doraise=True)
    shutil.rmtree(os.path.join(c.outdir, "build"))
    with open(os.path.join(c.outdir, pyc), "rb") as fh:
        c.files[pyc] = fh.read()
    for kind, key in planted:
        c.plant(kind, pyc, key, "binary: .pyc")
    # SQLite: a row's columns end to end ("..._tokensk-ant-...").
    db = "data/cache_%d.sqlite3" % batch
    os.makedirs(os.path.join(c.outdir, "data"), exist_ok=True)
    con = sqlite3.connect(os.path.join(c.outdir, db))
    con.execute("create table connections (service text, credential text, rotated integer)")
    for i in range(n):
        kind, key = c.prefixed()
        con.execute("insert into connections values (?, ?, ?)", ("%s_token" % g.choice(names), key, 1700000000 + i))
        c.plant(kind, db, key, "binary: SQLite row")
    con.execute("insert into connections values (?, ?, ?)", ("checksum", g.hexs(64), 0))
    con.commit()
    con.close()
    with open(os.path.join(c.outdir, db), "rb") as fh:
        c.files[db] = fh.read()
    # pickle protocol 4: a length byte before each string.
    pk = "models/feature_store_%d.pkl" % batch
    os.makedirs(os.path.join(c.outdir, "models"), exist_ok=True)
    state = {"version": g.uuid4(), "weights_sha": g.hexs(64)}
    for i in range(n):
        kind, key = c.prefixed()
        state["%s%d_api_key" % (g.choice(names), i)] = key
        c.plant(kind, pk, key, "binary: pickle")
    with open(os.path.join(c.outdir, pk), "wb") as fh:
        pickle.dump(state, fh, protocol=4)
    with open(os.path.join(c.outdir, pk), "rb") as fh:
        c.files[pk] = fh.read()


def header_files(c, n, batch, scope):
    g = c.g
    lines_py, lines_js, lines_sh = ["import requests", ""], ["import axios from 'axios';", ""], ["#!/bin/sh", "set -eu"]
    for i in range(n):
        token = g.choice([g.hexs(40), g.tok(48), g.tok(64)])
        form = i % 4
        if form == 0:
            lines_py.append("resp = requests.get(f'{BASE}/v2/jobs', headers={'Authorization': 'Bearer %s'})" % token)
            path = "services/scheduler/client_%d.py" % batch
        elif form == 1:
            lines_js.append("axios.defaults.headers.common['Authorization'] = 'Bearer %s';" % token)
            path = "web/src/api_%d.ts" % batch
        elif form == 2:
            lines_sh.append('curl -sS -H "Authorization: token %s" https://git.internal.example/api/v1/repos' % token)
            path = "ops/sync_%d.sh" % batch
        else:
            lines_js.append("await fetch(url, { headers: { Authorization: `Bearer %s` } });" % token)
            path = "web/src/api_%d.ts" % batch
        c.plant("authorization-bearer", path, token, "header, form %d" % form, scope)
    # decoys: a template and a digest in the same places
    lines_py.append("resp = requests.get(url, headers={'Authorization': f'Bearer {token}'})")
    digest = g.hexs(64)
    lines_py.append("resp = requests.get(url, headers={'If-None-Match': '%s'})" % digest)
    c.decoy("etag-hash", "services/scheduler/client_%d.py" % batch, digest, "a hash in another header", scope)
    c.write("services/scheduler/client_%d.py" % batch, "\n".join(lines_py) + "\n")
    c.write("web/src/api_%d.ts" % batch, "\n".join(lines_js) + "\n")
    c.write("ops/sync_%d.sh" % batch, "\n".join(lines_sh) + "\n")


def declared_files(c, n, batch, scope):
    g = c.g
    env = ["# lakehouse runtime", "APP_ENV=production", "LOG_LEVEL=info"]
    for i in range(n):
        name = g.choice(["WAREHOUSE", "EXPORT", "WEBHOOK", "SESSION", "VAULT"]) + str(i)
        suffix = g.choice(["_SIGNING_KEY", "_SECRET", "_TOKEN", "_PASSWORD", "_ENCRYPTION_KEY"])
        value = g.tok(g.randint(24, 40))
        env.append("%s%s=%s" % (name, suffix, value))
        c.plant("dotenv-declared", "deploy/.env.%d" % batch, value, ".env " + suffix, scope)
    env.append("REPORT_BUCKET=s3://lakehouse-reports")
    c.write("deploy/.env.%d" % batch, "\n".join(env) + "\n")
    # Kubernetes: stringData, data (YAML), data (JSON), and a ConfigMap decoy
    sd = g.tok(28)
    raw = g.tok(24)
    data = base64.b64encode(raw.encode()).decode()
    c.write("charts/lakehouse/templates/secret-%d.yaml" % batch,
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: lakehouse-%d\ntype: Opaque\nstringData:\n  warehouse-password: %s\n---\n"
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lakehouse-settings\ndata:\n  retention: %s\n"
            % (batch, sd, base64.b64encode(b"retention_days=30").decode()))
    c.plant("kubernetes-stringdata", "charts/lakehouse/templates/secret-%d.yaml" % batch, sd, "Secret stringData", scope)
    c.decoy("configmap-data", "charts/lakehouse/templates/secret-%d.yaml" % batch, base64.b64encode(b"retention_days=30").decode(),
            "a ConfigMap after a Secret", scope)
    c.write("k8s/export-secret-%d.json" % batch, json.dumps({"apiVersion": "v1", "data": {"token": data}, "kind": "Secret",
                                                            "metadata": {"name": "export-%d" % batch}, "type": "Opaque"}, indent=4) + "\n")
    c.plant("kubernetes-data-json", "k8s/export-secret-%d.json" % batch, data, "Secret data, JSON", scope)
    tf_secret = g.tok(20)
    c.write("infra/modules/db_%d/variables.tf" % batch,
            'variable "master_password" {\n  type      = string\n  sensitive = true\n  default   = "%s"\n}\n\n'
            'variable "instance_class" {\n  type    = string\n  default = "db.r6g.large"\n}\n' % tf_secret)
    c.plant("terraform-sensitive", "infra/modules/db_%d/variables.tf" % batch, tf_secret, "sensitive variable", scope)
    c.decoy("terraform-plain", "infra/modules/db_%d/variables.tf" % batch, "db.r6g.large", "not sensitive", scope)


def nearby_files(c, n, batch, scope):
    g = c.g
    intro = {
        "en": ("## {p} credentials\n\nThe staging account uses this key; rotate it every quarter.\n\n", "    {k}\n"),
        "zh": ("## {p} 接入说明\n\n测试环境使用下面的密钥：\n\n", "「{k}」\n"),
        "ja": ("## {p} の設定\n\n検証環境では次のキーを使います。\n\n", "キー：{k}\n"),
        "ru": ("## Подключение {p}\n\nКлюч для тестового стенда:\n\n", "«{k}»\n"),
    }
    parts = []
    for i in range(n):
        provider, kind, key = g.choice([
            ("DeepSeek", "deepseek", lambda: "sk-" + g.hexs(32)),
            ("Mistral", "mistral", lambda: g.tok(32)),
            ("Cohere", "cohere", lambda: g.tok(40)),
            ("Twilio", "twilio-api-key-sid", lambda: "SK" + g.hexs(32)),
        ])
        key = key()
        lang = g.choice(sorted(intro))
        head, body = intro[lang]
        parts.append(head.format(p=provider) + body.format(k=key) + "\n")
        c.plant(kind, "docs/runbooks/providers_%d.md" % batch, key, "provider named above, " + lang, scope)
    # decoy: a 32-hex build id four lines below an unrelated heading
    build = g.hexs(32)
    parts.append("## Release\n\nNotes for the release train.\n\nNothing to configure here.\n\nbuild: %s\n" % build)
    c.decoy("build-id", "docs/runbooks/providers_%d.md" % batch, build, "hex with no provider near", scope)
    c.write("docs/runbooks/providers_%d.md" % batch, "".join(parts))


def encoded_files(c, n, batch, scope):
    g = c.g
    lines = ["# callbacks captured from the staging proxy", ""]
    js = {"captured": []}
    for i in range(n):
        kind, key = c.prefixed()
        form = i % 5
        if form == 0:
            enc = "".join("%%%02X" % b for b in key.encode())
            lines.append("GET https://hooks.lakehouse.example/cb?auth=%s&ts=%d" % (enc, 1700000000 + i))
        elif form == 1:
            enc = key.encode().hex()
            lines.append("payload_hex: %s" % enc)
        elif form == 2:
            enc = "".join("\\u%04x" % ord(ch) if ch in "-_" else ch for ch in key)
            js["captured"].append(enc)
        elif form == 3:
            enc = "".join("\\x%02x" % b for b in key.encode())
            lines.append("SEED = b'%s'" % enc)
        else:
            enc = urllib.parse.quote(base64.b64encode(key.encode()).decode(), safe="")
            lines.append("POST /v1/relay?blob=%s" % enc)
        c.plant(kind, "ops/captures_%d.txt" % batch if form != 2 else "ops/captures_%d.json" % batch, key, "encoded, form %d" % form, scope,
                written_as=enc)
    plain = "hello from the lakehouse, nothing to see"
    lines.append("note_hex: %s" % plain.encode().hex())
    lines.append("GET https://hooks.lakehouse.example/search?q=%s" % urllib.parse.quote(plain))
    c.decoy("encoded-text", "ops/captures_%d.txt" % batch, plain.encode().hex(), "hex of ordinary text", scope)
    c.write("ops/captures_%d.txt" % batch, "\n".join(lines) + "\n")
    # JSON escapes: written with the escapes as they are, not decoded by json.dumps
    c.write("ops/captures_%d.json" % batch, '{"captured": [' + ", ".join('"%s"' % s for s in js["captured"]) + ']}\n')


def public_examples(c, batch, scope):
    """Published example values and placeholders: never findings."""
    jwt_io = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ" + \
        ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    text = ("# Auth examples\n\nThe jwt.io sample token: `%s`\n\nAWS documentation keys: `%s` / `%s`\n\n"
            "OPENAI_API_KEY=sk-your-key-here\n" % (jwt_io, ks.AWS_EXAMPLE_ID, ks.AWS_EXAMPLE_SECRET))
    c.write("docs/auth_examples_%d.md" % batch, text)
    for kind, value in (("jwt-io-example", jwt_io), ("aws-doc-example", ks.AWS_EXAMPLE_ID), ("aws-doc-example", ks.AWS_EXAMPLE_SECRET)):
        c.decoy(kind, "docs/auth_examples_%d.md" % batch, value, "published example", scope)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-class", type=int, default=8)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args(argv)
    outdir = os.path.abspath(a.outdir)
    if os.path.exists(outdir):
        if not a.force:
            sys.exit("%s exists (use --force)" % outdir)
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    c = Corpus(outdir, ks.Gen(a.seed * 7919 + 104729))
    c.git("init", "-q", "-b", "main")
    commits = []
    for batch in range(3):
        n = a.per_class
        binary_files(c, n, batch)
        header_files(c, n, batch, "history")
        declared_files(c, n, batch, "history")
        nearby_files(c, n, batch, "history")
        encoded_files(c, n, batch, "history")
        public_examples(c, batch, "history")
        c.git("add", "-A")
        c.git("commit", "-q", "-m", "lakehouse: batch %d" % batch, date=DATES[batch])
        head = c.git("rev-parse", "HEAD")
        commits.append(head)
        c.settle(head, "history")
    # The staged change: text classes only (score.py checks staged findings against added lines).
    n = max(1, a.per_class // 2)
    header_files(c, n, 9, "staged")
    declared_files(c, n, 9, "staged")
    nearby_files(c, n, 9, "staged")
    encoded_files(c, n, 9, "staged")
    c.git("add", "-A")
    c.settle(None, "staged")
    keys = []
    for i, k in enumerate(c.keys):
        keys.append(dict(k, id="k%04d" % (i + 1)))
    decoys = [dict(d, id="d%04d" % (i + 1)) for i, d in enumerate(c.decoys)]
    truth = {"generator": "benchmarks/accuracy/generate_hidden.py", "generator_version": GENERATOR_VERSION, "seed": a.seed,
             "per_kind": a.per_class, "head": commits[-1], "branches": {"main": commits[-1]}, "commits": commits,
             "staged": {}, "kinds": sorted({k["kind"] for k in keys}), "decoy_kinds": sorted({d["kind"] for d in decoys}),
             "keys": keys, "decoys": decoys}
    secrets = [k["secret"] for k in keys]
    assert len(set(secrets)) == len(secrets), "duplicate secrets"
    with open(outdir + ".truth.json", "w", encoding="utf-8") as fh:
        json.dump(truth, fh, indent=1, ensure_ascii=False)
    print("generated %s: %d keys (%d staged), %d decoys, %d commits" %
          (outdir, len(keys), sum(k["scope"] == "staged" for k in keys), len(decoys), len(commits)), file=sys.stderr)


if __name__ == "__main__":
    main()
