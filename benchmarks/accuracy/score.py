#!/usr/bin/env python3
"""Score keyfence against the ground truth written by generate.py.

Usage: score.py OUTDIR [--mode history|staged|both] [--keyfence PATH] [--truth FILE]
                [--summary-json FILE] [--max-list N]

history: runs `keyfence history OUTDIR --format json`. Expected: every planted key of any commit
         on any branch, once (keyfence reports one finding per secret, other places in also_in).
staged:  runs `keyfence staged OUTDIR --format json` with cwd=OUTDIR. Expected: the keys the
         staged change adds; a finding must also sit on a line `git diff --cached` adds.

A finding matches an expected key when the path matches (the finding's path or one of its also_in
paths equals the key's path) and the secret matches: equal, or one contains the other (the shorter
at least 8 characters), or the finding equals/contains one of the key's also_match strings (the
whole URL of a password, a connection string, a service account's private_key_id). Several
findings of one key count once for recall and are not false positives. Every other finding is a
false positive, labelled with the planted decoy it hit, or why it is wrong.

Prints per-kind recall, overall recall, precision (true findings / all findings), F1, every miss
and every false positive. Exit 0 (it is a report), 2 if keyfence exits 2 or cannot run.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_KEYFENCE = os.path.normpath(os.path.join(HERE, "..", "..", "build", "keyfence"))
REDACTED_RE = re.compile(r"^(REDACTED|\*+)$|…")


def norm(s):
    return s.replace("\r", "")


def secret_match(found, truth, also=()):
    """found: the finding's secret; truth: the planted key; also: other accepted strings."""
    f = norm(found)
    if not f:
        return False
    for t in {norm(truth), norm(truth).replace("\\n", "\n")}:
        if f == t or (len(f) >= 8 and f in t) or (len(t) >= 8 and t in f):
            return True
    for a in also:
        a = norm(a)
        if f == a or (len(a) >= 8 and a in f):
            return True
    return False


def overlaps(found, text):
    f, t = norm(found), norm(text)
    if not f or not t:
        return False
    return f == t or (len(f) >= 6 and f in t) or (len(t) >= 6 and t in f)


class Blobs:
    """Reads blobs of the generated repository, to recover secrets from a redacted report."""

    def __init__(self, repo):
        self.repo = repo
        self.cache = {}

    def get(self, spec):
        if spec not in self.cache:
            r = subprocess.run(["git", "-C", self.repo, "cat-file", "blob", spec], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            self.cache[spec] = r.stdout if r.returncode == 0 else None
        return self.cache[spec]

    def extract(self, spec, f):
        """The bytes from the finding's offset to (end_line, end_column), inclusive, as text."""
        data = self.get(spec)
        if data is None or not isinstance(f.get("offset"), int):
            return None
        start = f["offset"]
        el, ec = f.get("end_line"), f.get("end_column")
        if not isinstance(el, int) or not isinstance(ec, int):
            return None
        pos, line = 0, 1
        while line < el:
            nl = data.find(b"\n", pos)
            if nl < 0:
                return None
            pos, line = nl + 1, line + 1
        end = pos + ec
        if end <= start:
            return None
        return data[start:end].decode("utf-8", "replace")


def run_keyfence(kf, mode, outdir):
    cmd = [kf, mode, outdir, "--format", "json"]
    try:
        r = subprocess.run(cmd, cwd=outdir if mode == "staged" else None, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        print("error: cannot run %s: %s" % (kf, e), file=sys.stderr)
        sys.exit(2)
    stderr = r.stderr.decode("utf-8", "replace").strip()
    if r.returncode not in (0, 1):
        print("error: `%s` exited with %d:\n%s" % (" ".join(cmd), r.returncode, stderr), file=sys.stderr)
        sys.exit(2)
    try:
        doc = json.loads(r.stdout.decode("utf-8") or "[]")
    except ValueError as e:
        print("error: keyfence printed no JSON report (%s)" % e, file=sys.stderr)
        sys.exit(2)
    findings = doc if isinstance(doc, list) else doc.get("findings", [])
    return findings, r.returncode, stderr, cmd


def added_lines(outdir):
    """{path: set of line numbers} the staged change adds (index vs HEAD, renames detected)."""
    r = subprocess.run(["git", "-C", outdir, "-c", "core.quotePath=false", "diff", "--cached", "-M", "--unified=0", "--no-color",
                        "--no-ext-diff"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = defaultdict(set)
    path = None
    for raw in r.stdout.decode("utf-8", "replace").splitlines():
        if raw.startswith("+++ "):
            p = raw[4:]
            path = p[2:] if p.startswith("b/") else None
        elif raw.startswith("@@") and path:
            m = re.match(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", raw)
            if m:
                start, count = int(m.group(1)), int(m.group(2) or "1")
                out[path].update(range(start, start + count))
    return out


def score(truth, findings, mode, outdir):
    scope = "history" if mode == "history" else "staged"
    keys = truth["keys"]
    expected = [k for k in keys if k["scope"] == scope]
    by_path = defaultdict(list)
    for k in keys:
        by_path[k["path"]].append(k)
    decoys_by_path = defaultdict(list)
    for d in truth["decoys"]:
        decoys_by_path[d["path"]].append(d)
    blobs = Blobs(outdir)
    added = added_lines(outdir) if mode == "staged" else None

    matched = {}            # key id -> first finding
    true_findings, fps, recovered = 0, [], 0
    commit_diff, line_diff = [], []
    for f in findings:
        secret = f.get("secret") or ""
        if REDACTED_RE.search(secret):
            spec = (f.get("commit") or {}).get("id", "") + ":" + f["path"] if mode == "history" else ":" + f["path"]
            got = blobs.extract(spec, f)
            if got:
                secret, recovered = got, recovered + 1
        paths = [f["path"]] + [a.get("path") for a in f.get("also_in") or [] if a.get("path")]
        cands = [k for p in dict.fromkeys(paths) for k in by_path.get(p, []) if secret_match(secret, k["secret"], k.get("also_match") or [])]
        in_scope = [k for k in cands if k["scope"] == scope]
        fp_reason = None
        if in_scope and mode == "staged" and f.get("line") not in added.get(f["path"], ()):
            fp_reason = "secret of a staged key, but line %s is not a line the staged change adds" % f.get("line")
        elif in_scope:
            # prefer an unmatched key, then the exact secret, then the same line
            in_scope.sort(key=lambda k: (k["id"] in matched, norm(k["secret"]) != norm(secret), k["line"] != f.get("line")))
            k = in_scope[0]
            if k["id"] not in matched:
                matched[k["id"]] = f
                if mode == "history":
                    fc = (f.get("commit") or {}).get("id")
                    if fc and fc != k["commit"]:
                        commit_diff.append((k, f))
                    elif f["path"] == k["path"] and f.get("line") != k["line"]:
                        line_diff.append((k, f))
                elif f.get("line") != k["line"]:
                    line_diff.append((k, f))
            true_findings += 1
            continue
        elif cands:
            k = cands[0]
            fp_reason = {"history": "committed key on a line the staged change does not add",
                         "staged": "staged-only key (not in any commit)",
                         "unstaged": "key only in an unstaged edit or untracked file"}[k["scope"]] + " (%s, %s)" % (k["kind"], k["id"])
        if fp_reason is None:
            others = [k for k in keys if secret_match(secret, k["secret"], k.get("also_match") or [])]
            if others:
                fp_reason = "secret of %s (%s) reported at another path" % (others[0]["id"], others[0]["kind"])
        decoy = None
        if fp_reason is None:
            ds = [d for p in dict.fromkeys(paths) for d in decoys_by_path.get(p, [])]
            hit = [d for d in ds if overlaps(secret, d["text"])] or [d for d in ds if d["path"] == f["path"] and d["line"] == f.get("line")]
            if hit:
                decoy = hit[0]
                fp_reason = "decoy: " + decoy["kind"]
            else:
                fp_reason = "not planted (filler text)"
        fps.append({"rule_id": f.get("rule_id"), "path": f["path"], "line": f.get("line"), "reason": fp_reason,
                    "decoy_kind": decoy["kind"] if decoy else None, "secret": secret})

    per_kind = {}
    for k in expected:
        e = per_kind.setdefault(k["kind"], [0, 0])
        e[0] += 1
        e[1] += k["id"] in matched
    n_exp, n_found = len(expected), len(matched)
    n_all = len(findings)
    recall = n_found / n_exp if n_exp else 1.0
    precision = true_findings / n_all if n_all else None
    f1 = (2 * precision * recall / (precision + recall)) if precision and recall else 0.0
    misses = [k for k in expected if k["id"] not in matched]
    return {"mode": mode, "expected": n_exp, "found": n_found, "recall": recall, "findings": n_all, "true_findings": true_findings,
            "false_positives": len(fps), "precision": precision, "f1": f1,
            "per_kind": {k: {"expected": v[0], "found": v[1], "recall": v[1] / v[0]} for k, v in sorted(per_kind.items())},
            "misses": misses, "fps": fps, "recovered": recovered, "commit_diff": commit_diff, "line_diff": line_diff}


def fmt(x):
    return "n/a" if x is None else "%.3f" % x


def short(s, n=60):
    s = s.replace("\r", "").replace("\n", "\\n")
    return s if len(s) <= n else s[: n - 1] + "…"


def print_report(res, cmd, stderr, max_list, out=sys.stdout):
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p("## %s mode" % res["mode"])
    p()
    p("command: %s" % " ".join(cmd))
    if stderr:
        lines = stderr.splitlines()
        summ = [l for l in lines if " inputs, " in l] or lines[-1:]
        p("keyfence: " + summ[-1][:400].replace("keyfence: ", "", 1))
    if res["recovered"]:
        p("note: the report's secrets were redacted; %d were read back from the blobs at the reported offsets" % res["recovered"])
    p()
    p("| kind | expected | found | recall |")
    p("|---|---:|---:|---:|")
    for kind, v in res["per_kind"].items():
        p("| %s | %d | %d | %.2f |" % (kind, v["expected"], v["found"], v["recall"]))
    p()
    p("overall: recall %s (%d/%d), precision %s (%d true / %d findings), F1 %s, false positives %d"
      % (fmt(res["recall"]), res["found"], res["expected"], fmt(res["precision"]), res["true_findings"], res["findings"],
         fmt(res["f1"]), res["false_positives"]))
    if res["true_findings"] > res["found"]:
        p("(%d true findings repeat a key already found, e.g. a second rule on the same secret)" % (res["true_findings"] - res["found"]))
    worst = sorted(res["per_kind"].items(), key=lambda kv: (kv[1]["recall"], kv[0]))[:10]
    p("worst kinds: " + ", ".join("%s %.2f" % (k, v["recall"]) for k, v in worst))
    fpk = Counter(f["decoy_kind"] or f["reason"].split(" (")[0] for f in res["fps"])
    if fpk:
        p("false positives by cause: " + ", ".join("%s %d" % kv for kv in fpk.most_common()))
    p()
    p("### misses (%d)" % len(res["misses"]))
    for k in res["misses"][:max_list]:
        where = ("commit %s" % k["commit"][:10]) if k["commit"] else k["scope"]
        extra = []
        if k.get("branch") and k["branch"] != "main":
            extra.append("branch " + k["branch"])
        if k["scope"] == "history" and not k["present_at_head"]:
            extra.append("removed at HEAD")
        if k.get("note"):
            extra.append(k["note"])
        p("- %s %s:%d %s %s%s" % (k["kind"], k["path"], k["line"], where, short(k["secret"], 40),
                                  (" (" + ", ".join(extra) + ")") if extra else ""))
    if len(res["misses"]) > max_list:
        p("- … %d more (use --max-list)" % (len(res["misses"]) - max_list))
    p()
    p("### false positives (%d)" % len(res["fps"]))
    for f in res["fps"][:max_list]:
        p("- %s %s:%s %s: %s" % (f["rule_id"], f["path"], f["line"], short(f["secret"], 40), f["reason"]))
    if len(res["fps"]) > max_list:
        p("- … %d more (use --max-list)" % (len(res["fps"]) - max_list))
    if res["commit_diff"] or res["line_diff"]:
        p()
        p("### location differences (found, counted, but reported elsewhere than the truth says)")
        for k, f in res["commit_diff"][:max_list]:
            p("- %s %s: introducing commit %s, reported %s" % (k["kind"], k["path"], k["commit"][:10], f["commit"]["id"][:10]))
        for k, f in res["line_diff"][:max_list]:
            p("- %s %s: line %d, reported %s:%s" % (k["kind"], k["path"], k["line"], f["path"], f.get("line")))
    p()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--mode", choices=["history", "staged", "both"], default="both")
    ap.add_argument("--keyfence", default=DEFAULT_KEYFENCE)
    ap.add_argument("--truth", help="default: OUTDIR.truth.json")
    ap.add_argument("--summary-json", help="write the overall figures of each mode to this file")
    ap.add_argument("--max-list", type=int, default=200, help="list at most N misses and N false positives per mode")
    a = ap.parse_args(argv)
    outdir = os.path.abspath(a.outdir.rstrip("/"))
    truth_path = a.truth or outdir + ".truth.json"
    with open(truth_path, encoding="utf-8") as fh:
        truth = json.load(fh)
    kf = a.keyfence if os.sep in a.keyfence else (shutil_which(a.keyfence) or a.keyfence)
    modes = ["history", "staged"] if a.mode == "both" else [a.mode]
    summary = {"truth": os.path.basename(truth_path), "seed": truth.get("seed"), "per_kind": truth.get("per_kind"),
               "head": truth.get("head"), "modes": {}}
    print("# keyfence accuracy: %s (seed %s, %s per kind, HEAD %s)" % (outdir, truth.get("seed"), truth.get("per_kind"),
                                                                     (truth.get("head") or "")[:12]))
    print()
    for mode in modes:
        findings, _rc, stderr, cmd = run_keyfence(os.path.abspath(kf), mode, outdir)
        res = score(truth, findings, mode, outdir)
        print_report(res, cmd, stderr, a.max_list)
        summary["modes"][mode] = {k: res[k] for k in ("expected", "found", "recall", "findings", "true_findings", "false_positives",
                                                      "precision", "f1")}
        summary["modes"][mode]["per_kind"] = res["per_kind"]
        summary["modes"][mode]["fp_causes"] = dict(Counter(f["decoy_kind"] or f["reason"].split(" (")[0] for f in res["fps"]))
    if a.summary_json:
        with open(a.summary_json, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, indent=1)
            fh.write("\n")
    return 0


def shutil_which(name):
    import shutil
    return shutil.which(name)


if __name__ == "__main__":
    sys.exit(main())
