#!/bin/sh
# The load run of README's "Serving a large catalogue": harvest serve on a
# synthetic catalogue, measured with wrk (Debian: apt-get install wrk).
#
#   internal/bench/load.sh [N]        # N publications, default 500000
#
# Environment: DB (catalogue file, default /tmp/harvest-load/catN.db; made
# with harvest bench catalogue when missing), PORT (default 18080),
# DURATION (seconds per wrk run, default 10), OUT (directory of the raw wrk
# outputs, default /tmp/harvest-load).
#
# It prints, per request: one client (requests/s, p50, p99, max), 32
# clients (requests/s, p99, max, errors and timeouts), the same single
# client while a bulk writer saves records (harvest bench catalogue into
# the same file), and the peak RSS of harvest serve.
set -eu

N=${1:-500000}
OUT=${OUT:-/tmp/harvest-load}
DB=${DB:-$OUT/cat$N.db}
PORT=${PORT:-18080}
DURATION=${DURATION:-10}
BASE=http://127.0.0.1:$PORT
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

cd "$(dirname "$0")/../.."
go build -o "$OUT/harvest" ./cmd/harvest
H=$OUT/harvest

if [ ! -e "$DB" ]; then
	echo "== filling $DB with $N publications"
	/usr/bin/time -f "bench catalogue: %e s wall, %M KB peak RSS" "$H" bench catalogue --publications "$N" --db "$DB"
fi
ls -l "$DB"
echo "machine: $(nproc) cores; $(uptime)"

# First without the response cache: what each answer costs to read and
# render. ("harvest serve" keeps answers by ETag until the catalogue
# changes; that is measured after.)
"$H" serve --no-response-cache --db "$DB" --addr 127.0.0.1:$PORT >"$OUT/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do
	curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
	sleep 0.2
done

# The requests measured. A tag and a source of the synthetic catalogue.
TAG=$(curl -fsS "$BASE/api/publications?limit=1&order=newest" | sed -n 's/.*"tags": *\[ *"\([^"]*\)".*/\1/p' | head -1)
TAG=${TAG:-fisheries}
SOURCE=fair-watch
enc() { printf '%s' "$1" | sed 's/ /+/g'; }
set -- \
	"page /" \
	"feed /feed.atom" \
	"search-page /?q=fisheries" \
	"search-api /api/publications?q=fisheries&limit=20" \
	"filtered-list /api/publications?tag=$(enc "$TAG")&limit=50" \
	"source-list /api/publications?source=$SOURCE&order=newest&limit=50" \
	"api-list /api/publications?limit=50" \
	"api-next-page /api/publications?limit=50&order=newest&cursor=CURSOR" \
	"search-every-record /api/publications?q=workers&limit=20"

CURSOR=$(curl -fsS "$BASE/api/publications?limit=50&order=newest" | sed -n 's/.*"next_cursor": *"\([^"]*\)".*/\1/p')

url() { printf '%s' "$1" | sed "s|CURSOR|$CURSOR|"; }

# Warm up: each request once, then the OS cache holds what they read.
for spec in "$@"; do
	u=$(url "${spec#* }")
	curl -fsS -o /dev/null -w "warm-up ${spec%% *}: %{http_code} %{time_total}s\n" "$BASE$u"
done

# wrk's latency distribution: p50, p99 and max, in ms.
ms() { awk -v want="$1" '
	function toms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; if (v ~ /m$/) return v*60000; return v }
	want == "max" && $1 == "Latency" { print toms($4) }
	want == "50" && $1 == "50%" { print toms($2) }
	want == "99" && $1 == "99%" { print toms($2) }' "$2"; }
rps() { awk '$1 == "Requests/sec:" { print int($2) }' "$1"; }
errs() { awk '/Non-2xx|Socket errors/ { printf "%s ", $0 }' "$1"; }

run() { # name url threads connections file
	wrk -t"$3" -c"$4" -d"${DURATION}s" --timeout 5s --latency "$BASE$2" >"$5" 2>&1 || true
}

echo
echo "== harvest serve --no-response-cache: one client, then 32 clients ($DURATION s each)"
printf '%-20s %10s %8s %8s %8s | %10s %8s %8s %s\n' request "1c req/s" p50 p99 max "32c req/s" p99 max errors
for spec in "$@"; do
	name=${spec%% *}
	u=$(url "${spec#* }")
	run "$name" "$u" 1 1 "$OUT/$name.1.txt"
	run "$name" "$u" 2 32 "$OUT/$name.32.txt"
	printf '%-20s %10s %8s %8s %8s | %10s %8s %8s %s\n' "$name" \
		"$(rps "$OUT/$name.1.txt")" "$(ms 50 "$OUT/$name.1.txt")" "$(ms 99 "$OUT/$name.1.txt")" "$(ms max "$OUT/$name.1.txt")" \
		"$(rps "$OUT/$name.32.txt")" "$(ms 99 "$OUT/$name.32.txt")" "$(ms max "$OUT/$name.32.txt")" "$(errs "$OUT/$name.32.txt")"
done

# Different listings, request after request: the response cache rarely
# answers (200 sources x 11 or 21 limits, 60-80 KB each, against 32 MB).
for spec in "page-distinct /?source=%s&limit=%d 15 25" "api-list-distinct /api/publications?source=%s&order=newest&limit=%d 40 60"; do
	set -- $spec
	PATHFMT=$2 LIMITLO=$3 LIMITHI=$4 wrk -t2 -c32 -d"${DURATION}s" --timeout 5s --latency -s internal/bench/distinct.lua "$BASE/" >"$OUT/$1.32.txt" 2>&1 || true
	PATHFMT=$2 LIMITLO=$3 LIMITHI=$4 wrk -t1 -c1 -d"${DURATION}s" --timeout 5s --latency -s internal/bench/distinct.lua "$BASE/" >"$OUT/$1.1.txt" 2>&1 || true
	printf '%-20s %10s %8s %8s %8s | %10s %8s %8s %s\n' "$1" \
		"$(rps "$OUT/$1.1.txt")" "$(ms 50 "$OUT/$1.1.txt")" "$(ms 99 "$OUT/$1.1.txt")" "$(ms max "$OUT/$1.1.txt")" \
		"$(rps "$OUT/$1.32.txt")" "$(ms 99 "$OUT/$1.32.txt")" "$(ms max "$OUT/$1.32.txt")" "$(errs "$OUT/$1.32.txt")"
done

echo
echo "== harvest serve --no-response-cache: $(grep -E '^(VmHWM|VmRSS)' /proc/$SERVE/status | tr -s ' \t' ' ' | tr '\n' ' ')"
kill $SERVE; wait $SERVE 2>/dev/null || true

# harvest serve as it is run: the same requests, 32 clients.
"$H" serve --db "$DB" --addr 127.0.0.1:$PORT >"$OUT/serve-cached.log" 2>&1 &
SERVE=$!
for _ in $(seq 50); do
	curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
	sleep 0.2
done
for spec in "page /" "feed /feed.atom" "search-page /?q=fisheries" "filtered-list /api/publications?tag=$(enc "$TAG")&limit=50" "api-list /api/publications?limit=50"; do
	curl -fsS -o /dev/null "$BASE$(url "${spec#* }")" # warm-up: the first answer is rendered and kept
done
echo
echo "== harvest serve (response cache on), 32 clients"
printf '%-20s %10s %8s %8s %s\n' request "req/s" p99 max errors
set -- \
	"page /" \
	"feed /feed.atom" \
	"search-page /?q=fisheries" \
	"filtered-list /api/publications?tag=$(enc "$TAG")&limit=50" \
	"api-list /api/publications?limit=50"
for spec in "$@"; do
	name=${spec%% *}
	u=$(url "${spec#* }")
	run "$name" "$u" 2 32 "$OUT/$name.cached.32.txt"
	printf '%-20s %10s %8s %8s %s\n' "$name" "$(rps "$OUT/$name.cached.32.txt")" "$(ms 99 "$OUT/$name.cached.32.txt")" "$(ms max "$OUT/$name.cached.32.txt")" "$(errs "$OUT/$name.cached.32.txt")"
done
for spec in "page-distinct /?source=%s&limit=%d 15 25" "api-list-distinct /api/publications?source=%s&order=newest&limit=%d 40 60"; do
	set -- $spec
	PATHFMT=$2 LIMITLO=$3 LIMITHI=$4 wrk -t2 -c32 -d"${DURATION}s" --timeout 5s --latency -s internal/bench/distinct.lua "$BASE/" >"$OUT/$1.cached.32.txt" 2>&1 || true
	printf '%-20s %10s %8s %8s %s\n' "$1" "$(rps "$OUT/$1.cached.32.txt")" "$(ms 99 "$OUT/$1.cached.32.txt")" "$(ms max "$OUT/$1.cached.32.txt")" "$(errs "$OUT/$1.cached.32.txt")"
done

# Polling: a 304 costs one read of the catalogue's version.
ETAG=$(curl -fsS -D - -o /dev/null "$BASE/" | awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }')
wrk -t2 -c32 -d"${DURATION}s" --latency -H "If-None-Match: $ETAG" "$BASE/" >"$OUT/page-304.32.txt" 2>&1 || true
echo "page answered 304 (If-None-Match), 32 clients: $(rps "$OUT/page-304.32.txt") req/s, p99 $(ms 99 "$OUT/page-304.32.txt") ms"

# Peak memory of serve, before the writing phase restarts it.
echo
echo "== harvest serve (response cache on): $(grep -E '^(VmHWM|VmRSS)' /proc/$SERVE/status | tr -s ' \t' ' ' | tr '\n' ' ')"
kill $SERVE; wait $SERVE 2>/dev/null || true

# Writing at the same time: on a copy, so that the catalogue measured
# above stays as it is for the next run, without the response cache (a
# writer changes the catalogue many times a second, so the cache would
# rarely answer anyway, and alone it would answer every time). The writer
# saves one record per transaction, as a crawl does, as fast as it can.
echo
echo "== one client alone, then while a writer saves records into the same catalogue (a copy)"
cp "$DB" "$OUT/writing.db"
rm -f "$OUT/writing.db-wal" "$OUT/writing.db-shm"
sync # the copy's pages on disk before measuring, not flushed during it
"$H" serve --no-response-cache --db "$OUT/writing.db" --addr 127.0.0.1:$PORT >"$OUT/serve-writing.log" 2>&1 &
SERVE=$!
for _ in $(seq 50); do
	curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
	sleep 0.2
done
set -- \
	"page /" \
	"feed /feed.atom" \
	"search-page /?q=fisheries" \
	"search-api /api/publications?q=fisheries&limit=20" \
	"filtered-list /api/publications?tag=$(enc "$TAG")&limit=50" \
	"api-list /api/publications?limit=50" \
	"source-list /api/publications?source=$SOURCE&order=newest&limit=50"
for spec in "$@"; do
	u=$(url "${spec#* }")
	curl -fsS -o /dev/null "$BASE$u"
	run "${spec%% *}" "$u" 1 1 "$OUT/${spec%% *}.alone.txt"
done
before=$(curl -fsS "$BASE/healthz" | sed -n 's/.*"publications": *\([0-9]*\).*/\1/p')
"$H" bench catalogue --publications 1000000 --batch 1 --seed 7 --removed 0 --db "$OUT/writing.db" >"$OUT/writer.log" 2>&1 &
WRITER=$!
sleep 2
t0=$(date +%s)
printf '%-20s %10s %8s %8s %8s   %s\n' request "req/s" p50 p99 max "p50, p99 vs alone"
for spec in "$@"; do
	name=${spec%% *}
	u=$(url "${spec#* }")
	run "$name" "$u" 1 1 "$OUT/$name.writing.txt"
	printf '%-20s %10s %8s %8s %8s   %s\n' "$name" "$(rps "$OUT/$name.writing.txt")" "$(ms 50 "$OUT/$name.writing.txt")" "$(ms 99 "$OUT/$name.writing.txt")" \
		"$(ms max "$OUT/$name.writing.txt")" \
		"$(awk -v a="$(ms 50 "$OUT/$name.alone.txt")" -v b="$(ms 50 "$OUT/$name.writing.txt")" -v c="$(ms 99 "$OUT/$name.alone.txt")" -v d="$(ms 99 "$OUT/$name.writing.txt")" \
			'BEGIN { printf "%.1fx, %.1fx (alone: p50 %s, p99 %s ms)", b/a, d/c, a, c }')"
done
t1=$(date +%s)
after=$(curl -fsS "$BASE/healthz" | sed -n 's/.*"publications": *\([0-9]*\).*/\1/p')
kill "$WRITER" 2>/dev/null || true
wait "$WRITER" 2>/dev/null || true
echo "writer: the catalogue held ${before:-?} records before it, ${after:-?} after, $((t1 - t0)) s of measuring"
echo "machine at the end: $(uptime)"
