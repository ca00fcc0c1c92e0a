#!/usr/bin/env bash
# The benchmark suite: builds lrsd and the benchmarks (Release, build-bench/), starts lrsd on free
# ports with a fresh data directory (HTTPS, keep-alive clients), runs every scenario several
# times, takes medians and writes a markdown report (benchmarks/results/<date>-<commit>.md, with
# the raw JSON lines beside it) that can be pasted into benchmarks/RESULTS.md.
#
#   benchmarks/run.sh                 full run: 3 runs x 10 s of each scenario; queries and
#                                     profiles on a store preloaded to 1,000,000 statements;
#                                     the raw RocksDB reference
#   benchmarks/run.sh --quick         one 3 s run of each, queries on 50,000 statements
#   benchmarks/run.sh --scale [--10m] the scale curve: ingest throughput per 100k statements and
#                                     query/profile latency at 100k and 1M (and 10M) statements
# Options: --runs N, --seconds S, --store N (statements for the query scenarios), --http (plain
# HTTP instead of HTTPS), --no-build, --keep-data, --raw-statements N, --out FILE.md,
# --memory-mb MB (lrsd serve --memory-mb: RocksDB's block cache and memtables; default lrsd's)
# Needs python3 (medians, the report) and curl (to see when compactions have settled).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

runs=3
seconds=10
store=1000000
quick=0
scale=0
ten_million=0
scheme=https
build=1
keep_data=0
raw_statements=200000
out=""
memory_mb=""  # lrsd's --memory-mb (empty: its default)
while (($#)); do
  case $1 in
    --quick) quick=1; runs=1; seconds=3; store=50000; raw_statements=30000 ;;
    --scale) scale=1 ;;
    --10m) ten_million=1 ;;
    --runs) runs=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --store) store=$2; shift ;;
    --http) scheme=http ;;
    --no-build) build=0 ;;
    --keep-data) keep_data=1 ;;
    --raw-statements) raw_statements=$2; shift ;;
    --out) out=$2; shift ;;
    --memory-mb) memory_mb=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

BUILD=build-bench
LG=$BUILD/benchmarks/load_generator
RAW=$BUILD/benchmarks/raw_rocksdb
LRSD=$BUILD/lrsd
build_cmd="cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release -DLRSD_BUILD_BENCHMARKS=ON -DCMAKE_CXX_FLAGS_RELEASE='-O2 -DNDEBUG' && cmake --build $BUILD --target lrsd load_generator raw_rocksdb"
if ((build)); then
  echo "== build: $build_cmd"
  generator=()
  [ -f "$BUILD/CMakeCache.txt" ] || generator=(-G Ninja)
  cmake -S . -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DLRSD_BUILD_BENCHMARKS=ON \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" >/dev/null
  cmake --build "$BUILD" --target lrsd load_generator raw_rocksdb -j "$(nproc)"
fi

# ---- What is measured, where ---------------------------------------------------------------
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit-dirty"; fi
date_tag=$(date -u +%Y-%m-%d)
mode=full; ((quick)) && mode=quick; ((scale)) && mode=scale
mkdir -p benchmarks/results
[ -n "$out" ] || out="benchmarks/results/$date_tag-$commit-$mode.md"
jsonl="${out%.md}.jsonl"
cmds="${out%.md}.commands"
: >"$jsonl"
: >"$cmds"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)
machine="$(nproc) cores ($cpu), $((mem_kb / 1024 / 1024)) GiB RAM ($mem_kb kB MemTotal), $(uname -sr)"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(date +%s)

# ---- lrsd ----------------------------------------------------------------------------------
data=$(mktemp -d /tmp/lrsd-bench-XXXXXX)
pid=""
stop_server() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
}
cleanup() {
  stop_server
  if ((keep_data)); then echo "data kept in $data"; else rm -rf "$data"; fi
}
trap cleanup EXIT

url="" key="" secret="" server_cmd=""
start_server() {
  rm -rf "$data"/*
  local listener=--https
  [ "$scheme" = http ] && listener=--http
  server_cmd="$LRSD serve --data $data $listener 127.0.0.1:0 --no-access-log${memory_mb:+ --memory-mb $memory_mb}"
  echo "== start: $server_cmd"
  echo "$server_cmd" >>"$cmds"
  $server_cmd >"$data.stdout" 2>"$data.stderr" &
  pid=$!
  for _ in $(seq 300); do
    if grep -q 'listening on' "$data.stdout" 2>/dev/null; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$data.stderr" >&2; echo "lrsd exited" >&2; exit 1; fi
    sleep 0.1
  done
  url=$(grep -m1 'listening on' "$data.stdout" | sed 's/.*listening on //; s|/xapi/.*||')
  key=$(grep -m1 '^key: ' "$data.stdout" | cut -d' ' -f2)
  secret=$(grep -m1 '^secret: ' "$data.stdout" | cut -d' ' -f2)
  [ -n "$url" ] && [ -n "$key" ] || { echo "could not read lrsd's URL and credential" >&2; exit 1; }
}

stored=0  # statements posted so far on the running server
# lg LABEL ARGS…: one load generator run; its JSON lines go to $jsonl with the label.
lg() {
  local label=$1; shift
  local shown="$LG --url $url --key KEY --secret SECRET --server-pid PID --label $label $*"
  echo "$shown" >>"$cmds"
  local output status=0
  output=$("$LG" --url "$url" --key "$key" --secret "$secret" --server-pid "$pid" --label "$label" "$@") || status=$?
  printf '%s\n' "$output" | grep '^#' || true
  printf '%s\n' "$output" | grep '^{' >>"$jsonl" || true
  local posted
  posted=$(printf '%s\n' "$output" | grep '^{' | grep -v preload-segment | python3 -c '
import json, sys
print(sum(json.loads(l).get("statements_posted", 0) for l in sys.stdin if l.strip()))')
  stored=$((stored + posted))
  if ((status == 1)); then echo "load_generator failed" >&2; exit 1; fi
  return 0
}

preload_to() {  # preload_to N LABEL: tops the store up to N statements
  local target=$1 label=$2
  if ((target > stored)); then
    local t=$(date +%s)
    lg "$label" --preload $((target - stored)) --connections 16 --batch 100 --store-base "$stored"
    echo "== store at $stored statements ($(( $(date +%s) - t )) s to load)"
    echo "{\"scenario\":\"preload-time\",\"label\":\"$label\",\"store\":$stored,\"seconds\":$(( $(date +%s) - t ))}" >>"$jsonl"
  fi
}

settle() {  # settle LABEL: waits (at most 10 min) until RocksDB has no compaction running or pending
  # After a bulk load, compactions keep both cores busy for a while; reads measured meanwhile
  # measure that contention. The wait is recorded in the report.
  local label=$1 t0 waited
  t0=$(date +%s)
  while (( $(date +%s) - t0 < 600 )); do
    if curl -sfk -u "$key:$secret" "$url/metrics" | python3 -c '
import sys
running = pending = 0.0
for line in sys.stdin:
    if line.startswith("lrsd_rocksdb_running_compactions ") or line.startswith("lrsd_rocksdb_running_flushes "):
        running += float(line.split()[-1])
    elif line.startswith("lrsd_rocksdb_estimate_pending_compaction_bytes{"):
        pending += float(line.split()[-1])
sys.exit(0 if running == 0 and pending == 0 else 1)'; then break; fi
    sleep 2
  done
  waited=$(( $(date +%s) - t0 ))
  echo "== compactions settled after ${waited} s ($label)"
  echo "{\"scenario\":\"settle\",\"label\":\"$label\",\"seconds\":$waited}" >>"$jsonl"
}

reads() {  # reads LABEL RUNS SECONDS: the query and profile scenarios
  local label=$1 n=$2 s=$3
  # One connection: the latency of a request on an otherwise idle server (the issue's p50
  # targets); 16: throughput, with requests queueing for the 2 cores.
  for scenario in query-agent query-verb-since query-activity-related profile-person profile-unit; do
    for conns in 1 16; do
      for r in $(seq "$n"); do lg "$label" --scenario $scenario --connections $conns --seconds "$s"; done
    done
  done
}

disk_usage() {  # disk_usage LABEL: bytes of the data directory / statements, as is
  local bytes
  bytes=$(du -sb "$data/db" | cut -f1)
  echo "{\"scenario\":\"disk\",\"label\":\"$1\",\"bytes\":$bytes,\"statements\":$stored,\"bytes_per_statement\":$(( stored > 0 ? bytes / stored : 0 ))}" >>"$jsonl"
  echo "== disk: $bytes bytes for $stored statements ($1)"
}

if ((scale)); then
  start_server
  lg setup --scenario setup
  steps=(100000 1000000)
  ((ten_million)) && steps+=(10000000)
  for n in "${steps[@]}"; do
    preload_to "$n" "scale"
    settle "at-$n"
    reads "at-$n" 1 "$seconds"
    disk_usage "at-$n"
  done
  stop_server
  disk_usage "after-shutdown"
else
  start_server
  lg setup --scenario setup
  for r in $(seq "$runs"); do lg write --scenario post-single --connections 32 --seconds "$seconds"; done
  for c in 4 32; do
    for r in $(seq "$runs"); do lg write --scenario post-batch --batch 100 --connections $c --seconds "$seconds"; done
  done
  for r in $(seq "$runs"); do lg write --scenario mixed --connections 16 --seconds "$seconds"; done
  preload_to "$store" preload
  settle "at-$store"
  reads "at-$store" "$runs" "$seconds"
  disk_usage "running"
  stop_server
  disk_usage "after-shutdown"
  # The reference limit: the same statements and keys straight into RocksDB.
  for threads in 4 8; do
    for r in $(seq "$runs"); do
      echo "$RAW --threads $threads --statements $raw_statements" >>"$cmds"
      "$RAW" --threads $threads --statements "$raw_statements" | tee >(grep '^#' >&2) | grep '^{' >>"$jsonl"
    done
  done
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(( $(date +%s) - t0 ))

# ---- Report --------------------------------------------------------------------------------
python3 - "$jsonl" "$cmds" "$out" <<PY
import json, statistics, sys
jsonl, cmds, out = sys.argv[1:4]
rows = [json.loads(l) for l in open(jsonl) if l.strip()]
commands = [l.rstrip() for l in open(cmds) if l.strip()]
med = lambda xs: statistics.median(xs) if xs else 0

def fmt(x, unit=""):
    return f"{x:,.0f}{unit}" if x >= 100 else f"{x:.2f}{unit}"

lines = []
w = lines.append
w(f"# lrsd benchmark: $mode run, $started")
w("")
w(f"- Commit: \`$commit\`")
w(f"- Machine: $machine")
w(f"- Load average (1/5/15 min) at start: $load_start; at end: $load_end. The load generator runs on the same cores as lrsd.")
w(f"- Transport: $scheme, keep-alive connections; WAL sync on (lrsd's default). Runs per scenario: $runs, $seconds s each; medians shown.")
w(f"- Build: \`$build_cmd\`")
w(f"- Total time: ${elapsed} s")
w("- Columns: throughput and latency are medians over the runs (a query page is one request); p50/p99 per request. "
  "*cores* = average cores used during the run by lrsd, by the load generator and by every other process on the machine "
  "(from /proc/stat); runs where other processes took much CPU are not comparable with quiet ones. "
  "Peak RSS is lrsd's VmHWM (the process's peak so far).")
w("")

def group(pred):
    g = {}
    for r in rows:
        if pred(r):
            g.setdefault((r["scenario"], r["label"], r.get("connections"), r.get("batch")), []).append(r)
    return g

def table(title, pred):
    g = group(pred)
    if not g:
        return
    w(f"## {title}")
    w("")
    w("| scenario | phase | connections | batch | runs | throughput (median) | p50 | p99 | errors | lrsd peak RSS (VmHWM) | cores: lrsd / client / others |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    for (scenario, label, conns, batch), rs in g.items():
        if scenario.startswith("query-"):
            thr = f"{fmt(med([r['pages_per_s'] for r in rs]))} pages/s ({fmt(med([r['statements_read'] / r['seconds'] for r in rs]))} st/s read)"
        elif scenario in ("post-single", "post-batch", "post", "preload"):
            thr = f"{fmt(med([r['statements_per_s'] for r in rs]))} st/s"
        elif scenario == "mixed":
            thr = f"{fmt(med([r['requests_per_s'] for r in rs]))} req/s ({fmt(med([r['statements_per_s'] for r in rs]))} st/s written)"
        else:
            thr = f"{fmt(med([r['requests_per_s'] for r in rs]))} req/s"
        errors = sum(r["errors"] for r in rs)
        failures = sum(r["verify_failures"] for r in rs)
        flag = f"**{errors}** FLAGGED" if errors else "0"
        if failures:
            flag += f", **{failures} failed checks**"
        rss = max(r.get("rss_hwm_kb", -1) for r in rs)
        batch_text = "1 and 10" if scenario == "mixed" else str(batch)
        phase = ("writes, growing store" if label == "write" else
                 f"{int(label[3:]):,} stored" if label.startswith("at-") and label[3:].isdigit() else label)
        cores = " / ".join(f"{med([r.get(k, -1) for r in rs]):.2f}" for k in ("cpu_lrsd_cores", "cpu_client_cores", "cpu_other_cores"))
        w(f"| {scenario} | {phase} | {conns} | {batch_text} | {len(rs)} | {thr} | {med([r['p50_ms'] for r in rs]):.2f} ms | "
          f"{med([r['p99_ms'] for r in rs]):.2f} ms | {flag} | {rss / 1024:.0f} MB | {cores} |")
    w("")

table("Writes (HTTP scenarios)", lambda r: r.get("label") == "write")
table("Reads", lambda r: str(r.get("label", "")).startswith("at-") and "requests" in r)

segments = [r for r in rows if r["scenario"] == "preload-segment"]
if segments:
    w("## Ingest while preloading (POST batches of 100, 16 connections), per segment")
    w("")
    w("| stored statements | seconds | statements/s |")
    w("|---|---|---|")
    # (per-segment CPU is not sampled; the preload's own line in the JSON has its cores)
    for r in segments:
        w(f"| {r['store_from']:,} – {r['store_to']:,} | {r['seconds']:.1f} | {r['statements_per_s']:,.0f} |")
    w("")
    for r in rows:
        if r["scenario"] == "preload-time":
            w(f"- Store at {r['store']:,} statements after a {r['seconds']} s preload step ({r['label']}).")
        if r["scenario"] == "settle":
            w(f"- Reads at {r['label']} started once compactions had settled, {r['seconds']} s after the preload.")
    w("")

raw = {}
for r in rows:
    if r["scenario"] == "raw-rocksdb":
        raw.setdefault(r["threads"], []).append(r)
if raw:
    w("## Reference limit: the same statements and keys straight into RocksDB (\`raw_rocksdb\`)")
    w("")
    w("| writer threads | statements | runs | statements/s (median) | keys / statement | point reads / statement | batch p50 | batch p99 | cores: self / others |")
    w("|---|---|---|---|---|---|---|---|---|")
    for threads, rs in sorted(raw.items()):
        w(f"| {threads} | {rs[0]['statements']:,} | {len(rs)} | {med([r['statements_per_s'] for r in rs]):,.0f} | "
          f"{rs[0]['keys_per_statement']:.1f} | {rs[0]['reads_per_statement']:.1f} | {med([r['p50_batch_ms'] for r in rs]):.1f} ms | "
          f"{med([r['p99_batch_ms'] for r in rs]):.1f} ms | {med([r.get('cpu_self_cores', -1) for r in rs]):.2f} / "
          f"{med([r.get('cpu_other_cores', -1) for r in rs]):.2f} |")
    w("")
    best_raw = max(med([r["statements_per_s"] for r in rs]) for rs in raw.values())
    batch_groups = group(lambda r: r.get("label") == "write" and r["scenario"] == "post-batch")
    if batch_groups:
        best = max(med([r["statements_per_s"] for r in rs]) for rs in batch_groups.values())
        w(f"lrsd's best batched ingest (median) is **{best:,.0f} st/s = {100 * best / best_raw:.0f}%** of the reference "
          f"limit ({best_raw:,.0f} st/s, best thread count).")
        w("")

disk = [r for r in rows if r["scenario"] == "disk"]
if disk:
    w("## Disk")
    w("")
    for r in disk:
        when = ("after a graceful shutdown (memtables flushed)" if r["label"] == "after-shutdown"
                else f"while lrsd runs ({r['label']})")
        w(f"- {r['bytes']:,} bytes in \`data/db\` for {r['statements']:,} statements: **{r['bytes_per_statement']:,} bytes/statement**, "
          f"as is {when}: no manual compaction, WAL and unflushed memtables' WAL included.")
    w("")

flagged = [r for r in rows if "errors" in r and (r["errors"] or r.get("verify_failures"))]
w("## Errors")
w("")
w("None: every request answered 2xx and every check held." if not flagged else
  f"**{len(flagged)} runs had errors or failed checks** (see the JSON lines): " +
  ", ".join(sorted({r['scenario'] for r in flagged})))
w("")
w("## Commands")
w("")
w("\`\`\`")
w("$build_cmd")
for c in commands:
    w(c)
w("\`\`\`")
w("")
w(f"Raw JSON lines: \`{jsonl}\`.")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(2 if flagged else 0)
PY
