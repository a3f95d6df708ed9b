#!/usr/bin/env bash
# The GitHub Action's logic (action.yml runs this): fetch the keyfence release tarball for VERSION,
# verify its SHA-256, cache it, then run the gate the event calls for and report the findings as
# annotations, a job summary and (optionally) SARIF. Exit: 0 clean, 1 secrets found, 2 error.
#
# Inputs (environment): KEYFENCE_VERSION (e.g. 0.1.0), KEYFENCE_BASE_URL (releases are at
# BASE_URL/vVERSION/keyfence-VERSION-linux-ARCH.tar.gz, with a .sha256 beside; default: the release
# downloads of the GitHub repository the action was taken from), KEYFENCE_SARIF (a
# file to write, or empty), KEYFENCE_ARGS (more flags for keyfence history), KEYFENCE_CACHE (where
# unpacked releases are kept; default $RUNNER_TOOL_CACHE or $RUNNER_TEMP).
# From GitHub: GITHUB_ACTION_PATH, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
set -euo pipefail

die() { echo "::error title=keyfence::$*" >&2; exit 2; }
version=${KEYFENCE_VERSION:?KEYFENCE_VERSION is required}
base_url=${KEYFENCE_BASE_URL:-}
if [ -z "$base_url" ]; then
  # The releases of the repository the action was taken from: GitHub checks `uses: OWNER/REPO@REF` out
  # at RUNNER/_actions/OWNER/REPO/REF (github.action_repository is not set for composite actions).
  action_path=${GITHUB_ACTION_PATH%/}
  owner_dir=$(dirname "$(dirname "$action_path")")
  [ "$(basename "$(dirname "$owner_dir")")" = _actions ] ||
    die "cannot tell which repository this action comes from (${GITHUB_ACTION_PATH:-no GITHUB_ACTION_PATH}): set the base-url input"
  base_url=https://github.com/$(basename "$owner_dir")/$(basename "$(dirname "$action_path")")/releases/download
fi
cache=${KEYFENCE_CACHE:-${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}}/keyfence/$version
case $(uname -m) in  # the release tarball built for this runner
  x86_64) platform=linux-x86_64 ;;
  aarch64 | arm64) platform=linux-arm64 ;;
  *) die "no keyfence release is built for $(uname -m)" ;;
esac
name=keyfence-$version-$platform
for tool in curl sha256sum tar jq git; do command -v "$tool" >/dev/null || die "$tool is needed on the runner"; done

# 1. The release, verified against its published checksum before anything of it runs.
if [ ! -x "$cache/$name/bin/keyfence" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  curl -fsSL --proto '=https,file' -o "$tmp/$name.tar.gz" "$base_url/v$version/$name.tar.gz" || die "cannot download $base_url/v$version/$name.tar.gz"
  curl -fsSL --proto '=https,file' -o "$tmp/$name.tar.gz.sha256" "$base_url/v$version/$name.tar.gz.sha256" || die "cannot download the checksum of $name.tar.gz"
  expected=$(awk '{print $1; exit}' "$tmp/$name.tar.gz.sha256")
  actual=$(sha256sum "$tmp/$name.tar.gz" | awk '{print $1}')
  [ -n "$expected" ] && [ "$expected" = "$actual" ] || die "checksum mismatch for $name.tar.gz (expected $expected, got $actual): refusing to run it"
  mkdir -p "$cache"
  tar -xzf "$tmp/$name.tar.gz" -C "$cache"
fi
kf=$cache/$name/bin/keyfence
"$kf" --version | head -n 1

# 2. What the event adds.
cd "${GITHUB_WORKSPACE:-.}"
event=${GITHUB_EVENT_PATH:?GITHUB_EVENT_PATH is required}
zero=0000000000000000000000000000000000000000
revisions=()
case ${GITHUB_EVENT_NAME:-} in
  pull_request | pull_request_target)
    revisions=("$(jq -r .pull_request.base.sha "$event")..$(jq -r .pull_request.head.sha "$event")") ;;
  push)
    before=$(jq -r .before "$event")
    after=$(jq -r .after "$event")
    ref=$(jq -r .ref "$event")
    [ "$after" = "$zero" ] && { echo "keyfence: a branch deletion adds nothing"; exit 0; }
    if [ "$before" != "$zero" ] && git cat-file -e "$before^{commit}" 2>/dev/null; then
      revisions=("$before..$after")  # a forced push too: what after has and before had not
    else
      # a new branch (or an unknown before): what no other branch of the remote has
      revisions=("$after")
      while read -r other; do
        [ "$other" = "refs/remotes/origin/${ref#refs/heads/}" ] || revisions+=("^$other")
      done < <(git for-each-ref --format='%(refname)' refs/remotes/origin/ | grep -v '/HEAD$' || true)
    fi ;;
  *) revisions=() ;;  # anything else (schedule, workflow_dispatch): the whole history
esac

# 3. The gate, then the reports.
report=$(mktemp)
rc=0
# shellcheck disable=SC2086 # KEYFENCE_ARGS is a list of flags
"$kf" history . "${revisions[@]}" --format json --output "$report" ${KEYFENCE_ARGS:-} || rc=$?
[ "$rc" -le 1 ] || die "keyfence could not scan (exit $rc)"
if [ -n "${KEYFENCE_SARIF:-}" ]; then
  # shellcheck disable=SC2086
  "$kf" history . "${revisions[@]}" --format sarif --output "$KEYFENCE_SARIF" ${KEYFENCE_ARGS:-} >/dev/null 2>&1 || [ $? -le 1 ] || die "keyfence could not write SARIF"
fi
findings=$(jq '[.[] | select(has("rule_id"))] | length' "$report")
jq -r '.[] | select(has("rule_id")) | "::error file=\(.path),line=\(.line),title=keyfence: \(.rule_id)::\(.description)\(if .commit then " (introduced in \(.commit.id[0:12]) by \(.commit.author_name))" else "" end)"' "$report"
{
  echo "### keyfence: $findings secret$([ "$findings" = 1 ] || echo s) in ${revisions[*]:-the whole history}"
  if [ "$findings" -gt 0 ]; then
    echo
    echo "| file | line | rule | commit |"
    echo "|---|---:|---|---|"
    jq -r '.[] | select(has("rule_id")) | "| `\(.path)` | \(.line) | \(.rule_id) | \(if .commit then .commit.id[0:12] else "" end) |"' "$report"
    echo
    echo "Revoke each key with its provider first: a key that was pushed is compromised."
  fi
} >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
echo "findings=$findings" >>"${GITHUB_OUTPUT:-/dev/null}"
rm -f "$report"
exit "$rc"
