#!/usr/bin/env bash
# Throwaway Apache Kafka (KRaft, one combined broker+controller) and ClickHouse, run as plain
# processes (no Docker needed) for the project's tests and benchmarks.
#
#   scripts/services.sh up [DIR]        install what is missing, wipe DIR, start both on free ports,
#                                       wait until both answer, write DIR/env and print it
#   scripts/services.sh down [DIR]      stop both (SIGTERM, wait, SIGKILL); idempotent
#   scripts/services.sh status [DIR]    say what runs (exit 0 only when both run)
#   scripts/services.sh kafka-stop|kafka-start [DIR]            stop / restart only the broker
#   scripts/services.sh clickhouse-stop|clickhouse-start [DIR]  same for ClickHouse
#                                       (restarts reuse the same ports and the same data)
#
# DIR defaults to $DORA_SERVICES_DIR, else <repo>/.services. `up` prints the `export` lines on
# stdout (progress goes to stderr), so `eval "$(scripts/services.sh up)"` also works.
#
# Exit codes of `up`/`*-start`: 0 ok, 2 usage, 3 install failed, 11 Kafka not provided,
# 12 ClickHouse not provided, 13 neither provided.
#
# Tunables (environment): SERVICES_TIMEOUT (seconds to wait for readiness, default 120),
# SERVICES_STOP_TIMEOUT (seconds between SIGTERM and SIGKILL, default 30),
# KAFKA_LIB_DIR (broker jars cache, default ~/.cache/dora-kafka-3.9.1/lib),
# KAFKA_HEAP_OPTS (default "-Xmx512m -Xms256m"), CLICKHOUSE_CONFIG
# (default /etc/clickhouse-server/config.xml).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"

KAFKA_VERSION=3.9.1
KAFKA_POM="$SCRIPT_DIR/kafka/pom.xml"
KAFKA_LIB="${KAFKA_LIB_DIR:-${HOME:-/root}/.cache/dora-kafka-$KAFKA_VERSION/lib}"
KAFKA_HEAP="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
CH_CONFIG="${CLICKHOUSE_CONFIG:-/etc/clickhouse-server/config.xml}"
TIMEOUT="${SERVICES_TIMEOUT:-120}"
STOP_TIMEOUT="${SERVICES_STOP_TIMEOUT:-30}"
MARKER=".dora-services"

EXIT_USAGE=2
EXIT_INSTALL=3
EXIT_KAFKA=11
EXIT_CLICKHOUSE=12
EXIT_BOTH=13

# ---------------------------------------------------------------------------------------------
# small helpers

log() { printf '[services] %s\n' "$*" >&2; }
die() {
  local code="$1"
  shift
  printf '[services] ERROR: %s\n' "$*" >&2
  exit "$code"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

usage() { # [exit-code]
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2
  exit "${1:-$EXIT_USAGE}"
}

# Resolve the state folder to an absolute path (without trailing slash).
resolve_state() {
  local dir="${1:-${DORA_SERVICES_DIR:-$REPO/.services}}"
  case "$dir" in
    /*) ;;
    *) dir="$PWD/$dir" ;;
  esac
  while [ "${#dir}" -gt 1 ] && [ "${dir%/}" != "$dir" ]; do dir="${dir%/}"; done
  STATE="$dir"
  LOGS="$STATE/logs"
  PORTS_FILE="$STATE/ports.env"
  KAFKA_PID="$STATE/kafka.pid"
  CH_PID="$STATE/clickhouse.pid"
  KAFKA_PROPS="$STATE/kafka/server.properties"
  KAFKA_LOG4J="$STATE/kafka/log4j.properties"
  CH_DATA="$STATE/clickhouse/data"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "$EXIT_INSTALL" "need root (or sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 ||
    die "$EXIT_INSTALL" "cannot install $* automatically: apt-get not found (install it by hand)"
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 ||
      die "$EXIT_INSTALL" "apt-get update failed"
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2 ||
    die "$EXIT_INSTALL" "apt-get install $* failed"
}

# ---------------------------------------------------------------------------------------------
# processes: pid files, identity checks, stopping

# The command line a process of this state folder must contain (so that a reused pid, or a
# service of another state folder, is never touched).
kafka_signature() { printf '%s' "$KAFKA_PROPS"; }
ch_signature() { printf '%s' "--path=$CH_DATA/"; }

proc_cmdline() { { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null || true; }

proc_alive() { # pid -> 0 when the process exists and is not a zombie
  local pid="$1" state
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  state="$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null || true)"
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# pid_of <pidfile> <signature>: print the pid when that process runs and is ours.
pid_of() {
  local pidfile="$1" sig="$2" pid
  [ -f "$pidfile" ] || return 1
  pid="$(tr -dc '0-9' <"$pidfile")"
  proc_alive "$pid" || return 1
  case "$(proc_cmdline "$pid")" in
    *"$sig"*) printf '%s' "$pid" ;;
    *) return 1 ;;
  esac
}

# Processes (other than the pid files') whose command line carries a signature: leftovers of a
# previous run in the same state folder whose pid file was lost or overwritten.
pids_with_signature() {
  local sig="$1" p cmd
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [ "$p" = "$$" ] && continue
    cmd="$(proc_cmdline "$p")"
    case "$cmd" in
      *services.sh*) continue ;;
      *"$sig"*) proc_alive "$p" && printf '%s\n' "$p" ;;
    esac
  done
  return 0
}

# terminate <name> <pid>: SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL.
terminate() {
  local name="$1" pid="$2" t0 deadline
  t0="$(now)"
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + STOP_TIMEOUT))
  while proc_alive "$pid"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$name (pid $pid) still running ${STOP_TIMEOUT}s after SIGTERM: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 10))
      while proc_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
      proc_alive "$pid" && log "WARNING: $name (pid $pid) survived SIGKILL"
      break
    fi
    sleep 0.2
  done
  log "$name stopped (pid $pid, $(elapsed "$t0")s)"
}

stop_service() { # <name> <pidfile> <signature>
  local name="$1" pidfile="$2" sig="$3" pid found=0
  if pid="$(pid_of "$pidfile" "$sig")"; then
    terminate "$name" "$pid"
    found=1
  fi
  for pid in $(pids_with_signature "$sig"); do
    log "$name: stopping leftover process $pid"
    terminate "$name" "$pid"
    found=1
  done
  rm -f "$pidfile"
  [ "$found" = 1 ] || log "$name is not running"
}

stop_kafka() { stop_service kafka "$KAFKA_PID" "$(kafka_signature)"; }
stop_clickhouse() { stop_service clickhouse "$CH_PID" "$(ch_signature)"; }

# launch <pidfile> <outfile> cmd...: start cmd in its own session, detached from our stdio
# (so Ctrl-C in a terminal or a closed pipe never hits it), and record its pid.
launch() {
  local pidfile="$1" out="$2" i
  shift 2
  rm -f "$pidfile"
  if command -v setsid >/dev/null 2>&1; then
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$out" 2>&1 </dev/null &
  else
    nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$out" 2>&1 </dev/null &
  fi
  for i in $(seq 1 100); do
    [ -s "$pidfile" ] && return 0
    sleep 0.05
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# install

find_clickhouse() {
  local c
  for c in "$(command -v clickhouse-server 2>/dev/null || true)" /usr/sbin/clickhouse-server \
    /usr/bin/clickhouse-server; do
    if [ -n "$c" ] && [ -x "$c" ]; then
      printf '%s' "$c"
      return 0
    fi
  done
  return 1
}

ensure_clickhouse() {
  if ! CH_BIN="$(find_clickhouse)" || [ ! -f "$CH_CONFIG" ]; then
    log "ClickHouse server not installed: installing the Debian packages"
    apt_install clickhouse-server clickhouse-client
    CH_BIN="$(find_clickhouse)" || die "$EXIT_INSTALL" "clickhouse-server still missing after apt-get install"
  fi
  [ -f "$CH_CONFIG" ] || die "$EXIT_INSTALL" "ClickHouse config $CH_CONFIG not found (set CLICKHOUSE_CONFIG)"
}

java_major() {
  java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

ensure_java() {
  if ! command -v java >/dev/null 2>&1; then
    log "java not found: installing OpenJDK 17"
    apt_install openjdk-17-jre-headless
  fi
  local major
  major="$(java_major)"
  [ -n "$major" ] && [ "$major" -ge 11 ] ||
    die "$EXIT_INSTALL" "Kafka $KAFKA_VERSION needs Java 11+ (17 recommended); found: $(java -version 2>&1 | head -1)"
}

kafka_jars_ok() {
  [ -f "$KAFKA_LIB/.complete" ] && [ -f "$KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar" ] &&
    [ "$(cat "$KAFKA_LIB/.complete")" = "$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)" ]
}

ensure_kafka_jars() {
  kafka_jars_ok && return 0
  [ -f "$KAFKA_POM" ] || die "$EXIT_INSTALL" "missing $KAFKA_POM"
  if ! command -v mvn >/dev/null 2>&1; then
    log "mvn not found: installing Maven"
    apt_install maven
  fi
  mkdir -p "$(dirname "$KAFKA_LIB")"
  (
    # Serialise concurrent downloads (several state folders starting at once).
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    kafka_jars_ok && exit 0
    local_t0="$(now)"
    tmp="$KAFKA_LIB.tmp.$$"
    rm -rf "$tmp"
    log "fetching the Kafka $KAFKA_VERSION broker jars with Maven into $KAFKA_LIB"
    # Maven's output goes to a file (even -q -B prints colour resets); shown only on failure.
    if ! mvn -q -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" >"$KAFKA_LIB.mvn.log" 2>&1; then
      sed 's/\x1b\[[0-9;]*m//g' "$KAFKA_LIB.mvn.log" | tail -n 40 >&2
      rm -rf "$tmp"
      exit 1
    fi
    [ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ] || {
      rm -rf "$tmp"
      exit 1
    }
    rm -rf "$KAFKA_LIB"
    mv "$tmp" "$KAFKA_LIB"
    sha256sum "$KAFKA_POM" | cut -d' ' -f1 >"$KAFKA_LIB/.complete"
    log "Kafka jars ready ($(ls "$KAFKA_LIB" | wc -l) files, $(elapsed "$local_t0")s)"
  ) 9>"$KAFKA_LIB.lock" || die "$EXIT_INSTALL" "could not fetch the Kafka broker jars with Maven (see above)"
}

ensure_node() {
  command -v node >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1 ||
    die "$EXIT_INSTALL" "need node (or python3) to pick free ports"
}

install_all() {
  ensure_node
  ensure_clickhouse
  ensure_java
  ensure_kafka_jars
}

# ---------------------------------------------------------------------------------------------
# ports and configuration

# free_ports N: N distinct TCP ports free on 127.0.0.1. Candidates are drawn below the kernel's
# ephemeral range (so a client's outgoing connection cannot take a port while a service is
# stopped for a restart); falls back to ports the kernel hands out for port 0.
free_ports() {
  local n="$1"
  if command -v node >/dev/null 2>&1; then
    node -e '
const net = require("net");
const n = Number(process.argv[1]);
const held = [];
const tryBind = (port) => new Promise((resolve) => {
  const s = net.createServer();
  s.once("error", () => resolve(null));
  s.listen({ host: "127.0.0.1", port, exclusive: true }, () => resolve(s));
});
(async () => {
  for (let attempt = 0; held.length < n && attempt < 500; attempt++) {
    const port = attempt < 400 ? 20000 + Math.floor(Math.random() * 12000) : 0;
    const s = await tryBind(port);
    if (s) held.push(s);
  }
  if (held.length < n) { console.error("could not find free ports"); process.exit(1); }
  const ports = held.map((s) => s.address().port);
  await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  console.log(ports.join(" "));
})();' "$n"
  else
    python3 - "$n" <<'PY'
import random, socket, sys
n = int(sys.argv[1]); held = []
for attempt in range(500):
    if len(held) >= n: break
    port = 20000 + random.randrange(12000) if attempt < 400 else 0
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port)); s.listen(1); held.append(s)
    except OSError:
        s.close()
if len(held) < n: sys.exit("could not find free ports")
print(" ".join(str(s.getsockname()[1]) for s in held))
for s in held: s.close()
PY
  fi
}

load_ports() {
  [ -f "$PORTS_FILE" ] || die "$EXIT_USAGE" "no services were set up in $STATE (run: scripts/services.sh up)"
  # shellcheck disable=SC1090
  . "$PORTS_FILE"
}

kafka_cluster_id() {
  if command -v node >/dev/null 2>&1; then
    node -e '
const c = require("crypto");
let id;
do { id = c.randomBytes(16).toString("base64url"); } while (id.startsWith("-"));
console.log(id);'
  else
    java -cp "$KAFKA_LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1
  fi
}

write_kafka_config() {
  mkdir -p "$STATE/kafka/data"
  cat >"$KAFKA_PROPS" <<EOF
# Throwaway single-node KRaft cluster written by scripts/services.sh (tests only).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$STATE/kafka/data

# single node: every replication factor / ISR is 1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
default.replication.factor=1
min.insync.replicas=1

# test friendliness
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=4

# small and memory friendly (2-core machines)
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
num.replica.fetchers=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=8388608
log.segment.bytes=67108864
log.index.size.max.bytes=1048576
EOF
  cat >"$KAFKA_LOG4J" <<EOF
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$LOGS/kafka.log
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  # log4j for short-lived Kafka tools (storage format, api-versions probe): errors to stderr.
  cat >"$STATE/kafka/tools-log4j.properties" <<'EOF'
log4j.rootLogger=ERROR, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

format_kafka_storage() {
  local id out
  id="$(kafka_cluster_id)"
  # The quorum is static (controller.quorum.voters), so the storage is formatted without
  # --standalone: Kafka 3.9 accepts that flag, but it bootstraps a *dynamic* voter set, which
  # belongs with controller.quorum.bootstrap.servers instead.
  if ! out="$(java -Dlog4j.configuration="file:$STATE/kafka/tools-log4j.properties" -cp "$KAFKA_LIB/*" \
    kafka.tools.StorageTool format -t "$id" -c "$KAFKA_PROPS" 2>&1)"; then
    printf '%s\n' "$out" >&2
    return 1
  fi
  printf '%s\n' "$out" >>"$LOGS/kafka.out"
}

# ---------------------------------------------------------------------------------------------
# starting and readiness

start_kafka_process() {
  # shellcheck disable=SC2086
  launch "$KAFKA_PID" "$LOGS/kafka.out" java $KAFKA_HEAP -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j.configuration="file:$KAFKA_LOG4J" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_PROPS"
}

start_clickhouse_process() {
  mkdir -p "$CH_DATA" "$STATE/clickhouse/tmp" "$STATE/clickhouse/user_files" \
    "$STATE/clickhouse/format_schemas"
  # Everything after `--` overrides config.xml. listen_host=127.0.0.1 replaces the config's
  # 127.0.0.1 + ::1 pair (a port free on IPv4 could be taken on ::1); every port the default
  # config opens (http 8123, tcp 9000, interserver 9009) gets a free one.
  launch "$CH_PID" "$LOGS/clickhouse.out" "$CH_BIN" --config-file="$CH_CONFIG" -- \
    --path="$CH_DATA/" \
    --tmp_path="$STATE/clickhouse/tmp/" \
    --user_files_path="$STATE/clickhouse/user_files/" \
    --format_schema_path="$STATE/clickhouse/format_schemas/" \
    --logger.log="$LOGS/clickhouse.log" \
    --logger.errorlog="$LOGS/clickhouse.err.log" \
    --listen_host=127.0.0.1 \
    --http_port="$CLICKHOUSE_HTTP_PORT" \
    --tcp_port="$CLICKHOUSE_TCP_PORT" \
    --interserver_http_port="$CLICKHOUSE_INTERSERVER_PORT" \
    --mark_cache_size=268435456 \
    --uncompressed_cache_size=268435456
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_get() { # url -> body
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -m 5 "$1" 2>/dev/null
  else
    node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(5000) })
      .then(async (r) => { if (!r.ok) process.exit(1); process.stdout.write(await r.text()); })
      .catch(() => process.exit(1));' "$1"
  fi
}

clickhouse_answers() {
  local body
  body="$(http_get "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/ping")" || return 1
  [ "$body" = "Ok." ] || return 1
  body="$(http_get "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/?query=SELECT%201")" || return 1
  [ "$body" = "1" ]
}

kafkajs_available() {
  (cd "$REPO" && node -e 'require.resolve("kafkajs")') >/dev/null 2>&1
}

# A metadata round trip: describeCluster (our broker is registered and a controller is known)
# plus listTopics. kafkajs when the repo has it, else Kafka's own api-versions tool.
kafka_answers() {
  port_open "$KAFKA_PORT" || return 1
  if command -v node >/dev/null 2>&1 && kafkajs_available; then
    (cd "$REPO" && timeout 30 node -e '
const { Kafka, logLevel } = require("kafkajs");
const kafka = new Kafka({ clientId: "services-sh-probe", brokers: [process.argv[1]],
  logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 5000, retry: { retries: 0 } });
const admin = kafka.admin();
setTimeout(() => process.exit(2), 20000).unref();
(async () => {
  await admin.connect();
  const cluster = await admin.describeCluster();
  if (!cluster.brokers.length || cluster.controller == null) throw new Error("no brokers/controller yet");
  await admin.listTopics();
  await admin.disconnect();
})().then(() => process.exit(0), () => process.exit(1));' "127.0.0.1:$KAFKA_PORT") >/dev/null 2>&1
  else
    timeout 60 java -Dlog4j.configuration="file:$STATE/kafka/tools-log4j.properties" -cp "$KAFKA_LIB/*" \
      kafka.admin.BrokerApiVersionsCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1
  fi
}

print_log_tail() { # <file>...
  local f
  for f in "$@"; do
    [ -s "$f" ] || continue
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 30 "$f" >&2
  done
}

# wait_ready <name> <check-fn> <pidfile> <signature> <deadline> <logs...>
wait_ready() {
  local name="$1" check="$2" pidfile="$3" sig="$4" deadline="$5" t0 pid
  shift 5
  t0="$(now)"
  while :; do
    if ! pid="$(pid_of "$pidfile" "$sig")"; then
      printf '[services] ERROR: %s exited during startup (see logs below)\n' "$name" >&2
      print_log_tail "$@"
      return 1
    fi
    if "$check"; then
      log "$name is ready (pid $pid, $(elapsed "$t0")s)"
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      printf '[services] ERROR: %s (pid %s) did not answer within %ss\n' "$name" "$pid" "$TIMEOUT" >&2
      print_log_tail "$@"
      return 1
    fi
    sleep 0.5
  done
}

wait_kafka() {
  wait_ready "Kafka on 127.0.0.1:$KAFKA_PORT" kafka_answers "$KAFKA_PID" "$(kafka_signature)" "$1" \
    "$LOGS/kafka.out" "$LOGS/kafka.log"
}

wait_clickhouse() {
  wait_ready "ClickHouse on http://127.0.0.1:$CLICKHOUSE_HTTP_PORT" clickhouse_answers "$CH_PID" \
    "$(ch_signature)" "$1" "$LOGS/clickhouse.out" "$LOGS/clickhouse.err.log" "$LOGS/clickhouse.log"
}

env_lines() {
  cat <<EOF
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export CLICKHOUSE_URL=http://127.0.0.1:$CLICKHOUSE_HTTP_PORT
export CLICKHOUSE_USER=default
export CLICKHOUSE_PASSWORD=
EOF
}

# ---------------------------------------------------------------------------------------------
# commands

wipe_state() {
  case "$STATE" in
    / | "$REPO" | "${HOME:-/root}" | /tmp | /var | /usr | /etc | /root | /home)
      die "$EXIT_USAGE" "refusing to use $STATE as the throwaway state folder"
      ;;
  esac
  if [ -e "$STATE" ]; then
    [ -d "$STATE" ] || die "$EXIT_USAGE" "$STATE exists and is not a directory"
    if [ ! -f "$STATE/$MARKER" ] && [ -n "$(ls -A "$STATE")" ]; then
      die "$EXIT_USAGE" "$STATE is not empty and was not made by services.sh (no $MARKER): refusing to wipe it"
    fi
    rm -rf "$STATE"
  fi
  mkdir -p "$STATE" "$LOGS"
  printf 'state folder of scripts/services.sh; wiped at every `up`\n' >"$STATE/$MARKER"
}

cmd_up() {
  local t0 deadline fail=0
  t0="$(now)"
  # Leftovers of a previous `up` in this folder go first (before the wipe loses the pid files).
  if [ -d "$STATE" ]; then
    stop_kafka 2>&1 | grep -v 'is not running' >&2 || true
    stop_clickhouse 2>&1 | grep -v 'is not running' >&2 || true
  fi
  install_all
  wipe_state

  local ports
  ports="$(free_ports 5)" || die "$EXIT_USAGE" "could not pick free ports"
  set -- $ports
  cat >"$PORTS_FILE" <<EOF
KAFKA_PORT=$1
KAFKA_CONTROLLER_PORT=$2
CLICKHOUSE_HTTP_PORT=$3
CLICKHOUSE_TCP_PORT=$4
CLICKHOUSE_INTERSERVER_PORT=$5
EOF
  load_ports
  log "state folder: $STATE"
  log "ports: kafka $KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT), clickhouse http $CLICKHOUSE_HTTP_PORT tcp $CLICKHOUSE_TCP_PORT interserver $CLICKHOUSE_INTERSERVER_PORT"

  # ClickHouse starts first (it is quick); the JVM formats Kafka's storage meanwhile.
  start_clickhouse_process || fail=$((fail | 2))
  write_kafka_config
  if ! format_kafka_storage; then
    log "ERROR: formatting the Kafka storage failed"
    fail=$((fail | 1))
  elif ! start_kafka_process; then
    fail=$((fail | 1))
  fi

  deadline=$((SECONDS + TIMEOUT))
  if [ $((fail & 2)) = 0 ]; then wait_clickhouse "$deadline" || fail=$((fail | 2)); fi
  if [ $((fail & 1)) = 0 ]; then wait_kafka "$deadline" || fail=$((fail | 1)); fi

  if [ "$fail" != 0 ]; then
    local what code
    case "$fail" in
      1) what="Kafka" code=$EXIT_KAFKA ;;
      2) what="ClickHouse" code=$EXIT_CLICKHOUSE ;;
      *) what="Kafka and ClickHouse" code=$EXIT_BOTH ;;
    esac
    log "stopping what did start (logs stay in $LOGS)"
    stop_kafka 2>&1 | grep -v 'is not running' >&2 || true
    stop_clickhouse 2>&1 | grep -v 'is not running' >&2 || true
    die "$code" "could not provide: $what"
  fi

  env_lines >"$STATE/env"
  log "both services up in $(elapsed "$t0")s; settings written to $STATE/env"
  env_lines
}

cmd_down() {
  if [ ! -d "$STATE" ]; then
    log "nothing to stop ($STATE does not exist)"
    return 0
  fi
  stop_kafka
  stop_clickhouse
  rm -f "$STATE/env"
}

cmd_status() {
  local pid rc=0
  if [ ! -f "$PORTS_FILE" ]; then
    echo "no services set up in $STATE"
    return 3
  fi
  load_ports
  if pid="$(pid_of "$KAFKA_PID" "$(kafka_signature)")"; then
    if port_open "$KAFKA_PORT"; then
      echo "kafka: running (pid $pid) on 127.0.0.1:$KAFKA_PORT, port accepts connections"
    else
      echo "kafka: running (pid $pid) on 127.0.0.1:$KAFKA_PORT, port NOT accepting yet"
      rc=3
    fi
  else
    echo "kafka: stopped (port $KAFKA_PORT reserved for kafka-start)"
    rc=3
  fi
  if pid="$(pid_of "$CH_PID" "$(ch_signature)")"; then
    if clickhouse_answers; then
      echo "clickhouse: running (pid $pid) on http://127.0.0.1:$CLICKHOUSE_HTTP_PORT (tcp $CLICKHOUSE_TCP_PORT), answers /ping"
    else
      echo "clickhouse: running (pid $pid) on http://127.0.0.1:$CLICKHOUSE_HTTP_PORT, NOT answering"
      rc=3
    fi
  else
    echo "clickhouse: stopped (http port $CLICKHOUSE_HTTP_PORT reserved for clickhouse-start)"
    rc=3
  fi
  echo "state: $STATE (logs in $LOGS)"
  return "$rc"
}

cmd_kafka_start() {
  load_ports
  [ -f "$KAFKA_PROPS" ] || die "$EXIT_USAGE" "no Kafka configuration in $STATE (run: scripts/services.sh up)"
  if pid_of "$KAFKA_PID" "$(kafka_signature)" >/dev/null; then
    log "kafka already running on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  ensure_java
  kafka_jars_ok || ensure_kafka_jars
  start_kafka_process || die "$EXIT_KAFKA" "could not launch the Kafka broker"
  wait_kafka $((SECONDS + TIMEOUT)) || {
    stop_kafka >/dev/null 2>&1 || true
    die "$EXIT_KAFKA" "could not provide: Kafka"
  }
}

cmd_clickhouse_start() {
  load_ports
  [ -d "$CH_DATA" ] || die "$EXIT_USAGE" "no ClickHouse data in $STATE (run: scripts/services.sh up)"
  if pid_of "$CH_PID" "$(ch_signature)" >/dev/null; then
    log "clickhouse already running on http://127.0.0.1:$CLICKHOUSE_HTTP_PORT"
    return 0
  fi
  CH_BIN="$(find_clickhouse)" || die "$EXIT_INSTALL" "clickhouse-server is not installed"
  start_clickhouse_process || die "$EXIT_CLICKHOUSE" "could not launch clickhouse-server"
  wait_clickhouse $((SECONDS + TIMEOUT)) || {
    stop_clickhouse >/dev/null 2>&1 || true
    die "$EXIT_CLICKHOUSE" "could not provide: ClickHouse"
  }
}

main() {
  [ $# -ge 1 ] || usage
  local cmd="$1"
  shift
  [ $# -le 1 ] || usage
  resolve_state "${1:-}"
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    kafka-stop) [ -d "$STATE" ] && stop_kafka || log "kafka is not running" ;;
    kafka-start) cmd_kafka_start ;;
    clickhouse-stop) [ -d "$STATE" ] && stop_clickhouse || log "clickhouse is not running" ;;
    clickhouse-start) cmd_clickhouse_start ;;
    -h | --help | help) usage 0 ;;
    *) usage ;;
  esac
}

main "$@"
