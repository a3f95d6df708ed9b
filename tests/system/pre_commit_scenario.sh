#!/usr/bin/env bash
# The pre-commit framework, driven as a user drives it: install both keyfence hooks from a hooks
# repository holding HOOKS_FILE (this repository's .pre-commit-hooks.yaml), then real commits and pushes.
# It uses whatever `pre-commit`, `keyfence` and `git` are on PATH: tests/e2e/pre_commit_framework_test.cpp
# runs it with Debian 12's pre-commit 3.0.4 and the built binary, tests/system/fresh_debian.sh with
# Debian 13's pre-commit 4 and the installed package in a fresh root.
#   pre_commit_scenario.sh HOOKS_FILE WORK_DIR
# Exit 0 when every step behaved; otherwise 1, with the failing step and its output on stderr.
set -euo pipefail
hooks_file=$(realpath "$1")
work=$2
mkdir -p "$work"
work=$(realpath "$work")
export HOME=$work/home PRE_COMMIT_HOME=$work/home/cache GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name Ada
git config --global user.email ada@example.com
git config --global init.defaultBranch main
git config --global commit.gpgsign false
echo "versions: pre-commit $(pre-commit --version | awk '{print $NF}'), $(keyfence --version | head -1)"

fail() { echo "pre-commit scenario: $1" >&2; [ -f "$work/out" ] && cat "$work/out" >&2; exit 1; }
# step EXPECTED DESCRIPTION COMMAND...: run COMMAND in the project; its exit status must be EXPECTED
# (0, or "fail" for any other); its output is kept in $work/out.
step() {
    local expected=$1 what=$2 status=0
    shift 2
    (cd "$work/project" && "$@") >"$work/out" 2>&1 || status=$?
    if [ "$expected" = fail ]; then [ "$status" -ne 0 ] || fail "$what: exit 0, expected a refusal"
    else [ "$status" -eq 0 ] || fail "$what: exit $status"; fi
}
says() { grep -q -- "$1" "$work/out" || fail "the output does not name $1"; }
never_says() { ! grep -q -- "$1" "$work/out" || fail "the output names $1"; }
# Key-shaped strings made here, so that no key is written in this repository.
random_text() { local chars=$1 length=$2 s=""; while [ ${#s} -lt "$length" ]; do s+=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc "$chars"); done; echo "${s:0:$length}"; }
openai_key() { echo "sk-""proj-$(random_text 'A-Za-z0-9_-' 74)T3Blbk""FJ$(random_text 'A-Za-z0-9_-' 74)"; }
anthropic_key() { echo "sk-ant-""api03-$(random_text 'A-Za-z0-9_-' 93)AA"; }
openrouter_key() { echo "sk-or-""v1-$(random_text '0-9a-f' 64)"; }

git init -q "$work/hooks"
cp "$hooks_file" "$work/hooks/.pre-commit-hooks.yaml"
git -C "$work/hooks" add -A
git -C "$work/hooks" commit -q -m hooks
rev=$(git -C "$work/hooks" rev-parse HEAD)
git init -q --bare "$work/remote.git"
git init -q "$work/project"
cat >"$work/project/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $work/hooks
    rev: $rev
    hooks:
      - id: keyfence
      - id: keyfence-pre-push
EOF
echo hello >"$work/project/README.md"
step 0 "pre-commit install" pre-commit install --hook-type pre-commit --hook-type pre-push
step 0 "the first commit" sh -c 'git add -A && git commit -q -m base'
step 0 "the first push" sh -c "git remote add origin '$work/remote.git' && git push -q origin main"

# A key staged: the commit is refused, then allowed once the key is gone.
echo "OPENAI_API_KEY = \"$(openai_key)\"" >"$work/project/app.py"
step fail "a commit adding a key" sh -c 'git add app.py && git commit -q -m "add key"'
says openai
printf 'import os\nOPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\n' >"$work/project/app.py"
step 0 "the commit without the key" sh -c 'git add app.py && git commit -q -m "read the key from the environment"'

# An old key already on the remote (pushed with the hooks bypassed) does not block a clean push.
echo "ANTHROPIC_API_KEY=$(anthropic_key)" >"$work/project/old.env"
step 0 "an old key pushed with the hooks bypassed" sh -c 'git add old.env && git commit -q --no-verify -m old && git push -q --no-verify origin main'
echo "nothing secret" >"$work/project/notes.txt"
step 0 "a clean push after an old key" sh -c 'git add notes.txt && git commit -q -m notes && git push -q origin main'

# A push that adds a key is refused, and names only what is being pushed.
echo "OPENROUTER_API_KEY=$(openrouter_key)" >"$work/project/new.env"
step 0 "a key committed with the hooks bypassed" sh -c 'git add new.env && git commit -q --no-verify -m "new key"'
step fail "a push adding a key" git push -q origin main
says new.env
never_says old.env
echo "pre-commit scenario: every step behaved"
