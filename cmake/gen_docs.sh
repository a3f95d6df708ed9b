#!/bin/sh
# Writes the manual page and the shell completions, as the keyfence binary prints them, into OUTDIR.
#   cmake/gen_docs.sh KEYFENCE OUTDIR
set -eu
bin=$1
out=$2
mkdir -p "$out/completions"
"$bin" manpage >"$out/keyfence.1"
"$bin" completion bash >"$out/completions/keyfence"
"$bin" completion zsh >"$out/completions/_keyfence"
"$bin" completion fish >"$out/completions/keyfence.fish"
# Debian keeps manual pages gzipped (lintian); man reads either. -n: no name or time stamp inside.
gzip -9nf "$out/keyfence.1"
