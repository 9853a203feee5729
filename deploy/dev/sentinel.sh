# shellcheck shell=bash
# Redis Sentinel trio for deploy/dev/services (sourced by it; uses its log/err/now/elapsed/pid helpers):
# two redis-servers (node a starts as the master, node b as its replica) and one Sentinel watching them, all on
# 127.0.0.1, state under $STATE_DIR/sentinel. Started only when named: `deploy/dev/services up sentinel`.
#
# Environment (all optional):
#   NEWSDESK_DEV_SENTINEL_PORT          Sentinel port; default 26379
#   NEWSDESK_DEV_SENTINEL_REDIS_PORTS   the two redis-servers' ports, "A B"; default "6380 6381"
#   NEWSDESK_DEV_SENTINEL_MASTER        master name the Sentinel monitors; default mymaster
#   NEWSDESK_DEV_SENTINEL_DOWN_AFTER_MS how long the master may be silent before failover; default 1000
#   NEWSDESK_DEV_SENTINEL_MIN_REPLICAS  min-replicas-to-write on both servers (0 = off); default 0

SENTINEL_PORT="${NEWSDESK_DEV_SENTINEL_PORT:-26379}"
read -r SENTINEL_PORT_A SENTINEL_PORT_B <<<"${NEWSDESK_DEV_SENTINEL_REDIS_PORTS:-6380 6381}"
SENTINEL_MASTER="${NEWSDESK_DEV_SENTINEL_MASTER:-mymaster}"
SENTINEL_DOWN_AFTER_MS="${NEWSDESK_DEV_SENTINEL_DOWN_AFTER_MS:-1000}"
SENTINEL_MIN_REPLICAS="${NEWSDESK_DEV_SENTINEL_MIN_REPLICAS:-0}"
SENTINEL_DIR="$STATE_DIR/sentinel"

sentinel_cli() { # port args... -> reply on stdout
    local port="$1"
    shift
    timeout 3 redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null
}

sentinel_ping() { [[ "$(sentinel_cli "$1" ping || true)" == *PONG* ]]; }

sentinel_current_master_port() { # the port the Sentinel names as master, or nothing
    sentinel_cli "$SENTINEL_PORT" sentinel get-master-addr-by-name "$SENTINEL_MASTER" | sed -n 2p
}

sentinel_wait_ping() { # port what logfile
    local i
    for ((i = 0; i < REDIS_TIMEOUT * 10; i++)); do
        sentinel_ping "$1" && return 0
        sleep 0.1
    done
    err "$2 did not answer PING on 127.0.0.1:$1 within ${REDIS_TIMEOUT} s"
    show_log_tail "$3"
    return 1
}

sentinel_redis_node_up() { # name port [master_port]: one redis-server, a replica of master_port when given
    local name="$1" port="$2" master_port="${3:-}" pidfile="$SENTINEL_DIR/$1.pid" logfile="$SENTINEL_DIR/$1.log"
    if pid_alive "$pidfile" redis-server && sentinel_ping "$port"; then
        return 0
    fi
    mkdir -p "$SENTINEL_DIR/$name"
    local args=(--bind 127.0.0.1 --port "$port" --daemonize yes --appendonly yes --dir "$SENTINEL_DIR/$name"
        --pidfile "$pidfile" --logfile "$logfile" --min-replicas-to-write "$SENTINEL_MIN_REPLICAS"
        --min-replicas-max-lag 10)
    [[ -n "$master_port" ]] && args+=(--replicaof 127.0.0.1 "$master_port")
    if ! redis-server "${args[@]}" >>"$logfile" 2>&1 9>&-; then
        err "sentinel: redis-server $name failed to start"
        show_log_tail "$logfile"
        return 1
    fi
    sentinel_wait_ping "$port" "redis $name" "$logfile"
}

sentinel_up() {
    ensure_redis_installed
    command -v redis-cli >/dev/null 2>&1 || { err "redis-cli is missing (Debian package redis-tools)"; return 1; }
    mkdir -p "$SENTINEL_DIR"
    local t0 master_port=""; t0="$(now)"
    # A Sentinel already running knows who the master is now (after a failover it is node b): a node that
    # comes back joins as its replica instead of starting a second master.
    if pid_alive "$SENTINEL_DIR/sentinel.pid" redis-server && sentinel_ping "$SENTINEL_PORT"; then
        master_port="$(sentinel_current_master_port || true)"
        # The master it names is dead but not yet failed over: restarting it now as a master would bring back
        # its append-only file (up to a second behind) and the replica would follow it, losing those writes.
        # Wait for the promotion first (it needs down-after-milliseconds plus the election).
        local waited
        for ((waited = 0; waited < SENTINEL_DOWN_AFTER_MS / 100 + 150; waited++)); do
            [[ -z "$master_port" ]] || sentinel_ping "$master_port" && break
            sleep 0.1
            master_port="$(sentinel_current_master_port || true)"
        done
    fi
    master_port="${master_port:-$SENTINEL_PORT_A}"
    local name port
    for name in a b; do
        port="SENTINEL_PORT_${name^^}"
        port="${!port}"
        if [[ "$port" == "$master_port" ]]; then
            sentinel_redis_node_up "redis-$name" "$port"
        else
            sentinel_redis_node_up "redis-$name" "$port" "$master_port"
        fi
    done
    if ! { pid_alive "$SENTINEL_DIR/sentinel.pid" redis-server && sentinel_ping "$SENTINEL_PORT"; }; then
        # Sentinel rewrites its config file (current master, known replicas): written once, kept afterwards.
        if [[ ! -s "$SENTINEL_DIR/sentinel.conf" ]]; then
            cat >"$SENTINEL_DIR/sentinel.conf" <<EOF
bind 127.0.0.1
port $SENTINEL_PORT
daemonize yes
dir $SENTINEL_DIR
pidfile $SENTINEL_DIR/sentinel.pid
logfile $SENTINEL_DIR/sentinel.log
sentinel monitor $SENTINEL_MASTER 127.0.0.1 $master_port 1
sentinel down-after-milliseconds $SENTINEL_MASTER $SENTINEL_DOWN_AFTER_MS
sentinel failover-timeout $SENTINEL_MASTER 10000
sentinel parallel-syncs $SENTINEL_MASTER 1
EOF
        fi
        if ! redis-server "$SENTINEL_DIR/sentinel.conf" --sentinel >>"$SENTINEL_DIR/sentinel.log" 2>&1 9>&-; then
            err "sentinel: redis-server --sentinel failed to start"
            show_log_tail "$SENTINEL_DIR/sentinel.log"
            return 1
        fi
        sentinel_wait_ping "$SENTINEL_PORT" "sentinel" "$SENTINEL_DIR/sentinel.log"
    fi
    # Ready once the Sentinel names a master and that master sees its replica online.
    local i
    for ((i = 0; i < REDIS_TIMEOUT * 10; i++)); do
        master_port="$(sentinel_current_master_port || true)"
        if [[ -n "$master_port" ]] && sentinel_cli "$master_port" info replication | grep 'state=online' >/dev/null; then
            log "sentinel: up: master $SENTINEL_MASTER on 127.0.0.1:$master_port with a replica, Sentinel on 127.0.0.1:$SENTINEL_PORT, in $(elapsed "$t0") s"
            return 0
        fi
        sleep 0.1
    done
    err "sentinel: no master with an online replica within ${REDIS_TIMEOUT} s"
    show_log_tail "$SENTINEL_DIR/sentinel.log"
    return 1
}

sentinel_down() {
    stop_pid sentinel "$SENTINEL_DIR/sentinel.pid" redis-server
    stop_pid sentinel-redis-b "$SENTINEL_DIR/redis-b.pid" redis-server
    stop_pid sentinel-redis-a "$SENTINEL_DIR/redis-a.pid" redis-server
}

sentinel_status() {
    local rc=0 name port master_port
    if sentinel_ping "$SENTINEL_PORT"; then
        master_port="$(sentinel_current_master_port || true)"
        log "sentinel: running on 127.0.0.1:$SENTINEL_PORT, master $SENTINEL_MASTER at 127.0.0.1:${master_port:-?}"
    else
        log "sentinel: DOWN (nothing answers on 127.0.0.1:$SENTINEL_PORT)"
        rc=1
    fi
    for name in a b; do
        port="SENTINEL_PORT_${name^^}"
        port="${!port}"
        if sentinel_ping "$port"; then
            log "sentinel: redis-$name running on 127.0.0.1:$port ($(sentinel_cli "$port" role | head -n 1))"
        else
            log "sentinel: redis-$name DOWN (127.0.0.1:$port)"
            rc=1
        fi
    done
    return "$rc"
}

sentinel_env() {
    printf 'export NEWSDESK_REDIS_URL="sentinel://127.0.0.1:%s/0"\n' "$SENTINEL_PORT"
    printf 'export NEWSDESK_REDIS_SENTINEL_MASTER=%s\n' "$SENTINEL_MASTER"
}
