#!/usr/bin/env bash
# CLINC150 with example-only intents: train -> val + oos_val, at the default thresholds.
# Needs the shared benchmark data (default ../shared/bench/clinc150/train_val.json, or $CLINC_JSON).
set -euo pipefail
cd "$(dirname "$0")/.."
json=${CLINC_JSON:-../shared/bench/clinc150/train_val.json}
out=${TMPDIR:-/tmp}/stapje-clinc
mkdir -p "$out"
python3 - "$json" "$out" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
clean = lambda t: t.replace("\t", " ").replace("\n", " ")
with open(sys.argv[2] + "/train.tsv", "w") as f:
    for text, label in data["train"]:
        f.write(f"{clean(text)}\t{label}\n")
with open(sys.argv[2] + "/val.tsv", "w") as f:
    for text, label in data["val"] + data["oos_val"]:
        f.write(f"{clean(text)}\t{label}\n")
PY
bin=${STAPJE_BIN:-.build/release/stapje}
[ -x "$bin" ] || swift build -c release --static-swift-stdlib
# The summary only (the list of misses is long); not through `head`, which would end the script (pipefail).
"$bin" eval --examples "$out/train.tsv" "$out/val.tsv" > "$out/eval.txt"
sed -n '1,3p' "$out/eval.txt"
"$bin" bench --examples "$out/train.tsv" --rounds 3 "$out/val.tsv"
