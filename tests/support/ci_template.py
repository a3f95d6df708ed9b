#!/usr/bin/env python3
"""Extracts the shell scripts of keyfence's organization-audit CI templates (hooks/ci/audit-*.y*ml), so
the tests run exactly what the templates run, on this machine.

Usage: ci_template.py TEMPLATE OUT_DIR ROOT
Writes OUT_DIR/shard.sh (run with SHARD=K and SHARDS=N in the environment) and OUT_DIR/merge.sh.
GitHub expressions are replaced by the environment variables of the same meaning; the Kubernetes
templates' absolute /config and /audit paths are moved under ROOT.
"""
import os
import sys

import yaml

template, out, root = sys.argv[1:4]
docs = [d for d in yaml.safe_load_all(open(template)) if d]


def write(name, script):
    with open(os.path.join(out, name), "w") as f:
        f.write(script)


def github_step(job, name):
    """The step's script as GitHub runs it (bash -e -o pipefail), its env entries defaulting to empty."""
    step = next(s for s in job["steps"] if s.get("name") == name)
    prelude = "set -eo pipefail\n" + "".join(f': "${{{k}:=}}"\n' for k in step.get("env", {}))
    return prelude + step["run"].replace("${{ matrix.shard }}", "$SHARD")


if "jobs" in docs[0]:  # GitHub Actions
    jobs = docs[0]["jobs"]
    write("shard.sh", github_step(jobs["shard"], "Audit this shard"))
    write("merge.sh", github_step(jobs["merge"], "Merge the shards' reports"))
else:  # Kubernetes: the Indexed Job's pod and the merge Job's
    jobs = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Job"}
    audit = jobs["keyfence-audit"]
    assert audit["spec"]["completionMode"] == "Indexed"
    fix = lambda s: s.replace("/config/", root + "/config/").replace("/audit/", root + "/audit/")
    pod = audit["spec"]["template"]["spec"]["containers"][0]
    write("shard.sh", "JOB_COMPLETION_INDEX=$((SHARD - 1))\n" + fix(pod["args"][0]))  # sh -c, as the pod runs it
    merge = jobs["keyfence-merge"]["spec"]["template"]["spec"]["containers"][0]
    write("merge.sh", fix(merge["args"][0]))
