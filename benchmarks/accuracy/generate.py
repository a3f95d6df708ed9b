#!/usr/bin/env python3
"""Build the keyfence accuracy benchmark: a git repository with planted fake keys and decoys.

Usage: generate.py OUTDIR [--seed 1] [--per-kind 20] [--force]

OUTDIR becomes a git repository (main branch of 8 commits, a side branch of 2 commits that is
never merged, a tag, a staged-but-uncommitted change and some unstaged edits) holding source,
config and docs files of a made-up monorepo. Keys of every kind in the catalog (--per-kind of
each in history, about a tenth as many more in the staged change) sit in realistic places;
decoys (placeholders, example keys, hashes, bad checksums...) sit next to them.

OUTDIR.truth.json (next to OUTDIR, not inside it) lists every planted key (kind, path, 1-based
line of its first character, introducing commit, present at HEAD, staged-only, secret) and every
decoy. Same --seed and --per-kind: byte-identical truth file and identical commit ids.

python3 standard library and the git CLI only. No literal key is written in this file or in
keyshapes.py: every key is assembled at run time from parts.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keyshapes as ks  # noqa: E402
from keyshapes import ALNUM, B32, HEX, LALNUM, LETTERS, LOWER, UPPER, URLSAFE, DIGITS  # noqa: E402

GENERATOR_VERSION = 1
MAIN_COMMITS = 8          # main: commits 0..7
FORK = 4                  # the side branch starts at main commit 4
FEATURE_COMMITS = 2
FEATURE_BRANCH = "feature/llm-router"
LAST = MAIN_COMMITS - 1
BASE_TIME = 1709290800    # 2024-03-01 11:00:00 UTC
DAY = 86400

SAME, BEARER, NEXT, URLQ, RAW = "same", "bearer", "next", "url", "raw"

# ------------------------------------------------------------------------------------
# Records
# ------------------------------------------------------------------------------------


@dataclass
class Key:
    kind: str
    secret: str                  # exactly as it appears in the placement text ("\n" line breaks)
    also: list = field(default_factory=list)   # other strings a finding may report instead
    note: str = ""
    scope: str = "main"          # main | feature | staged | unstaged
    path: str = None
    line: int = None
    commit: str = None
    present_at_head: bool = False
    removed_in: str = None
    file_secret: str = None      # the secret as written (CRLF files)


@dataclass
class Decoy:
    kind: str
    text: str
    note: str = ""
    scope: str = "main"
    path: str = None
    line: int = None
    commit: str = None


@dataclass
class Placement:
    ftype: str
    text: str
    keys: list = field(default_factory=list)
    decoys: list = field(default_factory=list)
    group: str = ""              # placements of different groups never share a file
    nb_image: str = None         # ipynb: a base64 PNG shown as the cell's output
    scope: str = "main"


@dataclass
class Block:
    text: object                 # str, or a function of the main commit index (version bumps)
    keys: list = field(default_factory=list)
    decoys: list = field(default_factory=list)
    scope: str = "main"
    added: int = 0
    removed: int = None
    replacement: str = None
    replacement_decoys: list = field(default_factory=list)


@dataclass
class File:
    path: str
    ftype: str
    eol: str = "\n"
    mode: int = 0o644
    scope: str = "main"
    created: int = 0
    deleted_at: int = None
    blocks: list = field(default_factory=list)
    index_path: str = None       # staged rename
    index_deleted: bool = False  # staged deletion


# ------------------------------------------------------------------------------------
# Names and value templates
# ------------------------------------------------------------------------------------


def camel(snake):
    parts = snake.lower().split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def names(env, provider, host, cls):
    return {"ENV": env, "snake": env.lower(), "camel": camel(env), "dotted": env.lower().replace("_", "."),
            "provider": provider, "prov": provider.lower().replace(" ", ""), "host": host, "cls": cls}


# Templates per file type: (style, text). SAME keeps the variable name on the key's line (the
# only style for kinds that need context), BEARER and URLQ put the key in a header or a query
# string with no name, NEXT puts the name on the line before.
TPL = {
    "env": [(SAME, "%(ENV)s=%(v)s\n"), (SAME, '%(ENV)s="%(v)s"\n'), (SAME, "%(ENV)s='%(v)s'  # %(provider)s, rotate quarterly\n")],
    "py": [(SAME, '%(ENV)s = "%(v)s"\n'), (SAME, 'os.environ["%(ENV)s"] = "%(v)s"\n'),
           (SAME, 'os.environ.setdefault("%(ENV)s", "%(v)s")\n'),
           (SAME, '%(snake)s = os.getenv("%(ENV)s", "%(v)s")\n'),
           (SAME, 'client = %(cls)s(api_key="%(v)s", timeout=30)\n'),
           (SAME, '%(ENV)s = "%(v)s"  # 生产环境密钥，勿外传\n'),
           (SAME, "class Settings(BaseSettings): %(snake)s: str = '%(v)s'\n"),
           (BEARER, 'HEADERS = {"Authorization": "Bearer %(v)s", "Content-Type": "application/json"}\n'),
           (URLQ, 'resp = requests.get("https://%(host)s/v1/usage?api_key=%(v)s&days=7", timeout=10)\n')],
    "ts": [(SAME, 'const %(camel)s = "%(v)s";\n'), (SAME, "export const %(ENV)s = '%(v)s';\n"),
           (SAME, 'const %(camel)s = process.env.%(ENV)s ?? "%(v)s";\n'),
           (SAME, "export const config = { %(camel)s: '%(v)s', timeoutMs: 30_000 };\n"),
           (BEARER, "const res = await fetch(url, { headers: { Authorization: `Bearer %(v)s` } });\n"),
           (URLQ, "const endpoint = `https://%(host)s/v1/stream?token=%(v)s`;\n")],
    "js": [(SAME, 'const %(camel)s = "%(v)s";\n'), (SAME, "module.exports.%(camel)s = '%(v)s';\n"),
           (SAME, "  %(camel)s: '%(v)s',\n"),
           (BEARER, "axios.defaults.headers.common['Authorization'] = 'Bearer %(v)s';\n")],
    "go": [(SAME, 'const %(camel)s = "%(v)s"\n'), (SAME, '\tos.Setenv("%(ENV)s", "%(v)s")\n'),
           (SAME, '\t%(camel)s := envOr("%(ENV)s", "%(v)s")\n'),
           (BEARER, '\treq.Header.Set("Authorization", "Bearer %(v)s")\n')],
    "java": [(SAME, '    private static final String %(ENV)s = "%(v)s";\n'),
             (SAME, '        props.setProperty("%(dotted)s", "%(v)s");\n'),
             (BEARER, '        conn.setRequestProperty("Authorization", "Bearer %(v)s");\n')],
    "k8s": [(SAME, '  %(ENV)s: "%(v)s"\n'), (SAME, "  %(ENV)s: %(v)s\n"),
            (NEXT, "  # %(provider)s credentials\n  %(prov)s-credentials: |\n    %(v)s\n")],
    "deploy": [(SAME, '            - {name: %(ENV)s, value: "%(v)s"}\n'),
               (NEXT, '            - name: %(ENV)s\n              value: "%(v)s"\n')],
    "compose": [(SAME, "      - %(ENV)s=%(v)s\n"), (SAME, '      %(ENV)s: "%(v)s"\n')],
    "gha": [(SAME, "      %(ENV)s: %(v)s\n"),
            (BEARER, '      - run: curl -fsS -H "Authorization: Bearer %(v)s" https://%(host)s/v1/deployments\n')],
    "yaml": [(SAME, "  %(snake)s: %(v)s\n"), (SAME, '  %(snake)s: "%(v)s"\n'),
             (NEXT, "%(prov)s:\n  api_key: %(v)s\n  timeout: 30\n")],
    "json": [(SAME, '  "%(camel)s": "%(v)s",\n'), (SAME, '  "%(ENV)s": "%(v)s",\n'),
             (BEARER, '  "command": "curl -H \\"Authorization: Bearer %(v)s\\" https://%(host)s/v1/models",\n')],
    "toml": [(SAME, '%(snake)s = "%(v)s"\n'), (NEXT, '[%(prov)s]\napi_key = "%(v)s"\n')],
    "ini": [(SAME, "%(snake)s = %(v)s\n"), (SAME, "%(snake)s=%(v)s\n")],
    "tf": [(SAME, '  %(snake)s = "%(v)s"\n'), (SAME, 'variable "%(snake)s" { default = "%(v)s" }\n')],
    "sh": [(SAME, 'export %(ENV)s="%(v)s"\n'), (SAME, "%(ENV)s=%(v)s ./bin/run-worker --once\n"),
           (SAME, "docker run --rm -e %(ENV)s=%(v)s acme/api:latest\n"),
           (BEARER, 'curl -fsS -H "Authorization: Bearer %(v)s" "https://%(host)s/v1/models"\n')],
    "md": [(SAME, "```bash\nexport %(ENV)s=%(v)s\n```\n"), (SAME, "Set `%(ENV)s` to `%(v)s` before running the demo.\n"),
           (URLQ, "Quick check: <https://%(host)s/v1/ping?key=%(v)s>\n")],
    "ps1": [(SAME, '$env:%(ENV)s = "%(v)s"\n'),
            (SAME, '[Environment]::SetEnvironmentVariable("%(ENV)s", "%(v)s", "User")\n')],
    "i18n": [(SAME, "%(ENV)s：%(v)s\n"), (SAME, "密钥「%(v)s」（%(ENV)s）\n"),
             (SAME, "- Schlüssel %(ENV)s:%(v)s… bitte nicht teilen\n"), (SAME, "clé %(ENV)s=«%(v)s»\n"),
             (SAME, "%(ENV)s 的值为%(v)s。\n")],
    "html": [(SAME, '<meta name="%(snake)s" content="%(v)s">\n'),
             (BEARER, "<script>window.__CFG__ = {auth: 'Bearer %(v)s'};</script>\n")],
    "minjs": [(SAME, '%(camel)s:"%(v)s",'), (SAME, '"%(ENV)s":"%(v)s",'), (BEARER, 'headers:{Authorization:"Bearer %(v)s"},')],
}
TPL["ipynb"] = [t for t in TPL["py"] if "HEADERS" not in t[1] and "BaseSettings" not in t[1]]

URL_TPL = {
    "env": [(SAME, "%(ENV)s=%(v)s\n"), (SAME, '%(ENV)s="%(v)s"\n')],
    "py": [(SAME, '%(ENV)s = "%(v)s"\n'), (RAW, '%(snake)s = os.environ.get("%(ENV)s") or "%(v)s"\n')],
    "ts": [(SAME, 'const %(camel)s = "%(v)s";\n')],
    "go": [(SAME, 'const %(camel)s = "%(v)s"\n')],
    "k8s": [(SAME, '  %(ENV)s: "%(v)s"\n')],
    "compose": [(SAME, "      - %(ENV)s=%(v)s\n")],
    "yaml": [(SAME, "  %(snake)s: %(v)s\n")],
    "json": [(SAME, '  "%(camel)s": "%(v)s",\n')],
    "toml": [(SAME, '%(snake)s = "%(v)s"\n')],
    "tf": [(SAME, '  %(snake)s = "%(v)s"\n')],
    "sh": [(SAME, 'export %(ENV)s="%(v)s"\n')],
    "md": [(SAME, "```bash\nexport %(ENV)s=%(v)s\n```\n")],
    "gha": [(SAME, "      %(ENV)s: %(v)s\n")],
    "i18n": [(SAME, "%(ENV)s：%(v)s\n")],
    "ps1": [(SAME, '$env:%(ENV)s = "%(v)s"\n')],
}

# Templates for two keys on one line.
PAIR_TPL = {
    "sh": "docker run --rm -e %(ENV1)s=%(v1)s -e %(ENV2)s=%(v2)s acme/agent:latest\n",
    "py": 'PROVIDER_KEYS = {"%(ENV1)s": "%(v1)s", "%(ENV2)s": "%(v2)s"}\n',
    "md": "Run `%(ENV1)s=%(v1)s %(ENV2)s=%(v2)s make eval` to reproduce the numbers.\n",
    "json": '  "env": {"%(ENV1)s": "%(v1)s", "%(ENV2)s": "%(v2)s"},\n',
    "ts": 'const keys = { %(camel1)s: "%(v1)s", %(camel2)s: "%(v2)s" };\n',
}

# ------------------------------------------------------------------------------------
# The catalog of true kinds
# ------------------------------------------------------------------------------------


def spec(make, envs, provider, host, cls=None, ctx=False, fam="value", extra=(), raw=()):
    return {"make": make, "envs": envs, "provider": provider, "host": host, "cls": cls or (provider.replace(" ", "") + "Client"),
            "ctx": ctx, "fam": fam, "extra": list(extra), "raw": list(raw)}


def _openai(prefix, a, b):
    def make(g):
        n = b if g.random() < 0.3 else a
        return "sk-" + prefix + g.tok(n, URLSAFE, ALNUM) + ks.OPENAI_MARK + g.tok(n, URLSAFE, ALNUM)
    return make


def _slack_bot(g):
    return "xo" + "xb-" + str(g.randint(10 ** 10, 10 ** 12)) + "-" + str(g.randint(10 ** 11, 10 ** 13)) + "-" + g.tok(24)


def _slack_user(g):
    return ("xo" + "xp-" + str(g.randint(10 ** 10, 10 ** 12)) + "-" + str(g.randint(10 ** 10, 10 ** 12)) + "-"
            + str(g.randint(10 ** 11, 10 ** 13)) + "-" + g.hexs(32))


def _slack_app(g):
    return "xa" + "pp-1-A" + g.tok(10, UPPER + DIGITS) + "-" + str(g.randint(10 ** 12, 10 ** 13)) + "-" + g.hexs(64)


def _slack_webhook(g):
    return ("https://hooks.slack.com/" + "services/T" + g.tok(g.randint(8, 10), UPPER + DIGITS) + "/B"
            + g.tok(g.randint(8, 10), UPPER + DIGITS) + "/" + g.tok(24))


def _discord_webhook(g):
    return "https://discord.com/api/" + "webhooks/" + str(g.randint(10 ** 17, 10 ** 19)) + "/" + g.tok(68, URLSAFE, ALNUM)


def _telegram(g):
    return str(g.randint(10 ** 8, 8 * 10 ** 9)) + ":AA" + g.tok(33, URLSAFE, ALNUM)


def _heroku(g):
    if g.random() < 0.75:
        return "HR" + "KU-AA" + g.tok(58, URLSAFE, ALNUM)
    return g.uuid4()


def _cloudflare(g):
    x = g.random()
    if x < 0.5:
        return g.tok(40, URLSAFE, ALNUM)
    if x < 0.75:
        return g.tok(37, HEX)
    return "v1.0-" + g.hexs(24) + "-" + g.hexs(146)


def _mailgun(g):
    if g.random() < 0.6:
        return "key-" + g.hexs(32)
    return g.hexs(32) + "-" + g.hexs(8) + "-" + g.hexs(8)


def _square(g):
    x = g.random()
    if x < 0.6:
        return "EA" + "AA" + g.tok(60, URLSAFE, ALNUM)
    if x < 0.85:
        return "sq0" + "csp-" + g.tok(43, URLSAFE, ALNUM)
    return "sq0" + "atp-" + g.tok(22, URLSAFE, ALNUM)


def _databricks(g):
    return "da" + "pi" + g.hexs(32) + ("-2" if g.random() < 0.2 else "")


def _circleci(g):
    if g.random() < 0.7:
        return "CCI" + "PAT_" + g.tok(22) + "_" + g.hexs(40)
    return g.hexs(40)


KINDS = {
    "openai-legacy": spec(lambda g: "sk-" + g.tok(20) + ks.OPENAI_MARK + g.tok(20), ["OPENAI_API_KEY"], "OpenAI", "api.openai.com", "OpenAI"),
    "openai-project": spec(_openai("proj-", 74, 58), ["OPENAI_API_KEY", "OPENAI_KEY"], "OpenAI", "api.openai.com", "OpenAI"),
    "openai-svcacct": spec(_openai("svcacct-", 74, 58), ["OPENAI_API_KEY", "OPENAI_SERVICE_KEY"], "OpenAI", "api.openai.com", "OpenAI"),
    "openai-admin": spec(_openai("admin-", 58, 58), ["OPENAI_ADMIN_KEY"], "OpenAI", "api.openai.com", "OpenAI"),
    "openai-none": spec(lambda g: "sk-" + "None-" + g.tok(48), ["OPENAI_API_KEY"], "OpenAI", "api.openai.com", "OpenAI"),
    "anthropic-api03": spec(lambda g: "sk-" + "ant-" + "api03-" + g.tok(93, URLSAFE, ALNUM) + "AA", ["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"],
                            "Anthropic", "api.anthropic.com", "Anthropic",
                            extra=[("sh", BEARER, 'curl https://api.anthropic.com/v1/messages -H "x-api-key: %(v)s" -H "anthropic-version: 2023-06-01"\n'),
                                   ("py", BEARER, 'headers = {"x-api-key": "%(v)s", "anthropic-version": "2023-06-01"}\n')]),
    "anthropic-admin01": spec(lambda g: "sk-" + "ant-" + "admin01-" + g.tok(93, URLSAFE, ALNUM) + "AA", ["ANTHROPIC_ADMIN_KEY"],
                              "Anthropic", "api.anthropic.com", "Anthropic"),
    "openrouter": spec(lambda g: "sk-" + "or-v1-" + g.hexs(64), ["OPENROUTER_API_KEY"], "OpenRouter", "openrouter.ai/api"),
    "deepseek": spec(lambda g: "sk-" + g.hexs(32), ["DEEPSEEK_API_KEY", "DEEPSEEK_KEY"], "DeepSeek", "api.deepseek.com", "DeepSeekClient", ctx=True,
                     extra=[("py", SAME, 'client = OpenAI(api_key="%(v)s", base_url="https://api.deepseek.com")\n'),
                            ("ts", SAME, 'const ds = new OpenAI({ apiKey: "%(v)s", baseURL: "https://api.deepseek.com" });\n')]),
    "groq": spec(lambda g: "gs" + "k_" + g.tok(52), ["GROQ_API_KEY"], "Groq", "api.groq.com/openai", "Groq"),
    "xai": spec(lambda g: "xa" + "i-" + g.tok(80), ["XAI_API_KEY", "GROK_API_KEY"], "xAI", "api.x.ai"),
    "perplexity": spec(lambda g: "pp" + "lx-" + g.tok(48), ["PERPLEXITY_API_KEY", "PPLX_API_KEY"], "Perplexity", "api.perplexity.ai"),
    "huggingface": spec(lambda g: "hf" + "_" + g.tok(34, LETTERS), ["HF_TOKEN", "HUGGINGFACEHUB_API_TOKEN"], "HuggingFace", "huggingface.co/api", "InferenceClient"),
    "huggingface-org": spec(lambda g: "api" + "_org_" + g.tok(34, LETTERS), ["HF_ORG_TOKEN"], "HuggingFace", "huggingface.co/api", "InferenceClient"),
    "replicate": spec(lambda g: "r8" + "_" + g.tok(37), ["REPLICATE_API_TOKEN"], "Replicate", "api.replicate.com"),
    "together": spec(lambda g: "tgp" + "_v1_" + g.tok(43, URLSAFE, ALNUM), ["TOGETHER_API_KEY"], "Together", "api.together.xyz", "Together"),
    "cerebras": spec(lambda g: "cs" + "k-" + g.tok(48, LALNUM), ["CEREBRAS_API_KEY"], "Cerebras", "api.cerebras.ai", "Cerebras"),
    "nvidia": spec(lambda g: "nv" + "api-" + g.tok(64, URLSAFE, ALNUM), ["NVIDIA_API_KEY", "NGC_API_KEY"], "NVIDIA", "integrate.api.nvidia.com"),
    "langsmith": spec(lambda g: "lsv2" + "_" + g.choice(["pt", "sk"]) + "_" + g.hexs(32) + "_" + g.hexs(10),
                      ["LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"], "LangSmith", "api.smith.langchain.com"),
    "pinecone": spec(lambda g: "pc" + "sk_" + g.tok(g.randint(5, 6)) + "_" + g.tok(63), ["PINECONE_API_KEY"], "Pinecone", "api.pinecone.io", "Pinecone"),
    "google-api-key": spec(lambda g: "AI" + "zaSy" + g.tok(33, URLSAFE, ALNUM), ["GOOGLE_API_KEY", "GEMINI_API_KEY", "FIREBASE_API_KEY"],
                           "Google", "generativelanguage.googleapis.com",
                           extra=[("html", URLQ, '<script src="https://maps.googleapis.com/maps/api/js?key=%(v)s&libraries=places"></script>\n'),
                                  ("py", URLQ, 'URL = "https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-flash:generateContent?key=%(v)s"\n'),
                                  ("json", SAME, '  "apiKey": "%(v)s",\n'),
                                  ("json", SAME, '  "current_key": "%(v)s",\n'),
                                  ("minjs", SAME, 'firebaseConfig={apiKey:"%(v)s",authDomain:"acme-prod.firebaseapp.com"},')]),
    "cohere": spec(lambda g: g.tok(40), ["COHERE_API_KEY"], "Cohere", "api.cohere.com", "cohere.ClientV2", ctx=True),
    "mistral": spec(lambda g: g.tok(32), ["MISTRAL_API_KEY"], "Mistral", "api.mistral.ai", "Mistral", ctx=True),
    "elevenlabs": spec(lambda g: "sk" + "_" + g.hexs(48), ["ELEVENLABS_API_KEY"], "ElevenLabs", "api.elevenlabs.io", "ElevenLabs", ctx=True),
    "azure-ad-client-secret": spec(ks.azure_ad_secret, ["AZURE_CLIENT_SECRET", "AAD_CLIENT_SECRET"], "Azure", "login.microsoftonline.com",
                                   "ClientSecretCredential", ctx=True),
    "digitalocean": spec(lambda g: "do" + "p_v1_" + g.hexs(64), ["DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN"], "DigitalOcean", "api.digitalocean.com"),
    "heroku": spec(_heroku, ["HEROKU_API_KEY"], "Heroku", "api.heroku.com", "HerokuClient", ctx=True),
    "cloudflare": spec(_cloudflare, ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CF_API_TOKEN_CLOUDFLARE"], "Cloudflare", "api.cloudflare.com/client/v4",
                       "Cloudflare", ctx=True),
    "databricks": spec(_databricks, ["DATABRICKS_TOKEN"], "Databricks", "acme-prod.cloud.databricks.com/api/2.0"),
    "github-ghp": spec(lambda g: ks.crc_token(g, "gh" + "p"), ["GITHUB_TOKEN", "GH_TOKEN"], "GitHub", "api.github.com",
                       raw=[("sh", RAW, "git clone https://%(v)s@github.com/acme/infra.git\n")]),
    "github-gho": spec(lambda g: ks.crc_token(g, "gh" + "o"), ["GITHUB_OAUTH_TOKEN"], "GitHub", "api.github.com"),
    "github-ghu": spec(lambda g: ks.crc_token(g, "gh" + "u"), ["GITHUB_USER_TOKEN"], "GitHub", "api.github.com"),
    "github-ghs": spec(lambda g: ks.crc_token(g, "gh" + "s"), ["GITHUB_APP_TOKEN", "GH_INSTALLATION_TOKEN"], "GitHub", "api.github.com"),
    "github-ghr": spec(lambda g: ks.crc_token(g, "gh" + "r"), ["GITHUB_REFRESH_TOKEN"], "GitHub", "api.github.com"),
    "github-fine-grained": spec(lambda g: "github" + "_pat_" + "11" + g.tok(20, UPPER + DIGITS) + "_" + g.tok(59),
                                ["GITHUB_TOKEN", "GH_PAT"], "GitHub", "api.github.com"),
    "gitlab": spec(None, ["GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN"], "GitLab", "gitlab.com/api/v4",
                   extra=[("sh", BEARER, 'curl --header "PRIVATE-TOKEN: %(v)s" "https://gitlab.com/api/v4/projects"\n')]),
    "bitbucket": spec(lambda g: "AT" + "BB" + g.tok(32), ["BITBUCKET_APP_PASSWORD"], "Bitbucket", "api.bitbucket.org/2.0"),
    "circleci": spec(_circleci, ["CIRCLECI_TOKEN", "CIRCLE_TOKEN"], "CircleCI", "circleci.com/api/v2", ctx=True),
    "dockerhub": spec(lambda g: "dckr" + "_pat_" + g.tok(27, URLSAFE, ALNUM), ["DOCKERHUB_TOKEN", "DOCKER_PASSWORD"], "DockerHub", "hub.docker.com",
                      extra=[("sh", RAW, "echo '%(v)s' | docker login -u acmebot --password-stdin\n"),
                             ("gha", RAW, "      - run: docker login -u acmebot -p %(v)s\n")]),
    "npm": spec(lambda g: ks.crc_token(g, "np" + "m"), ["NPM_TOKEN", "NODE_AUTH_TOKEN"], "npm", "registry.npmjs.org",
                extra=[("npmrc", RAW, "//registry.npmjs.org/:_authToken=%(v)s\n"),
                       ("npmrc", RAW, "//npm.pkg.github.com/:_authToken=%(v)s\n")]),
    "pypi": spec(ks.pypi_token, ["PYPI_API_TOKEN", "TWINE_PASSWORD"], "PyPI", "upload.pypi.org",
                 extra=[("pypirc", SAME, "[pypi]\nusername = __token__\npassword = %(v)s\n"),
                        ("sh", RAW, "twine upload -u __token__ -p %(v)s dist/*\n")]),
    "rubygems": spec(lambda g: "ruby" + "gems_" + g.hexs(48), ["GEM_HOST_API_KEY", "RUBYGEMS_API_KEY"], "RubyGems", "rubygems.org",
                     extra=[("gemcred", SAME, ":rubygems_api_key: %(v)s\n")]),
    "nuget": spec(lambda g: "oy" + "2" + g.tok(43, LALNUM), ["NUGET_API_KEY"], "NuGet", "api.nuget.org",
                  extra=[("nuget", SAME, '      <add key="ClearTextPassword" value="%(v)s" />\n'),
                         ("sh", RAW, "dotnet nuget push bin/Release/*.nupkg -k %(v)s -s https://api.nuget.org/v3/index.json\n")]),
    "crates-io": spec(lambda g: "ci" + "o" + g.tok(32), ["CARGO_REGISTRY_TOKEN"], "crates.io", "crates.io/api/v1",
                      extra=[("cargo", SAME, '[registry]\ntoken = "%(v)s"\n'), ("sh", RAW, "cargo publish --token %(v)s\n")]),
    "slack-bot": spec(_slack_bot, ["SLACK_BOT_TOKEN"], "Slack", "slack.com/api", "WebClient"),
    "slack-user": spec(_slack_user, ["SLACK_USER_TOKEN"], "Slack", "slack.com/api", "WebClient"),
    "slack-app": spec(_slack_app, ["SLACK_APP_TOKEN"], "Slack", "slack.com/api", "SocketModeClient"),
    "slack-webhook": spec(_slack_webhook, ["SLACK_WEBHOOK_URL"], "Slack", "hooks.slack.com", fam="url",
                          raw=[("py", RAW, 'requests.post("%(v)s", json={"text": message}, timeout=5)\n'),
                               ("sh", RAW, "curl -X POST -H 'Content-type: application/json' --data '{\"text\":\"deploy done\"}' %(v)s\n"),
                               ("ts", RAW, 'await fetch("%(v)s", { method: "POST", body: JSON.stringify({ text }) });\n')]),
    "discord-bot": spec(ks.discord_bot, ["DISCORD_BOT_TOKEN", "DISCORD_TOKEN"], "Discord", "discord.com/api", "DiscordClient",
                        extra=[("py", BEARER, 'bot.run("%(v)s")\n'), ("js", BEARER, "client.login('%(v)s');\n")]),
    "discord-webhook": spec(_discord_webhook, ["DISCORD_WEBHOOK_URL"], "Discord", "discord.com", fam="url",
                            raw=[("py", RAW, 'requests.post("%(v)s", json={"content": msg})\n'),
                                 ("sh", RAW, "curl -H 'Content-Type: application/json' -d '{\"content\":\"build failed\"}' %(v)s\n")]),
    "telegram": spec(_telegram, ["TELEGRAM_BOT_TOKEN"], "Telegram", "api.telegram.org", "TelegramClient",
                     extra=[("py", URLQ, 'API = "https://api.telegram.org/bot%(v)s/sendMessage"\n'),
                            ("sh", URLQ, 'curl -s "https://api.telegram.org/bot%(v)s/getUpdates"\n')]),
    "twilio-api-key": spec(lambda g: "S" + "K" + g.hexs(32), ["TWILIO_API_KEY"], "Twilio", "api.twilio.com", "TwilioClient", ctx=True),
    "twilio-auth-token": spec(lambda g: g.hexs(32), ["TWILIO_AUTH_TOKEN"], "Twilio", "api.twilio.com", "TwilioClient", ctx=True),
    "sendgrid": spec(lambda g: "S" + "G." + g.tok(22, URLSAFE, ALNUM) + "." + g.tok(43, URLSAFE, ALNUM), ["SENDGRID_API_KEY"],
                     "SendGrid", "api.sendgrid.com", "SendGridAPIClient"),
    "mailgun": spec(_mailgun, ["MAILGUN_API_KEY"], "Mailgun", "api.mailgun.net/v3", "MailgunClient", ctx=True),
    "mailchimp": spec(lambda g: g.hexs(32) + "-us" + str(g.randint(1, 21)), ["MAILCHIMP_API_KEY"], "Mailchimp",
                      "us6.api.mailchimp.com/3.0", "MailchimpMarketing", ctx=True),
    "stripe-sk-live": spec(lambda g: ks.stripe(g, "sk" + "_live_"), ["STRIPE_SECRET_KEY", "STRIPE_API_KEY"], "Stripe", "api.stripe.com", "StripeClient"),
    "stripe-rk-live": spec(lambda g: ks.stripe(g, "rk" + "_live_"), ["STRIPE_RESTRICTED_KEY"], "Stripe", "api.stripe.com", "StripeClient"),
    "stripe-sk-test": spec(lambda g: ks.stripe(g, "sk" + "_test_"), ["STRIPE_SECRET_KEY", "STRIPE_TEST_KEY"], "Stripe", "api.stripe.com", "StripeClient"),
    "square": spec(_square, ["SQUARE_ACCESS_TOKEN", "SQUARE_APPLICATION_SECRET"], "Square", "connect.squareup.com/v2"),
    "shopify": spec(lambda g: "sh" + g.choice(["pat", "pss", "pca", "ppa"]) + "_" + g.hexs(32), ["SHOPIFY_ACCESS_TOKEN", "SHOPIFY_API_SECRET"],
                    "Shopify", "acme-store.myshopify.com/admin/api/2024-01"),
    "braintree": spec(lambda g: "access_token" + "$production$" + g.tok(16, LALNUM) + "$" + g.hexs(32), ["BRAINTREE_ACCESS_TOKEN"],
                      "Braintree", "api.braintreegateway.com", "braintree.BraintreeGateway"),
    "jwt": spec(ks.jwt, ["SERVICE_JWT", "AUTH_TOKEN", "API_JWT"], "Internal", "api.acme.io",
                extra=[("md", BEARER, "```http\nGET /v1/me HTTP/1.1\nHost: api.acme.io\nAuthorization: Bearer %(v)s\n```\n")]),
    "generic-api-key": spec(lambda g: g.tok(g.choice([32, 36, 40])), ["API_KEY", "SERVICE_API_KEY", "PARTNER_API_KEY", "INTERNAL_API_KEY"],
                            "Partner", "partner-api.acme.io", "PartnerClient", ctx=True),
}

# kinds assembled by their own placement functions (pairs, files, URLs with a password)
SPECIAL_KINDS = ["aws-access-key-id", "aws-secret-access-key", "aws-temporary-access-key-id", "aws-session-token",
                 "gcp-service-account-json", "azure-storage-key", "alibaba-access-key-id", "alibaba-access-key-secret",
                 "private-key-rsa", "private-key-ec", "private-key-openssh", "private-key-pkcs8", "private-key-encrypted",
                 "putty-private-key", "pgp-private-key", "postgres-url", "mysql-url", "mongodb-url", "redis-url", "amqp-url",
                 "basic-auth-url", "generic-password"]

DECOY_KINDS = ["placeholder-x", "placeholder-text", "repeated-chars", "sequential-chars", "aws-example-key", "truncated-key",
               "bad-checksum", "stripe-publishable", "hash-hex", "uuid", "git-object-id", "base64-image", "integrity-hash",
               "hex32-no-context", "base64-40-no-aws", "public-key-or-cert", "pem-placeholder"]


# ------------------------------------------------------------------------------------
# Placement builders
# ------------------------------------------------------------------------------------


class Builder:
    def __init__(self, g):
        self.g = g

    # simple kinds ------------------------------------------------------------------
    def make_simple(self, kind):
        s = KINDS[kind]
        if kind == "gitlab":
            v, note = ks.gitlab(self.g)
        else:
            v, note = s["make"](self.g), ""
        return Key(kind, v, note=note)

    def simple_candidates(self, kind):
        s = KINDS[kind]
        table = URL_TPL if s["fam"] == "url" else TPL
        allowed = {SAME} if s["ctx"] else {SAME, BEARER, NEXT, URLQ, RAW}
        cands = {}
        for ft, tpls in table.items():
            for st, t in tpls:
                if st in allowed:
                    cands.setdefault(ft, []).append(t)
        for ft, st, t in s["extra"] + s["raw"]:
            if st in allowed or st == RAW and not s["ctx"]:
                cands.setdefault(ft, []).append(t)
        if kind == "heroku" or kind == "cloudflare" or kind == "mailgun":
            cands.pop("minjs", None)
        return cands

    def place_simple(self, key, ftype=None):
        s = KINDS[key.kind]
        cands = self.simple_candidates(key.kind)
        ft = ftype if ftype in cands else self.g.choice(sorted(cands))
        t = self.g.choice(cands[ft])
        env = self.g.choice(s["envs"])
        d = names(env, s["provider"], s["host"], s["cls"])
        d["v"] = key.secret
        if ft == "minjs":
            t = t.replace("\n", "")
        return Placement(ft, t % d, keys=[key])

    def place_pair(self, k1, k2):
        ft = self.g.choice(sorted(PAIR_TPL))
        s1, s2 = KINDS[k1.kind], KINDS[k2.kind]
        e1, e2 = self.g.choice(s1["envs"]), self.g.choice(s2["envs"])
        if e1 == e2:
            e2 = e2 + "_2"
        d = {"ENV1": e1, "ENV2": e2, "camel1": camel(e1), "camel2": camel(e2), "v1": k1.secret, "v2": k2.secret}
        k1.note = (k1.note + " two-on-a-line").strip()
        k2.note = (k2.note + " two-on-a-line").strip()
        return Placement(ft, PAIR_TPL[ft] % d, keys=[k1, k2])

    # special kinds ------------------------------------------------------------------
    def aws_id(self, prefix="AKIA"):
        return prefix[:2] + prefix[2:] + self.g.tok(16, B32)

    def aws_secret(self):
        while True:
            s = self.g.tok(40, ALNUM + "/+", ALNUM)
            if "/" in s or "+" in s:
                return s

    def place_aws_pair(self):
        g = self.g
        kid, sec = self.aws_id("AK" + "IA"), self.aws_secret()
        keys = [Key("aws-access-key-id", kid), Key("aws-secret-access-key", sec)]
        form = g.choice(["awscred", "env", "py", "py1", "json", "yaml", "tf", "sh", "ts", "md", "gha"])
        if form == "awscred":
            profile = g.choice(["default", "prod", "ci", "deploy", "backup"])
            return Placement("awscred", "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = us-east-1\n\n" % (profile, kid, sec), keys)
        if form == "env":
            return Placement("env", "AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\nAWS_DEFAULT_REGION=eu-west-1\n" % (kid, sec), keys)
        if form == "py":
            return Placement("py", 's3 = boto3.client("s3", aws_access_key_id="%s", aws_secret_access_key="%s")\n' % (kid, sec), keys)
        if form == "py1":
            return Placement("py", 'AWS_ACCESS_KEY_ID = "%s"\nAWS_SECRET_ACCESS_KEY = "%s"\n' % (kid, sec), keys)
        if form == "json":
            return Placement("json", '  "aws": {"accessKeyId": "%s", "secretAccessKey": "%s", "region": "us-west-2"},\n' % (kid, sec), keys)
        if form == "yaml":
            return Placement("yaml", "aws:\n  access_key_id: %s\n  secret_access_key: %s\n" % (kid, sec), keys)
        if form == "tf":
            keys[1].note = "terraform secret_key"
            return Placement("tf", 'provider "aws" {\n  region     = "us-east-1"\n  access_key = "%s"\n  secret_key = "%s"\n}\n' % (kid, sec), keys)
        if form == "sh":
            return Placement("sh", "export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s\n" % (kid, sec), keys)
        if form == "ts":
            return Placement("ts", "const s3 = new S3Client({ credentials: { accessKeyId: '%s', secretAccessKey: '%s' } });\n" % (kid, sec), keys)
        if form == "gha":
            return Placement("gha", "      AWS_ACCESS_KEY_ID: %s\n      AWS_SECRET_ACCESS_KEY: %s\n" % (kid, sec), keys)
        return Placement("md", "```ini\n[default]\naws_access_key_id=%s\naws_secret_access_key=%s\n```\n" % (kid, sec), keys)

    def place_aws_session(self):
        g = self.g
        kid, sec, tok = self.aws_id("AS" + "IA"), self.aws_secret(), ks.aws_session_token(g)
        keys = [Key("aws-temporary-access-key-id", kid), Key("aws-secret-access-key", sec, note="with session token"),
                Key("aws-session-token", tok)]
        form = g.choice(["json", "awscred", "env", "sh"])
        if form == "json":
            return Placement("json", '  "Credentials": {\n    "AccessKeyId": "%s",\n    "SecretAccessKey": "%s",\n    "SessionToken": "%s",\n'
                             '    "Expiration": "2024-03-0%dT1%d:00:00+00:00"\n  },\n' % (kid, sec, tok, g.randint(1, 9), g.randint(0, 9)), keys)
        if form == "awscred":
            return Placement("awscred", "[sso-session]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n\n" % (kid, sec, tok), keys)
        if form == "env":
            return Placement("env", "AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\nAWS_SESSION_TOKEN=%s\n" % (kid, sec, tok), keys)
        return Placement("sh", 'export AWS_ACCESS_KEY_ID="%s"\nexport AWS_SECRET_ACCESS_KEY="%s"\nexport AWS_SESSION_TOKEN="%s"\n' % (kid, sec, tok), keys)

    def place_alibaba(self):
        g = self.g
        kid, sec = "LT" + "AI" + g.tok(20), g.tok(30)
        keys = [Key("alibaba-access-key-id", kid), Key("alibaba-access-key-secret", sec)]
        form = g.choice(["env", "py", "yaml", "json"])
        if form == "env":
            return Placement("env", "ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n" % (kid, sec), keys)
        if form == "py":
            return Placement("py", 'client = AcsClient(ak="%s", secret="%s", region_id="cn-hangzhou")  # alibaba cloud\n'
                             % (kid, sec), keys)
        if form == "yaml":
            return Placement("yaml", "aliyun:\n  access_key_id: %s\n  aliyun_access_key_secret: %s\n" % (kid, sec), keys)
        return Placement("json", '  "alibabaCloud": {"accessKeyId": "%s", "alibabaAccessKeySecret": "%s"},\n' % (kid, sec), keys)

    def place_gcp(self):
        g = self.g
        pk = ks.pkcs8(g)
        while "\n-----END" not in pk or len(pk) < 500:
            pk = ks.pkcs8(g)
        proj = g.choice(["acme-prod", "acme-data", "acme-ml", "acme-staging"]) + "-" + str(g.randint(100000, 999999))
        kid = g.hexs(40)
        sa = {"type": "service_account", "project_id": proj, "private_key_id": kid, "private_key": pk + "\n",
              "client_email": g.choice(["deployer", "etl", "vertex-runner", "backup"]) + "@" + proj + ".iam.gserviceaccount.com",
              "client_id": str(g.randint(10 ** 20, 10 ** 21)), "auth_uri": "https://accounts.google.com/o/oauth2/auth",
              "token_uri": "https://oauth2.googleapis.com/token",
              "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
              "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + proj,
              "universe_domain": "googleapis.com"}
        escaped = json.dumps(pk)[1:-1]
        key = Key("gcp-service-account-json", escaped, also=[kid])
        form = g.choice(["file", "file", "file", "env", "k8s"])
        if form == "file":
            return Placement("gcpjson", json.dumps(sa, indent=2) + "\n", [key])
        compact = json.dumps(sa, separators=(",", ":"))
        key.note = "single-line JSON"
        if form == "env":
            return Placement("env", "GOOGLE_CREDENTIALS_JSON='%s'\n" % compact, [key])
        return Placement("k8s", "  service-account.json: '%s'\n" % compact, [key])

    def place_azure_storage(self):
        g = self.g
        key = ks.azure_storage_key(g)
        acct = g.choice(["acmeprod", "acmelogs", "acmebackup", "acmeml"]) + "store" + str(g.randint(1, 99))
        conn = "DefaultEndpointsProtocol=https;AccountName=%s;AccountKey=%s;EndpointSuffix=core.windows.net" % (acct, key)
        k = Key("azure-storage-key", key, also=[conn])
        form = g.choice(["env-conn", "json-conn", "py-conn", "env-key", "tf", "yaml-conn", "ps1"])
        if form == "env-conn":
            return Placement("env", 'AZURE_STORAGE_CONNECTION_STRING="%s"\n' % conn, [k])
        if form == "json-conn":
            return Placement("json", '  "ConnectionStrings": {"Storage": "%s"},\n' % conn, [k])
        if form == "py-conn":
            return Placement("py", 'blob = BlobServiceClient.from_connection_string("%s")\n' % conn, [k])
        if form == "env-key":
            return Placement("env", "AZURE_STORAGE_ACCOUNT=%s\nAZURE_STORAGE_KEY=%s\n" % (acct, key), [k])
        if form == "tf":
            return Placement("tf", '  storage_account_name = "%s"\n  access_key           = "%s"\n' % (acct, key), [k])
        if form == "yaml-conn":
            return Placement("yaml", "  storage_connection_string: %s\n" % conn, [k])
        return Placement("ps1", '$ctx = New-AzStorageContext -StorageAccountName "%s" -StorageAccountKey "%s"\n' % (acct, key), [k])

    def place_pem(self, kind):
        g = self.g
        body = {"private-key-rsa": ks.rsa_pkcs1, "private-key-ec": ks.ec_key, "private-key-openssh": ks.openssh_key,
                "private-key-pkcs8": ks.pkcs8, "private-key-encrypted": ks.encrypted_key}[kind](g)
        form = g.choice(["file", "file", "file", "py", "yaml", "json", "env", "tf", "md"])
        if form == "file":
            return Placement("pem", body + "\n", [Key(kind, body)])
        if form == "py":
            return Placement("py", 'SIGNING_KEY = """%s\n"""\n' % body, [Key(kind, body, note="python triple-quoted")])
        if form == "yaml":
            ind = body.replace("\n", "\n    ")
            return Placement("k8s", "  tls.key: |\n    %s\n" % ind, [Key(kind, ind, note="yaml block scalar")])
        if form == "json":
            esc = json.dumps(body)[1:-1]
            return Placement("json", '  "privateKey": "%s\\n",\n' % esc, [Key(kind, esc, note="JSON-escaped")])
        if form == "env":
            esc = body.replace("\n", "\\n")
            return Placement("env", 'JWT_PRIVATE_KEY="%s"\n' % esc, [Key(kind, esc, note="escaped newlines")])
        if form == "tf":
            return Placement("tf", 'resource "tls_locally_signed_cert" "api" {\n  ca_private_key_pem = <<EOT\n%s\nEOT\n}\n' % body,
                             [Key(kind, body, note="terraform heredoc")])
        return Placement("md", "The staging bastion key (do not share):\n\n```\n%s\n```\n" % body, [Key(kind, body)])

    def place_file_key(self, kind):
        if kind == "putty-private-key":
            body = ks.putty_key(self.g)
            return Placement("ppk", body + "\n", [Key(kind, body)])
        body = ks.pgp_key(self.g)
        if self.g.random() < 0.25:
            return Placement("md", "Release signing key (backup):\n\n```\n%s\n```\n" % body, [Key(kind, body)])
        return Placement("asc", body + "\n", [Key(kind, body)])

    def place_db_url(self, kind):
        g = self.g
        pw = ks.url_password(g)
        user = g.choice(["app", "svc_api", "etl", "admin", "reporting", "worker"])
        host = g.choice(["db.internal.acme.io", "10.0.3.12", "postgres", "prod-db.c7xk2.eu-west-1.rds.amazonaws.com", "db"])
        if kind == "postgres-url":
            url = "%s://%s:%s@%s:5432/%s" % (g.choice(["postgres", "postgresql"]), user, pw, host, g.choice(["app", "acme", "analytics"]))
            env = "DATABASE_URL"
        elif kind == "mysql-url":
            url = "mysql://%s:%s@%s:3306/%s" % (user, pw, host.replace("postgres", "mysql"), g.choice(["shop", "wordpress", "acme"]))
            env = "MYSQL_URL"
        elif kind == "mongodb-url":
            url = "mongodb+srv://%s:%s@cluster0.%s.mongodb.net/%s?retryWrites=true&w=majority" % (user, pw, g.tok(5, LALNUM), g.choice(["app", "events"]))
            env = "MONGODB_URI"
        elif kind == "redis-url":
            url = g.choice(["redis://:%s@%s:6379/0", "rediss://default:%s@%s:6380"]) % (pw, g.choice(["redis", "cache.internal.acme.io"]))
            env = "REDIS_URL"
        elif kind == "amqp-url":
            url = "amqp://%s:%s@%s:5672/%s" % (user, pw, g.choice(["rabbitmq", "mq.internal.acme.io"]), g.choice(["", "prod", "celery"]))
            env = "CELERY_BROKER_URL"
        else:  # basic-auth-url
            url = g.choice(["https://deploy:%s@registry.acme.io/v2/", "https://ci-bot:%s@git.acme.io/platform/infra.git",
                            "https://reader:%s@pypi.acme.io/simple/", "https://admin:%s@grafana.acme.io/api/dashboards"]) % pw
            env = g.choice(["REGISTRY_URL", "GIT_REMOTE", "PIP_EXTRA_INDEX_URL", "GRAFANA_URL"])
        key = Key(kind, pw, also=[url])
        d = names(env, "db", "", "")
        d["v"] = url
        raw = []
        if kind in ("postgres-url", "mysql-url"):
            raw = [("py", 'engine = create_engine("%(v)s", pool_pre_ping=True)\n'), ("ini", "sqlalchemy.url = %(v)s\n"),
                   ("go", '\tdb, err := sql.Open("pgx", "%(v)s")\n'), ("sh", 'psql "%(v)s" -c "select 1"\n')]
        elif kind == "basic-auth-url":
            raw = [("sh", "git remote add upstream %(v)s\n"), ("sh", "pip install --extra-index-url %(v)s acme-internal\n"),
                   ("md", "Mirror: %(v)s\n")]
        elif kind == "mongodb-url":
            raw = [("ts", 'await mongoose.connect("%(v)s");\n')]
        elif kind == "redis-url":
            raw = [("py", 'r = redis.Redis.from_url("%(v)s")\n')]
        cands = [(ft, t) for ft, tpls in URL_TPL.items() for st, t in tpls] + raw
        ft, t = g.choice(cands)
        return Placement(ft, t % d, [key])

    def place_password(self):
        g = self.g
        pw = ks.password(g)
        name = g.choice(["password", "db_password", "admin_password", "smtp_password", "redis_password", "ldap_bind_password"])
        forms = [("yaml", "  %s: %s\n" % (name, pw)), ("yaml", '  %s: "%s"\n' % (name, pw)),
                 ("env", "%s=%s\n" % (name.upper(), pw)), ("py", '%s = "%s"\n' % (name.upper(), pw)),
                 ("json", '  "%s": "%s",\n' % (camel(name), pw)), ("ini", "%s = %s\n" % (name, pw)),
                 ("toml", '%s = "%s"\n' % (name, pw)), ("compose", "      - %s=%s\n" % (name.upper(), pw)),
                 ("java", '        props.setProperty("spring.datasource.password", "%s");\n' % pw),
                 ("tf", '  %s = "%s"\n' % (name, pw)), ("sh", "mysql -u root --password='%s' -e 'show databases'\n" % pw),
                 ("k8s", '  %s: "%s"\n' % (name.upper(), pw))]
        ft, text = g.choice(forms)
        return Placement(ft, text, [Key("generic-password", pw)])

    def special(self, kind):
        if kind == "aws-access-key-id":
            return self.place_aws_pair()
        if kind == "aws-session-token":
            return self.place_aws_session()
        if kind == "alibaba-access-key-id":
            return self.place_alibaba()
        if kind == "gcp-service-account-json":
            return self.place_gcp()
        if kind == "azure-storage-key":
            return self.place_azure_storage()
        if kind.startswith("private-key-"):
            return self.place_pem(kind)
        if kind in ("putty-private-key", "pgp-private-key"):
            return self.place_file_key(kind)
        if kind.endswith("-url"):
            return self.place_db_url(kind)
        if kind == "generic-password":
            return self.place_password()
        raise KeyError(kind)

    # decoys ------------------------------------------------------------------------
    def decoy(self, kind):
        g = self.g
        D = lambda ft, text, *texts, group="": Placement(ft, text, decoys=[Decoy(kind, t) for t in (texts or [text.strip()])], group=group)  # noqa: E731
        if kind == "placeholder-x":
            c = g.choice([
                ("env", "OPENAI_API_KEY=sk-" + "x" * 48 + "\n", "sk-" + "x" * 48),
                ("py", 'ANTHROPIC_API_KEY = "sk-ant-api03-' + "x" * 93 + 'AA"\n', "sk-ant-api03-" + "x" * 93 + "AA"),
                ("yaml", "  github_token: ghp_" + "X" * 36 + "\n", "ghp_" + "X" * 36),
                ("md", "`AWS_ACCESS_KEY_ID=AKIA" + "X" * 16 + "`\n", "AKIA" + "X" * 16),
                ("ts", 'const key = "sk-proj-' + "X" * 74 + ks.OPENAI_MARK + "X" * 74 + '";\n', "sk-proj-" + "X" * 74 + ks.OPENAI_MARK + "X" * 74),
                ("env", "STRIPE_SECRET_KEY=sk_live_" + "x" * 24 + "\n", "sk_live_" + "x" * 24),
                ("sh", "export SLACK_BOT_TOKEN=xoxb-" + "x" * 12 + "-" + "x" * 12 + "-" + "x" * 24 + "\n", "xoxb-" + "x" * 12 + "-" + "x" * 12 + "-" + "x" * 24),
                ("json", '  "groqApiKey": "gsk_' + "x" * 52 + '",\n', "gsk_" + "x" * 52),
            ])
            return D(c[0], c[1], c[2])
        if kind == "placeholder-text":
            c = g.choice([
                ("env", "OPENAI_API_KEY=your-api-key-here\n", "your-api-key-here"),
                ("yaml", '  api_key: "<OPENAI_API_KEY>"\n', "<OPENAI_API_KEY>"),
                ("env", "ANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}\n", "${ANTHROPIC_API_KEY}"),
                ("gha", "      OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n", "${{ secrets.OPENAI_API_KEY }}"),
                ("k8s", '  STRIPE_SECRET_KEY: "{{ .Values.stripe.secretKey }}"\n', "{{ .Values.stripe.secretKey }}"),
                ("py", 'api_key = os.environ["OPENAI_API_KEY"]\n', 'os.environ["OPENAI_API_KEY"]'),
                ("ts", "  apiKey: process.env.ANTHROPIC_API_KEY,\n", "process.env.ANTHROPIC_API_KEY"),
                ("yaml", "  password: changeme\n", "changeme"),
                ("env", "DB_PASSWORD=<password>\n", "<password>"),
                ("toml", 'token = "REPLACE_WITH_YOUR_TOKEN"\n', "REPLACE_WITH_YOUR_TOKEN"),
                ("awscred", "[template]\naws_access_key_id = <YOUR_ACCESS_KEY_ID>\naws_secret_access_key = <YOUR_SECRET_ACCESS_KEY>\n\n", "<YOUR_SECRET_ACCESS_KEY>"),
                ("json", '  "apiKey": "YOUR_API_KEY",\n', "YOUR_API_KEY"),
                ("compose", "      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:?set it in .env}\n", "${POSTGRES_PASSWORD:?set it in .env}"),
                ("md", "Set `GITHUB_TOKEN` to a token with `repo` scope (`export GITHUB_TOKEN=<token>`).\n", "<token>"),
                ("go", '\tapiKey := os.Getenv("DEEPSEEK_API_KEY") // deepseek key comes from the environment\n', 'os.Getenv("DEEPSEEK_API_KEY")'),
            ])
            return D(c[0], c[1], c[2])
        if kind == "repeated-chars":
            c = g.choice([
                ("py", "sk-proj-" + "a" * 74 + ks.OPENAI_MARK + "a" * 74),
                ("env", "AKIA" + "A" * 16), ("json", "AIza" + "0" * 35), ("yaml", "sk-ant-api03-" + "a" * 93 + "AA"),
                ("sh", "dop_v1_" + "0" * 64), ("ts", "xoxb-" + "0" * 12 + "-" + "0" * 12 + "-" + "a" * 24),
                ("env", "sk-or-v1-" + "f" * 64), ("md", "hf_" + "A" * 34), ("py", "pplx-" + "a" * 48),
            ])
            ft, v = c
            line = {"py": 'MOCK_KEY = "%s"\n', "env": "MOCK_KEY=%s\n", "json": '  "mockKey": "%s",\n', "yaml": "  mock_key: %s\n",
                    "sh": "MOCK_TOKEN=%s\n", "ts": 'const mockToken = "%s";\n', "md": "Tokens look like `%s`.\n"}[ft] % v
            return D(ft, line, v)
        if kind == "sequential-chars":
            c = g.choice([
                ("py", 'API_KEY = "' + ks.seq(32) + '"\n', ks.seq(32)),
                ("ts", 'const key = "sk-proj-' + ks.seq(74) + ks.OPENAI_MARK + ks.seq(74, 5) + '";\n', "sk-proj-" + ks.seq(74) + ks.OPENAI_MARK + ks.seq(74, 5)),
                ("env", "AWS_ACCESS_KEY_ID=AKIA" + "ABCDEFGHIJKLMNOP" + "\n", "AKIA" + "ABCDEFGHIJKLMNOP"),
                ("minjs", 'var B64="' + ks.SEQ[26:52] + ks.SEQ[:26] + ks.SEQ[52:] + '+/";', ks.SEQ[26:52] + ks.SEQ[:26] + ks.SEQ[52:] + "+/"),
                ("json", '  "token": "' + ks.seq(40, 0, "0123456789abcdef") + '",\n', ks.seq(40, 0, "0123456789abcdef")),
                ("yaml", "  secret_key: " + ks.seq(36) + "\n", ks.seq(36)),
                ("sh", "export GROQ_API_KEY=gsk_" + ks.seq(52) + "\n", "gsk_" + ks.seq(52)),
            ])
            return D(c[0], c[1], c[2])
        if kind == "aws-example-key":
            a, b = g.choice([(ks.AWS_EXAMPLE_ID, ks.AWS_EXAMPLE_SECRET), (ks.AWS_EXAMPLE_ID2, ks.AWS_EXAMPLE_SECRET2)])
            c = g.choice([
                ("awscred", "[docs-example]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n" % (a, b)),
                ("md", "```\nAWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n```\n" % (a, b)),
                ("py", 'boto3.client("s3", aws_access_key_id="%s", aws_secret_access_key="%s")  # docs\n' % (a, b)),
                ("env", "AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n" % (a, b)),
            ])
            return D(c[0], c[1], a, b)
        if kind == "truncated-key":
            c = g.choice([
                ("md", "sk-proj-" + g.tok(20, URLSAFE, ALNUM)), ("md", "ghp_" + g.tok(16)), ("py", "sk-ant-api03-" + g.tok(30, URLSAFE, ALNUM)),
                ("env", "AIza" + g.tok(20)), ("yaml", "glpat-" + g.tok(10)), ("md", "npm_" + g.tok(12)),
                ("json", "xoxb-" + str(g.randint(10 ** 10, 10 ** 11)) + "-" + g.tok(8)), ("ts", "AKIA" + g.tok(8, B32)),
                ("sh", "sk_live_" + g.tok(10)), ("py", "gsk_" + g.tok(20)),
            ])
            ft, v = c
            line = {"md": "Keys look like `%s…` (truncated in the logs).\n", "py": 'PREFIX_CHECK = "%s"  # truncated in logs\n',
                    "env": "# old value started with %s...\n", "yaml": "  token_hint: %s...\n", "json": '  "tokenHint": "%s...",\n',
                    "ts": "// saw %s... in the audit log\n", "sh": "# rotated: %s...\n"}[ft] % v
            return D(ft, line, v)
        if kind == "bad-checksum":
            p = g.choice(["gh" + "p", "gh" + "o", "gh" + "s", "np" + "m", "gh" + "u"])
            v = ks.crc_token_bad(g, p)
            assert not ks.crc_ok(v)
            env = {"ghp": "GITHUB_TOKEN", "gho": "GITHUB_OAUTH_TOKEN", "ghs": "GH_INSTALLATION_TOKEN", "npm": "NPM_TOKEN",
                   "ghu": "GITHUB_USER_TOKEN"}[p]
            ft = g.choice(["env", "py", "yaml", "sh", "npmrc" if p == "npm" else "json"])
            line = {"env": "%s=%s\n", "py": '%s = "%s"\n', "yaml": "  %s: %s\n", "sh": "export %s=%s\n",
                    "json": '  "%s": "%s",\n', "npmrc": "# %s\n//registry.npmjs.org/:_authToken=%s\n"}[ft] % (env, v)
            return D(ft, line, v)
        if kind == "stripe-publishable":
            v = g.choice(["pk" + "_live_", "pk" + "_test_"]) + "51" + g.tok(97)
            c = g.choice([("env", "STRIPE_PUBLISHABLE_KEY=%s\n"), ("ts", "const stripe = await loadStripe('%s');\n"),
                          ("html", "<script>Stripe('%s')</script>\n"), ("minjs", 'Stripe("%s");')])
            return D(c[0], c[1] % v, v)
        if kind == "hash-hex":
            h = g.choice([ks.md5, ks.sha1, ks.sha256])(g)
            c = g.choice([("sh", 'echo "%s  terraform_1.7.4_linux_amd64.zip" | sha256sum -c -\n'),
                          ("json", '  "md5": "%s",\n'), ("k8s", "  checksum/config: %s\n"), ("py", 'EXPECTED_DIGEST = "%s"\n'),
                          ("md", "Checksum of the release tarball: `%s`.\n"), ("yaml", "  sha256: %s\n")])
            return D(c[0], c[1] % h, h)
        if kind == "uuid":
            u = g.uuid4()
            c = g.choice([("json", '  "requestId": "%s",\n'), ("env", "AZURE_TENANT_ID=%s\n"), ("env", "AZURE_CLIENT_ID=%s\n"),
                          ("k8s", "  uid: %s\n"), ("tf", '  subscription_id = "%s"\n'), ("py", 'PROJECT_ID = "%s"\n')])
            return D(c[0], c[1] % u, u)
        if kind == "git-object-id":
            o = g.hexs(40)
            c = g.choice([("gha", "      - uses: actions/checkout@%s # v4.1.1\n"), ("json", '  "gitHead": "%s",\n'),
                          ("toml", 'acme-proto = { git = "https://github.com/acme/proto", rev = "%s" }\n'),
                          ("sh", "git checkout %s\n"), ("md", "Fixed in %s.\n")])
            return D(c[0], c[1] % o, o)
        if kind == "base64-image":
            p = ks.png_b64(g)
            c = g.choice(["md", "html", "json", "ipynb", "minjs"])
            if c == "ipynb":
                return Placement("ipynb", "plt.plot(history['loss'])\nplt.show()\n", decoys=[Decoy(kind, p)], nb_image=p)
            line = {"md": "![diagram](data:image/png;base64,%s)\n", "html": '<img alt="logo" src="data:image/png;base64,%s">\n',
                    "json": '  "icon": "data:image/png;base64,%s",\n', "minjs": 'icon:"data:image/png;base64,%s",'}[c] % p
            return D(c, line, p)
        if kind == "integrity-hash":
            c = g.choice(["pkglock", "yarnlock", "html"])
            if c == "html":
                v = ks.integrity(g, "sha384")
                return D("html", '<script src="https://cdn.jsdelivr.net/npm/chart.js@4.4.1" integrity="%s" crossorigin="anonymous"></script>\n' % v, v)
            return self.lockfile(c)
        if kind == "hex32-no-context":
            h = g.hexs(32)
            c = g.choice([("json", '  "buildId": "%s",\n'), ("env", "CACHE_BUST=%s\n"), ("py", 'TRACE_ID = "%s"\n'),
                          ("yaml", "  etag: %s\n"), ("ts", "const chunkHash = '%s';\n")])
            return D(c[0], c[1] % h, h, group="noctx")
        if kind == "base64-40-no-aws":
            v = g.b64(30)
            c = g.choice([("json", '  "contentHash": "%s",\n'), ("yaml", "  digest: %s\n"), ("py", 'NONCE_SEED = "%s"\n'),
                          ("ts", "const etag = '%s';\n"), ("toml", 'fingerprint = "%s"\n')])
            return D(c[0], c[1] % v, v, group="noctx")
        if kind == "public-key-or-cert":
            v = ks.public_pem(g)
            c = g.choice(["pem", "md", "k8s"])
            if c == "pem":
                return D("pem", v + "\n", v)
            if c == "md":
                return D("md", "Verify webhook signatures with:\n\n```\n%s\n```\n" % v, v)
            ind = v.replace("\n", "\n    ")
            return D("k8s", "  tls.crt: |\n    %s\n" % ind, ind)
        if kind == "pem-placeholder":
            label = g.choice(["RSA ", "", "OPENSSH ", "EC "]) + ks.PRIV
            v = (ks.DASH5 + ks.BEGIN + " " + label + ks.DASH5 + "\n" + g.choice(["...", "<your key here>", "MIIEpAIBAAKCAQEA...",
                                                                                   "(paste the key here)"]) + "\n" + ks.DASH5 + ks.END + " " + label + ks.DASH5)
            c = g.choice(["md", "py", "yaml"])
            if c == "md":
                return D("md", "The file must look like this:\n\n```\n%s\n```\n" % v, v)
            if c == "py":
                return D("py", 'KEY_TEMPLATE = """%s"""\n' % v, v)
            ind = v.replace("\n", "\n    ")
            return D("k8s", "  tls.key: |\n    %s\n" % ind, ind)
        raise KeyError(kind)

    def lockfile(self, which):
        g = self.g
        pkgs = g.sample(["react", "react-dom", "lodash", "axios", "zod", "chart.js", "dayjs", "uuid", "tslib", "semver", "ms",
                         "debug", "picocolors", "nanoid", "commander", "yaml", "undici", "ws", "express", "cookie"], 8)
        decoys, parts = [], []
        if which == "pkglock":
            parts.append('{\n  "name": "acme-functions",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n')
            for i, p in enumerate(pkgs):
                v = ks.integrity(g)
                decoys.append(Decoy("integrity-hash", v))
                ver = "%d.%d.%d" % (g.randint(1, 18), g.randint(0, 20), g.randint(0, 9))
                parts.append('    "node_modules/%s": {\n      "version": "%s",\n      "resolved": "https://registry.npmjs.org/%s/-/%s-%s.tgz",\n'
                             '      "integrity": "%s"\n    }%s\n' % (p, ver, p, p.split("/")[-1], ver, v, "," if i < len(pkgs) - 1 else ""))
            parts.append("  }\n}\n")
            return Placement("pkglock", "".join(parts), decoys=decoys)
        parts.append("# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n")
        for p in pkgs:
            v = ks.integrity(g)
            decoys.append(Decoy("integrity-hash", v))
            ver = "%d.%d.%d" % (g.randint(1, 18), g.randint(0, 20), g.randint(0, 9))
            parts.append('%s@^%s:\n  version "%s"\n  resolved "https://registry.yarnpkg.com/%s/-/%s-%s.tgz#%s"\n  integrity %s\n\n'
                         % (p, ver, ver, p, p, ver, ks.sha1(g), v))
        return Placement("yarnlock", "".join(parts), decoys=decoys)


# ------------------------------------------------------------------------------------
# File types: paths, filler, capacity
# ------------------------------------------------------------------------------------

SVCS = ["api", "worker", "billing", "notifier", "gateway", "ingest", "search", "scheduler"]
NAMES = ["settings", "config", "clients", "llm", "billing", "notifications", "storage", "auth", "tasks", "deploy", "bootstrap",
         "providers", "embeddings", "sync", "webhooks", "migrate", "ingest", "reports", "metrics", "search", "cache", "mailer",
         "payments", "secrets", "integrations", "backfill", "export", "admin"]
ENVS = ["dev", "staging", "prod", "qa", "eu", "us"]

PATHS = {
    "py": ["services/%(svc)s/app/%(name)s.py", "scripts/%(name)s.py", "ml/pipelines/%(name)s.py", "libs/acme_common/acme_common/%(name)s.py",
           "tests/integration/test_%(name)s.py", "tools/%(name)s.py"],
    "ts": ["web/src/lib/%(name)s.ts", "web/src/server/%(name)s.ts", "packages/sdk/src/%(name)s.ts", "web/src/app/api/%(name)s/route.ts"],
    "js": ["web/scripts/%(name)s.js", "functions/src/%(name)s.js", "extension/src/%(name)s.js", "web/config/%(name)s.config.js"],
    "go": ["cmd/%(svc)s/main.go", "internal/%(name)s/client.go", "pkg/%(name)s/%(name)s.go"],
    "java": ["android/app/src/main/java/com/acme/app/%(Name)sConfig.java", "backend/src/main/java/com/acme/backend/%(Name)sService.java"],
    "env": [".env", ".env.%(env)s", "services/%(svc)s/.env", "services/%(svc)s/.env.%(env)s", "web/.env.local", "web/.env.%(env)s",
            "deploy/%(env)s.env", "docker/.env.%(svc)s"],
    "k8s": ["deploy/k8s/%(svc)s-secret.yaml", "deploy/k8s/%(env)s/%(svc)s-secrets.yaml", "deploy/helm/acme/values-%(env)s.yaml"],
    "deploy": ["deploy/k8s/%(svc)s-deployment.yaml", "deploy/k8s/%(env)s/%(svc)s-deployment.yaml"],
    "compose": ["docker-compose.yml", "docker-compose.%(env)s.yml", "services/%(svc)s/docker-compose.yml", "deploy/compose/%(svc)s.yml"],
    "gha": [".github/workflows/%(name)s.yml", ".github/workflows/%(svc)s-%(env)s.yml"],
    "yaml": ["config/%(name)s.yaml", "services/%(svc)s/config/%(env)s.yaml", "ml/configs/%(name)s.yml"],
    "json": ["config/%(name)s.json", "services/%(svc)s/appsettings.%(Env)s.json", "web/src/config/%(name)s.json", "ml/configs/%(name)s.json"],
    "toml": ["config/%(name)s.toml", "services/%(svc)s/settings.toml", "ml/%(name)s.toml"],
    "ini": ["config/%(name)s.ini", "services/%(svc)s/%(name)s.cfg", "deploy/%(env)s/%(name)s.conf"],
    "tf": ["infra/terraform/%(name)s.tf", "infra/terraform/envs/%(env)s/main.tf", "infra/terraform/envs/%(env)s/%(name)s.tf"],
    "sh": ["scripts/%(name)s.sh", "deploy/%(name)s.sh", "services/%(svc)s/bin/%(name)s.sh"],
    "md": ["docs/%(name)s.md", "services/%(svc)s/README.md", "docs/runbooks/%(name)s.md", "docs/adr/00%(n)s-%(name)s.md"],
    "ps1": ["scripts/windows/%(name)s.ps1", "deploy/windows/%(env)s-%(name)s.ps1"],
    "i18n": ["docs/zh-CN/快速开始-%(name)s.md", "docs/ja/設定-%(name)s.md", "docs/de/Einführung-%(name)s.md", "docs/fr/démarrage-%(name)s.md"],
    "html": ["web/public/%(name)s.html", "extension/%(name)s.html"],
    "minjs": ["web/public/assets/vendor.%(hex)s.min.js"],
    "npmrc": [".npmrc", "web/.npmrc", "packages/%(name)s/.npmrc", "functions/.npmrc"],
    "pypirc": ["ops/pypi/%(name)s.pypirc", ".pypirc"],
    "gemcred": ["ops/gem/%(name)s-credentials", ".gem/credentials"],
    "nuget": ["nuget.config", "dotnet/%(Name)s/NuGet.Config"],
    "cargo": [".cargo/credentials.toml", "rust/%(name)s/.cargo/credentials.toml"],
    "awscred": ["ops/aws/credentials", "deploy/aws/%(env)s.credentials", ".aws/credentials", "services/%(svc)s/.aws/credentials"],
    "pem": ["keys/%(name)s.pem", "deploy/ssh/id_%(name)s", "certs/%(env)s/%(name)s.key", "ops/%(name)s_rsa"],
    "ppk": ["keys/%(name)s.ppk", "ops/putty/%(env)s-%(name)s.ppk"],
    "asc": ["keys/%(name)s-secret.asc", "ops/gpg/%(name)s.key.asc"],
    "gcpjson": ["secrets/%(proj)s-%(hex)s.json", "infra/gcp/%(name)s-sa.json"],
    "ipynb": ["notebooks/%(name)s.ipynb", "ml/notebooks/%(n)s-%(name)s.ipynb"],
    "yarnlock": ["web/yarn.lock", "packages/%(name)s/yarn.lock", "extension/yarn.lock"],
    "pkglock": ["functions/package-lock.json", "packages/%(name)s/package-lock.json", "web/package-lock.json"],
}
SINGLE = {"pem", "ppk", "asc", "gcpjson", "yarnlock", "pkglock"}
CAP = {"npmrc": (1, 3), "pypirc": (1, 2), "gemcred": (1, 2), "nuget": (1, 3), "cargo": (1, 2), "awscred": (1, 4), "ipynb": (2, 5),
       "html": (2, 5), "minjs": (10 ** 6, 10 ** 6)}
CRLF_TYPES = {"env", "ini", "md", "yaml", "json", "py"}


def comment_prefix(ft):
    return {"py": "# ", "sh": "# ", "env": "# ", "yaml": "# ", "k8s": "# ", "deploy": "# ", "compose": "# ", "gha": "# ", "toml": "# ",
            "ini": "; ", "tf": "# ", "ps1": "# ", "ts": "// ", "js": "// ", "go": "// ", "java": "    // ", "npmrc": "; ",
            "pypirc": "# ", "gemcred": "# ", "cargo": "# ", "awscred": "# "}.get(ft, "")


SENTENCES = [
    "Retry with exponential backoff when the upstream answers 429", "Tenant settings are loaded once at startup",
    "Keep batches small so one failure does not block the queue", "Cache entries expire after one hour",
    "Normalize the payload before hashing it", "TODO: move this into the shared client", "Only used by the nightly backfill job",
    "Drop events older than the retention window", "See the runbook for the on-call procedure",
    "Streaming responses are buffered line by line", "Fall back to the secondary model when the primary one is overloaded",
    "Values below are overridden per environment", "Timeouts are in seconds unless the name says otherwise",
    "The worker pool size follows the number of cores", "Embeddings are computed in chunks of 512 tokens",
    "Webhook deliveries are signed and retried three times", "Old invoices are archived to cold storage every Sunday",
    "This module must stay import-safe: no network calls at import time", "Metrics are flushed every ten seconds",
    "Feature flags are read from the config service", "Pagination uses opaque cursors, never offsets",
    "Reports are generated in UTC", "Rate limits are per tenant, not per user", "Uploads larger than 25 MB go through the multipart API",
]


class Filler:
    def __init__(self, g):
        self.g = g

    def sentence(self, n=None):
        """One comment-like sentence; n > 12 asks for a short paragraph."""
        k = 1 if not n or n <= 12 else 1 + n // 10
        return ". ".join(self.g.choice(SENTENCES) for _ in range(k))

    def ident(self):
        return self.g.choice(["load", "fetch", "sync", "build", "refresh", "parse", "send", "rotate", "flush"]) + "_" + self.g.choice(
            ["orders", "invoices", "embeddings", "prompts", "users", "events", "metrics", "reports", "chunks", "tenants"])

    def header(self, ft, path):
        g = self.g
        base = os.path.basename(path)
        if ft == "py":
            return '"""%s."""\n\nimport logging\nimport os\n\nimport requests\n\nlogger = logging.getLogger(__name__)\n__version__ = "%d.%d.0"\n\n' % (
                self.sentence(), g.randint(0, 3), g.randint(0, 20))
        if ft in ("ts", "js"):
            return "// %s\nimport { z } from 'zod';\n\nconst TIMEOUT_MS = %d;\n\n" % (self.sentence(), g.randint(1, 60) * 1000)
        if ft == "go":
            return "package main\n\nimport (\n\t\"net/http\"\n\t\"os\"\n\t\"time\"\n)\n\n// %s\nvar httpTimeout = %d * time.Second\n\n" % (
                self.sentence(), g.randint(5, 60))
        if ft == "java":
            return "package com.acme;\n\nimport java.util.Properties;\n\npublic final class %s {\n" % base.split(".")[0]
        if ft == "env":
            return "# %s\nNODE_ENV=production\nLOG_LEVEL=info\nPORT=%d\n" % (self.sentence(), g.choice([3000, 8000, 8080]))
        if ft == "k8s":
            return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\nstringData:\n" % (
                base.split(".")[0], g.choice(ENVS))
        if ft == "deploy":
            return ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: %d\n  template:\n    spec:\n"
                    "      containers:\n        - name: app\n          image: ghcr.io/acme/%s:1.%d.0\n          env:\n"
                    % (base.split(".")[0], g.randint(1, 5), g.choice(SVCS), g.randint(0, 30)))
        if ft == "compose":
            return "services:\n  %s:\n    image: acme/%s:latest\n    restart: unless-stopped\n    environment:\n" % (g.choice(SVCS), g.choice(SVCS))
        if ft == "gha":
            return ("name: %s\non:\n  push:\n    branches: [main]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n"
                    "      NODE_VERSION: '20'\n" % base.split(".")[0])
        if ft == "yaml":
            return "# %s\nservice:\n  name: %s\n  replicas: %d\nsettings:\n" % (self.sentence(), g.choice(SVCS), g.randint(1, 4))
        if ft == "json":
            return '{\n  "name": "%s",\n  "version": "1.%d.0",\n' % (base.split(".")[0], g.randint(0, 40))
        if ft == "toml":
            return "# %s\n[service]\nname = \"%s\"\nworkers = %d\n\n[credentials]\n" % (self.sentence(), g.choice(SVCS), g.randint(1, 8))
        if ft == "ini":
            return "; %s\n[server]\nhost = 0.0.0.0\nport = %d\n\n[auth]\n" % (self.sentence(), g.choice([8000, 8443, 9000]))
        if ft == "tf":
            return 'terraform {\n  required_version = ">= 1.5"\n}\n\nlocals {\n  env = "%s"\n}\n\n' % g.choice(ENVS)
        if ft == "sh":
            return "#!/usr/bin/env bash\n# %s\nset -euo pipefail\n\ncd \"$(dirname \"$0\")/..\"\n\n" % self.sentence()
        if ft == "md":
            return "# %s\n\n%s.\n\n" % (base.split(".")[0].replace("-", " ").title(), self.sentence(20))
        if ft == "ps1":
            return "# %s\n$ErrorActionPreference = \"Stop\"\nSet-Location $PSScriptRoot\n\n" % self.sentence()
        if ft == "i18n":
            lang = {"zh-CN": 0, "ja": 1, "de": 2, "fr": 3}[path.split("/")[1]]
            return (["# 快速开始\n\n本文档介绍如何在本地运行服务，以及如何配置密钥。\n\n",
                             "# セットアップ\n\nこのドキュメントでは、ローカル環境での設定方法を説明します。\n\n",
                             "# Einführung\n\nDiese Anleitung erklärt die Konfiguration der Schlüssel für die lokale Entwicklung.\n\n",
                             "# Démarrage rapide\n\nCe guide explique comment configurer les clés d’accès en local.\n\n"])[lang]
        if ft == "html":
            return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Acme</title>\n"
        if ft == "npmrc":
            return "registry=https://registry.npmjs.org/\n@acme:registry=https://npm.pkg.github.com/\n"
        if ft == "nuget":
            return ('<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources>\n'
                    '    <add key="acme" value="https://nuget.acme.io/v3/index.json" />\n  </packageSources>\n  <packageSourceCredentials>\n    <acme>\n'
                    '      <add key="Username" value="ci" />\n')
        if ft == "cargo":
            return "# cargo credentials\n"
        if ft in ("pypirc", "gemcred", "awscred"):
            return ""
        return ""

    def footer(self, ft):
        return {"java": "}\n", "json": '  "enabled": true\n}\n', "html": "</head>\n<body></body>\n</html>\n",
                "nuget": "    </acme>\n  </packageSourceCredentials>\n</configuration>\n"}.get(ft, "")

    def between(self, ft, path=""):
        g = self.g
        r = g.randint(0, 5)
        s = self.sentence()
        if ft == "py":
            f = self.ident()
            return g.choice([
                "\n\ndef %s(session, limit=%d):\n    \"\"\"%s.\"\"\"\n    rows = session.query(limit=limit)\n    logger.info(\"%s: %%d rows\", len(rows))\n    return rows\n\n" % (f, g.randint(10, 500), s, f),
                "%s_TIMEOUT = %d\nMAX_%s = %d\n" % (f.upper(), g.randint(1, 120), f.split("_")[1].upper(), g.randint(2, 64)),
                "# %s\n" % s, "\n", "class %sError(RuntimeError):\n    pass\n\n" % f.title().replace("_", ""),
                "for attempt in range(%d):\n    try:\n        break\n    except requests.Timeout:\n        logger.warning(\"retry %%d\", attempt)\n" % g.randint(2, 6),
            ])
        if ft in ("ts", "js"):
            f = camel(self.ident())
            return g.choice(["\nexport async function %s(id: string) {\n  // %s\n  return fetch(`/api/%s/${id}`).then((r) => r.json());\n}\n\n" % (f, s, f) if ft == "ts" else
                             "\nasync function %s(id) {\n  // %s\n  return fetch(`/api/%s/${id}`).then((r) => r.json());\n}\n\n" % (f, s, f),
                             "// %s\n" % s, "const %sLimit = %d;\n" % (f, g.randint(1, 100)), "\n"])
        if ft == "go":
            f = camel(self.ident())
            return g.choice(["\nfunc %s(c *http.Client) error {\n\t// %s\n\t_, err := c.Get(os.Getenv(\"UPSTREAM_URL\"))\n\treturn err\n}\n\n" % (f, s),
                             "// %s\n" % s, "\n"])
        if ft == "java":
            return g.choice(["    // %s\n" % s, "    private static final int RETRIES = %d;\n" % g.randint(1, 9), "\n"])
        if ft == "env":
            return g.choice(["# %s\n" % s, "FEATURE_%s=%s\n" % (self.ident().upper(), g.choice(["true", "false"])),
                             "WORKERS=%d\n" % g.randint(1, 16), "\n"])
        if ft == "k8s":
            return g.choice(["  LOG_LEVEL: \"%s\"\n" % g.choice(["info", "debug", "warn"]), "  # %s\n" % s, "  REGION: \"%s\"\n" % g.choice(["eu-west-1", "us-east-1"])])
        if ft == "deploy":
            return g.choice(["            - name: LOG_LEVEL\n              value: \"info\"\n", "            # %s\n" % s,
                             "            - name: WORKERS\n              value: \"%d\"\n" % g.randint(1, 8)])
        if ft == "compose":
            return g.choice(["      - TZ=UTC\n", "      - LOG_LEVEL=%s\n" % g.choice(["info", "debug"]), "      # %s\n" % s])
        if ft == "gha":
            return g.choice(["      CI: 'true'\n", "      # %s\n" % s, "      FORCE_COLOR: '1'\n"])
        if ft == "yaml":
            return g.choice(["  timeout_seconds: %d\n" % g.randint(1, 120), "  # %s\n" % s, "  region: %s\n" % g.choice(["eu-west-1", "us-east-1"])])
        if ft == "json":
            return g.choice(['  "timeoutMs": %d,\n' % (g.randint(1, 60) * 1000), '  "region": "%s",\n' % g.choice(["eu-west-1", "us-east-1"]),
                             '  "retries": %d,\n' % g.randint(0, 5)])
        if ft == "toml":
            return g.choice(["# %s\n" % s, "timeout = %d\n" % g.randint(1, 60), "\n"])
        if ft == "ini":
            return g.choice(["; %s\n" % s, "timeout = %d\n" % g.randint(1, 60), "\n"])
        if ft == "tf":
            return g.choice(['\nresource "aws_s3_bucket" "%s" {\n  bucket = "acme-%s-${local.env}"\n}\n\n' % (self.ident(), self.ident().replace("_", "-")),
                             "# %s\n" % s, "\n"])
        if ft == "sh":
            return g.choice(['echo "==> %s"\n' % s.lower(), "# %s\n" % s, "sleep %d\n" % g.randint(1, 5), "\n"])
        if ft == "md":
            return g.choice(["%s.\n\n" % self.sentence(r + 10), "## %s\n\n" % self.sentence(3), "- %s\n" % s, "\n"])
        if ft == "ps1":
            return g.choice(["Write-Host \"%s\"\n" % s, "# %s\n" % s, "\n"])
        if ft == "i18n":
            lang = {"zh-CN": 0, "ja": 1, "de": 2, "fr": 3}[path.split("/")[1]]
            return g.choice([["请先安装依赖，然后运行服务。\n\n", "设置完成后，请重启服务。\n\n"],
                             ["設定ファイルを確認してください。\n\n", "変更後はサービスを再起動してください。\n\n"],
                             ["Bitte prüfen Sie die Umgebungsvariablen.\n\n", "Danach den Dienst neu starten.\n\n"],
                             ["Vérifiez les variables d’environnement avant de démarrer.\n\n", "Redémarrez ensuite le service.\n\n"]][lang] + ["\n"])
        if ft == "html":
            return g.choice(['<link rel="stylesheet" href="/assets/app.css">\n', "<!-- %s -->\n" % s])
        if ft in ("npmrc", "nuget", "cargo", "pypirc", "gemcred", "awscred"):
            return ""
        return ""

    def minjs_chunk(self, n):
        g = self.g
        out, size = [], 0
        while size < n:
            a, b, c = (g.choice("abcdefghijklmnopqrstuvwxyz") + g.choice("abcdefghijklmnopqrstuvwxyz0123456789_$") for _ in range(3))
            piece = g.choice([
                "function %s(%s,%s){return %s&&%s.length>%d?%s.slice(0,%d):%s}" % (a, b, c, b, b, g.randint(1, 99), b, g.randint(1, 99), c),
                "var %s=%s(\"%s\"),%s=%d;" % (a, b, self.ident(), c, g.randint(0, 99999)),
                "%s.prototype.%s=function(){this.%s=!0,this._%s=[]};" % (a.upper(), b, c, a),
                "if(!%s)throw new Error(\"%s\");" % (a, self.sentence(4)),
                "%s[%d]=%s.map(function(%s){return %s.id});" % (a, g.randint(0, 9), b, c, c),
            ])
            out.append(piece)
            size += len(piece)
        return "".join(out)


# ------------------------------------------------------------------------------------
# The repository model
# ------------------------------------------------------------------------------------

COMMIT_MESSAGES = [
    "Initial import of the acme monorepo", "Add LLM provider clients and settings", "Wire up notifications and webhooks",
    "Deploy manifests for staging", "CI workflows, package publishing", "Remove leaked credentials from config",
    "Billing service, payment providers", "Docs and onboarding notebooks",
]
FEATURE_MESSAGES = ["router: provider fallbacks (WIP)", "router: add keys for local testing"]


class Repo:
    def __init__(self, g, per_kind):
        self.g = g
        self.per_kind = per_kind
        self.b = Builder(g)
        self.fill = Filler(g)
        self.files = []
        self.used_paths = set()
        self.keys = []
        self.decoys = []
        self.commits = []   # dicts: id, branch, index, summary

    # ---- paths ------------------------------------------------------------------
    def new_path(self, ft):
        g = self.g
        for attempt in range(10000):
            pat = g.choice(PATHS[ft])
            name = g.choice(NAMES)
            d = {"svc": g.choice(SVCS), "name": name, "Name": name.title(), "env": g.choice(ENVS), "Env": g.choice(ENVS).title(),
                 "n": str(g.randint(1, 9)), "hex": g.hexs(8), "proj": g.choice(["acme-prod", "acme-data", "acme-ml"])}
            p = pat % d
            if attempt > 50:
                p = p.replace("/", "/%d-" % attempt, 1) if "/" in p else "%d-%s" % (attempt, p)
            if p not in self.used_paths and not any(p.startswith(u + "/") or u.startswith(p + "/") for u in self.used_paths):
                self.used_paths.add(p)
                return p
        raise RuntimeError("no free path for " + ft)

    # ---- plan -------------------------------------------------------------------
    def plan(self):
        g = self.g
        n = self.per_kind
        n_staged = max(1, n // 10)
        placements = {"main": [], "staged": []}
        for scope, count in (("main", n), ("staged", n_staged)):
            simple = []
            for kind in KINDS:
                for _ in range(count):
                    simple.append(self.b.make_simple(kind))
            g.shuffle(simple)
            i = 0
            while i < len(simple):
                k = simple[i]
                if (i + 1 < len(simple) and g.random() < 0.05 and KINDS[k.kind]["fam"] == "value"
                        and KINDS[simple[i + 1].kind]["fam"] == "value" and scope == "main"):
                    placements[scope].append(self.b.place_pair(k, simple[i + 1]))
                    i += 2
                    continue
                placements[scope].append(self.b.place_simple(k))
                i += 1
            for kind in ["aws-access-key-id", "aws-session-token", "alibaba-access-key-id", "gcp-service-account-json",
                         "azure-storage-key", "private-key-rsa", "private-key-ec", "private-key-openssh", "private-key-pkcs8",
                         "private-key-encrypted", "putty-private-key", "pgp-private-key", "postgres-url", "mysql-url",
                         "mongodb-url", "redis-url", "amqp-url", "basic-auth-url", "generic-password"]:
                for _ in range(count):
                    placements[scope].append(self.b.special(kind))
            for kind in DECOY_KINDS:
                for _ in range(count):
                    placements[scope].append(self.b.decoy(kind))
        # the side branch: about 6% of the history placements move there
        main = placements["main"]
        g.shuffle(main)
        n_feature = max(3, len(main) * 6 // 100)
        feature, main = main[:n_feature], main[n_feature:]
        # unstaged edits: a few simple keys and one decoy
        unstaged = [self.b.place_simple(self.b.make_simple(k)) for k in g.sample(sorted(KINDS), 6)]
        unstaged.append(self.b.decoy("placeholder-text"))
        for p in feature:
            p.scope = "feature"
        for p in placements["staged"]:
            p.scope = "staged"
        for p in unstaged:
            p.scope = "unstaged"
        self.layout_main(main)
        self.layout_feature(feature)
        self.layout_staged(placements["staged"])
        self.layout_unstaged(unstaged)
        for f in self.files:
            for b in f.blocks:
                for k in b.keys:
                    k.scope = b.scope
                    self.keys.append(k)
                for d in b.decoys + b.replacement_decoys:
                    d.scope = b.scope
                    self.decoys.append(d)

    def new_file(self, ft, scope, created):
        g = self.g
        path = self.new_path(ft)
        eol = "\r\n" if ft == "ps1" or (ft in CRLF_TYPES and g.random() < 0.08) else "\n"
        mode = 0o755 if ft == "sh" else 0o644
        f = File(path, ft, eol=eol, mode=mode, scope=scope, created=created)
        self.files.append(f)
        return f

    def fill_file(self, f, group, scope, idx_range):
        """Assemble f from its placements: header, filler between placements, footer."""
        g = self.g
        ft = f.ftype
        lo, hi = idx_range
        if ft in SINGLE:
            p = group[0]
            f.blocks.append(Block(p.text, list(p.keys), list(p.decoys), scope=scope, added=f.created))
            return
        if ft == "ipynb":
            text, keys, decoys = self.notebook(group)
            f.blocks.append(Block(text, keys, decoys, scope=scope, added=f.created))
            return
        if ft == "minjs":
            parts, keys, decoys = [], [], []
            chunk = max(2000, 300_000 // max(1, len(group)))
            parts.append("/*! acme vendor bundle | (c) Acme Inc. */!function(e,t){")
            for p in group:
                parts.append(self.fill.minjs_chunk(chunk))
                parts.append(p.text)
                keys += p.keys
                decoys += p.decoys
            parts.append(self.fill.minjs_chunk(chunk) + "}(window,document);\n")
            f.blocks.append(Block("".join(parts), keys, decoys, scope=scope, added=f.created))
            return
        header = self.fill.header(ft, f.path)
        if ft == "py" and scope == "main" and g.random() < 0.3:
            # a version line that changes in later commits: more blobs for the same keys
            bumps = sorted(g.sample(range(f.created + 1, MAIN_COMMITS + 1), min(2, MAIN_COMMITS - f.created)))
            head_lines = header.split("__version__")
            pre = head_lines[0]
            post = head_lines[1].split("\n", 1)[1]

            def ver(m, pre=pre, post=post, bumps=tuple(bumps)):
                return pre + '__version__ = "1.%d.0"\n' % sum(1 for b in bumps if b <= m) + post
            f.blocks.append(Block(ver, scope=scope, added=f.created))
        else:
            f.blocks.append(Block(header, scope=scope, added=f.created))
        cp = comment_prefix(ft)
        for p in group:
            f.blocks.append(Block(self.fill.between(ft, f.path), scope=scope, added=f.created))
            added = g.randint(lo, hi) if hi >= lo else lo
            blk = Block(p.text, list(p.keys), list(p.decoys), scope=scope, added=added)
            if scope == "main" and p.keys and added < LAST and g.random() < 0.12:
                blk.removed = g.randint(added + 1, LAST)
                rep = p.text
                reps = []
                for k in p.keys:
                    ph = "${%s}" % g.choice(["SECRET_FROM_VAULT", "API_KEY", "TOKEN", "CREDENTIALS"])
                    rep = rep.replace(k.secret, ph)
                    reps.append(Decoy("placeholder-text", ph, note="left after the key was removed"))
                blk.replacement = rep
                blk.replacement_decoys = reps
            f.blocks.append(blk)
            if cp and g.random() < 0.15:
                f.blocks.append(Block(cp + self.fill.sentence() + "\n", scope=scope, added=f.created))
        foot = self.fill.footer(ft)
        if foot:
            f.blocks.append(Block(foot, scope=scope, added=f.created))

    def notebook(self, group):
        """One notebook from several placements; secrets and decoys re-expressed as in the JSON."""
        g = self.g
        cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# %s\n" % self.fill.sentence(4), "\n", self.fill.sentence(14) + "."]}]
        keys, decoys = [], []
        count = 1
        for p in group:
            code = "import os\nimport requests\n\n" + p.text
            src = code.splitlines(keepends=True)
            if src and src[-1].endswith("\n"):
                src[-1] = src[-1][:-1]
            cell = {"cell_type": "code", "execution_count": count, "metadata": {}, "outputs": [], "source": src}
            if p.nb_image:
                cell["outputs"].append({"data": {"image/png": p.nb_image + "\n", "text/plain": ["<Figure size 640x480 with 1 Axes>"]},
                                        "metadata": {}, "output_type": "display_data"})
            else:
                cell["outputs"].append({"name": "stdout", "output_type": "stream", "text": ["ok\n"]})
            cells.append(cell)
            count += 1
            for k in p.keys:
                k.secret = json.dumps(k.secret, ensure_ascii=False)[1:-1]
                k.note = (k.note + " notebook").strip()
                keys.append(k)
            for d in p.decoys:
                d.text = json.dumps(d.text, ensure_ascii=False)[1:-1]
                decoys.append(d)
        nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                                           "language_info": {"name": "python", "version": "3.11.7"}},
              "nbformat": 4, "nbformat_minor": 5}
        return json.dumps(nb, indent=1, ensure_ascii=False) + "\n", keys, decoys

    def group_by_type(self, placements):
        groups = {}
        for p in placements:
            groups.setdefault((p.ftype, p.group), []).append(p)
        return groups

    def chunks(self, ft, items):
        g = self.g
        lo, hi = (1, 1) if ft in SINGLE else CAP.get(ft, (5, 12))
        i = 0
        while i < len(items):
            n = g.randint(lo, hi)
            yield items[i:i + n]
            i += n

    def layout_main(self, placements):
        g = self.g
        groups = self.group_by_type(placements)
        for (ft, _grp) in sorted(groups):
            for chunk in self.chunks(ft, groups[(ft, _grp)]):
                created = g.choice([0, 0, 0, 1, 1, 2, 3, 4, 5, 6]) if ft not in SINGLE else g.randint(0, LAST)
                f = self.new_file(ft, "main", created)
                self.fill_file(f, chunk, "main", (created, LAST))
        # a few files are deleted later (a committed .env, an old key file)
        cands = [f for f in self.files if f.created <= 3 and f.ftype in ("env", "pem", "sh", "json", "awscred")]
        for f in g.sample(cands, min(4, len(cands))):
            f.deleted_at = g.randint(f.created + 1, LAST)
            for b in f.blocks:   # everything in it reaches at least one commit before the deletion
                if b.added >= f.deleted_at:
                    b.added = g.randint(f.created, f.deleted_at - 1)
                if b.removed is not None and b.removed >= f.deleted_at:
                    b.removed = None

    def alive_at_head(self, f):
        return f.scope == "main" and f.deleted_at is None

    def layout_feature(self, placements):
        g = self.g
        multi = [p for p in placements if p.ftype not in SINGLE and p.ftype not in ("ipynb", "minjs")]
        existing = [f for f in self.files if f.scope == "main" and f.created <= FORK and (f.deleted_at is None or f.deleted_at > FORK)
                    and f.ftype not in SINGLE and f.ftype not in ("ipynb", "minjs")]
        into_existing = multi[: len(multi) // 3]
        taken = {id(p) for p in into_existing}
        rest = [p for p in placements if id(p) not in taken]
        for p in into_existing:
            cands = [f for f in existing if f.ftype == p.ftype]
            if not cands:
                rest.append(p)
                continue
            f = g.choice(cands)
            pos = g.randint(1, len(f.blocks))
            f.blocks.insert(pos, Block(p.text, list(p.keys), list(p.decoys), scope="feature", added=g.randint(0, FEATURE_COMMITS - 1)))
        groups = self.group_by_type(rest)
        for (ft, grp) in sorted(groups):
            for chunk in self.chunks(ft, groups[(ft, grp)]):
                created = g.randint(0, FEATURE_COMMITS - 1)
                f = self.new_file(ft, "feature", created)
                self.fill_file(f, chunk, "feature", (created, FEATURE_COMMITS - 1))

    def layout_staged(self, placements):
        """60% in new staged files, 40% inserted into files alive at HEAD; one file is renamed and one deleted."""
        g = self.g
        alive = [f for f in self.files if self.alive_at_head(f) and f.ftype not in SINGLE and f.ftype not in ("ipynb", "minjs")]
        # staged rename (no edit) and staged deletion of files that hold committed keys
        with_keys = [f for f in alive if any(b.keys for b in f.blocks)]
        self.renamed = g.choice([f for f in with_keys if f.ftype in ("sh", "py", "env")])
        base, name = os.path.split(self.renamed.path)
        self.renamed.index_path = (base + "/legacy/" if base else "legacy/") + name
        self.used_paths.add(self.renamed.index_path)
        self.removed = g.choice([f for f in with_keys if f is not self.renamed])
        self.removed.index_deleted = True
        editable = [f for f in alive if f is not self.renamed and f is not self.removed]
        self.partial = g.choice([f for f in editable if f.ftype in ("py", "env", "yaml", "sh")])
        multi = [p for p in placements if p.ftype not in SINGLE and p.ftype not in ("ipynb", "minjs")]
        g.shuffle(multi)
        into_existing = multi[: len(multi) * 4 // 10]
        taken = {id(p) for p in into_existing}
        rest = [p for p in placements if id(p) not in taken]
        first_for_partial = True
        for p in into_existing:
            cands = [f for f in editable if f.ftype == p.ftype]
            if p.ftype == self.partial.ftype and first_for_partial:
                cands = [self.partial]
                first_for_partial = False
            if not cands:
                rest.append(p)
                continue
            f = g.choice(cands)
            blk = Block(p.text, list(p.keys), list(p.decoys), scope="staged", added=LAST)
            if f is self.partial:
                f.blocks.append(blk)      # staged at the end; an unstaged block goes on top later
            else:
                f.blocks.insert(g.randint(1, len(f.blocks)), blk)
        if first_for_partial:   # make sure the partially staged file has a staged block
            self.partial.blocks.append(Block("# staged edit\n" if self.partial.ftype != "yaml" else "  # staged edit\n", scope="staged", added=LAST))
        groups = self.group_by_type(rest)
        for (ft, grp) in sorted(groups):
            for chunk in self.chunks(ft, groups[(ft, grp)]):
                f = self.new_file(ft, "staged", LAST)
                self.fill_file(f, chunk, "staged", (LAST, LAST))

    def layout_unstaged(self, placements):
        g = self.g
        simple = [p for p in placements if p.ftype not in SINGLE and p.ftype not in ("ipynb", "minjs")]
        first = True
        for p in simple[:4]:
            target = self.partial if first else None
            if target is None or target.ftype != p.ftype:
                cands = [f for f in self.files if self.alive_at_head(f) and f.ftype == p.ftype and f is not self.renamed
                         and f is not self.removed]
                target = g.choice(cands) if cands else None
            if target is None:
                continue
            pos = 1 if target is self.partial else g.randint(1, len(target.blocks))
            target.blocks.insert(pos, Block(p.text, list(p.keys), list(p.decoys), scope="unstaged", added=LAST))
            first = False
        # the partially staged file always gets an unstaged edit on top, so index and work tree lines differ
        if not any(b.scope == "unstaged" for b in self.partial.blocks):
            k = self.b.place_simple(self.b.make_simple("groq"), self.partial.ftype)
            self.partial.blocks.insert(1, Block(k.text, list(k.keys), scope="unstaged", added=LAST))
        # an untracked file
        in_simple = {id(p) for p in simple}
        rest = simple[4:] + [p for p in placements if id(p) not in in_simple]
        f = File("notes/scratch-keys.txt", "env", scope="unstaged", created=LAST)
        self.used_paths.add(f.path)
        f.blocks.append(Block("# scratch, never committed\n", scope="unstaged", added=LAST))
        for p in rest:
            f.blocks.append(Block(p.text if p.ftype != "minjs" else p.text + "\n", list(p.keys), list(p.decoys), scope="unstaged", added=LAST))
        self.files.append(f)

    # ---- rendering ---------------------------------------------------------------
    @staticmethod
    def main_index(state):
        kind = state[0]
        if kind == "main":
            return state[1]
        if kind == "feature":
            return FORK
        return LAST

    def file_visible(self, f, state):
        m = self.main_index(state)
        kind = state[0]
        if f.scope == "main":
            if f.created > m or (f.deleted_at is not None and f.deleted_at <= m):
                return False
            if kind in ("index", "work") and f.index_deleted:
                return False
            return True
        if f.scope == "feature":
            return kind == "feature" and f.created <= state[1]
        if f.scope == "staged":
            return kind in ("index", "work")
        return kind == "work"

    def block_view(self, b, state):
        """(text, keys, decoys) of block b in state, or None."""
        m = self.main_index(state)
        kind = state[0]
        if b.scope == "main":
            if b.added > m:
                return None
            if b.removed is not None and b.removed <= m:
                return b.replacement, [], b.replacement_decoys
            text = b.text(m) if callable(b.text) else b.text
            return text, b.keys, b.decoys
        if b.scope == "feature":
            if kind == "feature" and b.added <= state[1]:
                return b.text, b.keys, b.decoys
            return None
        if b.scope == "staged":
            return (b.text, b.keys, b.decoys) if kind in ("index", "work") else None
        return (b.text, b.keys, b.decoys) if kind == "work" else None

    def render(self, f, state):
        """(path, bytes, [(key, line)], [(decoy, line)]) of file f in state."""
        parts, klines, dlines = [], [], []
        line = 1
        for b in f.blocks:
            v = self.block_view(b, state)
            if v is None:
                continue
            text, keys, decoys = v
            for k in keys:
                off = text.find(k.secret)
                assert off >= 0, (f.path, k.kind)
                klines.append((k, line + text.count("\n", 0, off)))
            starts = {}
            for d in decoys:
                off = text.find(d.text, starts.get(d.text, 0))
                if off < 0:
                    off = text.find(d.text)
                assert off >= 0, (f.path, d.kind, d.text[:40])
                starts[d.text] = off + 1
                dlines.append((d, line + text.count("\n", 0, off)))
            parts.append(text)
            line += text.count("\n")
        content = "".join(parts)
        if f.eol != "\n":
            content = content.replace("\n", f.eol)
        path = f.index_path if (f.index_path and state[0] in ("index", "work")) else f.path
        return path, content.encode("utf-8"), klines, dlines

    def tree(self, state):
        out = {}
        for f in self.files:
            if self.file_visible(f, state):
                path, data, kl, dl = self.render(f, state)
                out[path] = (data, f.mode, kl, dl, f)
        return out


# ------------------------------------------------------------------------------------
# git
# ------------------------------------------------------------------------------------


class Git:
    def __init__(self, root):
        self.root = root
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        self.env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "Dana Developer",
                         "GIT_AUTHOR_EMAIL": "dana@acme.example", "GIT_COMMITTER_NAME": "Dana Developer",
                         "GIT_COMMITTER_EMAIL": "dana@acme.example", "LC_ALL": "C", "TZ": "UTC"})
        self.on_disk = {}

    def run(self, *args, env=None):
        e = dict(self.env)
        if env:
            e.update(env)
        r = subprocess.run(["git", "-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "commit.gpgsign=false",
                            "-c", "core.fileMode=true", "-c", "gc.auto=0"] + list(args),
                           cwd=self.root, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise RuntimeError("git %s failed: %s" % (" ".join(args), r.stderr.strip()))
        return r.stdout.strip()

    def sync(self, tree):
        for p in sorted(set(self.on_disk) - set(tree)):
            os.remove(os.path.join(self.root, p))
            d = os.path.dirname(os.path.join(self.root, p))
            while d != self.root and os.path.isdir(d) and not os.listdir(d):
                os.rmdir(d)
                d = os.path.dirname(d)
        for p, (data, mode, *_rest) in sorted(tree.items()):
            full = os.path.join(self.root, p)
            if self.on_disk.get(p) != (data, mode):
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "wb") as fh:
                    fh.write(data)
                os.chmod(full, mode)
        self.on_disk = {p: (v[0], v[1]) for p, v in tree.items()}

    def commit(self, message, when):
        stamp = "@%d +0000" % when
        self.run("add", "-A")
        self.run("commit", "-q", "--allow-empty", "-m", message, env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
        return self.run("rev-parse", "HEAD")


# ------------------------------------------------------------------------------------
# main
# ------------------------------------------------------------------------------------


def build(outdir, seed, per_kind):
    g = ks.Gen(seed)
    repo = Repo(g, per_kind)
    repo.plan()
    git = Git(outdir)
    git.run("init", "-q", "-b", "main")
    gitignore = b"node_modules/\n__pycache__/\n*.pyc\n.venv/\n*.log\ndist/\n"
    commit_of = {}

    def do_commit(state, message, when, branch):
        tree = repo.tree(state)
        tree[".gitignore"] = (gitignore, 0o644, [], [], None)
        git.sync(tree)
        cid = git.commit(message, when)
        repo.commits.append({"id": cid, "branch": branch, "summary": message, "date": when})
        commit_of[state] = cid
        for path, (data, mode, kl, dl, f) in sorted(tree.items()):
            for k, line in kl:
                if k.commit is None:
                    k.commit, k.path, k.line = cid, path, line
                    k.file_secret = k.secret.replace("\n", f.eol)
            for d, line in dl:
                if d.commit is None:
                    d.commit, d.path, d.line = cid, path, line
        return tree

    visible = {}

    def note_visible(state, tree):
        visible[state] = {id(k) for _p, v in tree.items() for k, _l in v[2]}

    for i in range(FORK + 1):
        note_visible(("main", i), do_commit(("main", i), COMMIT_MESSAGES[i], BASE_TIME + i * DAY, "main"))
        if i == 2:
            git.run("tag", "v0.3.0")
    git.run("checkout", "-q", "-b", FEATURE_BRANCH)
    for j in range(FEATURE_COMMITS):
        do_commit(("feature", j), FEATURE_MESSAGES[j], BASE_TIME + FORK * DAY + (j + 1) * 3600 * 5, FEATURE_BRANCH)
    git.run("checkout", "-q", "main")
    git.on_disk = {p: (v[0], v[1]) for p, v in repo.tree(("main", FORK)).items()}
    git.on_disk[".gitignore"] = (gitignore, 0o644)
    for i in range(FORK + 1, MAIN_COMMITS):
        note_visible(("main", i), do_commit(("main", i), COMMIT_MESSAGES[i], BASE_TIME + i * DAY, "main"))
    head = git.run("rev-parse", "HEAD")

    # present at HEAD, removed in
    for k in repo.keys:
        if k.scope == "main":
            k.present_at_head = id(k) in visible[("main", LAST)]
            for i in range(1, MAIN_COMMITS):
                if id(k) in visible[("main", i - 1)] and id(k) not in visible[("main", i)]:
                    k.removed_in = commit_of[("main", i)]
                    break

    # staged: the index, then unstaged edits on top
    index_tree = repo.tree(("index",))
    index_tree[".gitignore"] = (gitignore, 0o644, [], [], None)
    git.sync(index_tree)
    git.run("add", "-A")
    for path, (data, mode, kl, dl, f) in index_tree.items():
        for k, line in kl:
            if k.scope == "staged":
                k.path, k.line, k.file_secret = path, line, k.secret.replace("\n", f.eol)
        for d, line in dl:
            if d.scope == "staged":
                d.path, d.line = path, line
    work_tree = repo.tree(("work",))
    work_tree[".gitignore"] = (gitignore, 0o644, [], [], None)
    git.sync(work_tree)
    for path, (data, mode, kl, dl, f) in work_tree.items():
        for k, line in kl:
            if k.scope == "unstaged":
                k.path, k.line, k.file_secret = path, line, k.secret.replace("\n", f.eol)
        for d, line in dl:
            if d.scope == "unstaged":
                d.path, d.line = path, line
    return repo, head, commit_of


def truth_doc(repo, head, feature_head, seed, per_kind, outdir):
    keys = []
    for n, k in enumerate(sorted(repo.keys, key=lambda k: ({"main": 0, "feature": 1, "staged": 2, "unstaged": 3}[k.scope], k.path, k.line, k.kind))):
        assert k.path is not None, k.kind
        keys.append({"id": "k%04d" % (n + 1), "kind": k.kind, "path": k.path, "line": k.line, "commit": k.commit,
                     "branch": {"main": "main", "feature": FEATURE_BRANCH}.get(k.scope),
                     "present_at_head": k.present_at_head, "removed_in": k.removed_in,
                     "staged_only": k.scope == "staged", "unstaged": k.scope == "unstaged",
                     "scope": "history" if k.scope in ("main", "feature") else k.scope,
                     "secret": k.file_secret, "also_match": k.also, "note": k.note})
    decoys = []
    for n, d in enumerate(sorted(repo.decoys, key=lambda d: ({"main": 0, "feature": 1, "staged": 2, "unstaged": 3}[d.scope], d.path or "", d.line or 0, d.kind))):
        if d.path is None:
            continue   # a replacement placeholder that never reached a commit
        decoys.append({"id": "d%04d" % (n + 1), "kind": d.kind, "path": d.path, "line": d.line, "commit": d.commit,
                       "scope": "history" if d.scope in ("main", "feature") else d.scope, "text": d.text, "note": d.note})
    return {
        "generator": "benchmarks/accuracy/generate.py", "generator_version": GENERATOR_VERSION, "seed": seed, "per_kind": per_kind,
        "head": head,
        "branches": {"main": head, FEATURE_BRANCH: feature_head},
        "commits": repo.commits,
        "staged": {"renamed": [repo.renamed.path, repo.renamed.index_path], "deleted": repo.removed.path,
                   "partially_staged": repo.partial.path},
        "kinds": sorted({k["kind"] for k in keys}),
        "decoy_kinds": sorted({d["kind"] for d in decoys}),
        "keys": keys, "decoys": decoys,
    }


def self_check(outdir, truth):
    """Every key is where the truth file says, in the blob of its introducing commit (or the index)."""
    def show(spec):
        r = subprocess.run(["git", "show", spec], cwd=outdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode:
            raise RuntimeError("self-check: cannot read " + spec)
        return r.stdout.decode("utf-8")
    cache = {}
    for k in truth["keys"]:
        if k["scope"] == "unstaged":
            with open(os.path.join(outdir, k["path"]), encoding="utf-8", newline="") as fh:
                text = fh.read()
        else:
            spec = ("%s:%s" % (k["commit"], k["path"])) if k["scope"] == "history" else (":" + k["path"])
            if spec not in cache:
                cache[spec] = show(spec)
            text = cache[spec]
        off = text.find(k["secret"])
        if off < 0 or text.count("\n", 0, off) + 1 != k["line"]:
            raise RuntimeError("self-check failed for %s %s at %s:%s" % (k["id"], k["kind"], k["path"], k["line"]))
        if k["kind"].startswith("github-gh") or k["kind"] == "npm":
            assert ks.crc_ok(k["secret"]), k["id"]
    secrets = {k["secret"] for k in truth["keys"]}
    assert len(secrets) == len(truth["keys"]), "duplicate secrets"
    for d in truth["decoys"]:
        assert d["text"] not in secrets


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-kind", type=int, default=20)
    ap.add_argument("--force", action="store_true", help="remove OUTDIR first if it exists")
    a = ap.parse_args(argv)
    if a.per_kind < 1:
        ap.error("--per-kind must be >= 1")
    outdir = os.path.abspath(a.outdir.rstrip("/"))
    if os.path.exists(outdir) and os.listdir(outdir):
        if not a.force:
            ap.error("%s exists and is not empty (use --force to replace it)" % outdir)
        shutil.rmtree(outdir)
    os.makedirs(outdir, exist_ok=True)
    t0 = time.time()
    repo, head, commit_of = build(outdir, a.seed, a.per_kind)
    truth = truth_doc(repo, head, commit_of[("feature", FEATURE_COMMITS - 1)], a.seed, a.per_kind, outdir)
    self_check(outdir, truth)
    out = outdir + ".truth.json"
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(truth, fh, indent=1, ensure_ascii=False, sort_keys=False)
        fh.write("\n")
    ks_ = truth["keys"]
    print("generated %s: %d commits (+%d on %s), %d keys (%d history, %d staged, %d unstaged) of %d kinds, %d decoys; HEAD %s; %.1f s"
          % (outdir, MAIN_COMMITS, FEATURE_COMMITS, FEATURE_BRANCH, len(ks_), sum(k["scope"] == "history" for k in ks_),
             sum(k["scope"] == "staged" for k in ks_), sum(k["scope"] == "unstaged" for k in ks_), len(truth["kinds"]),
             len(truth["decoys"]), head[:12], time.time() - t0), file=sys.stderr)
    print("truth: " + out, file=sys.stderr)


if __name__ == "__main__":
    main()
