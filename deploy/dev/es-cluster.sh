# shellcheck shell=bash
# A second Elasticsearch node for deploy/dev/services (sourced by it; reuses its es_up/es_wait/stop_pid helpers):
# `deploy/dev/services up elasticsearch elasticsearch2` starts the first node as the master of a multi-node
# cluster (instead of discovery.type=single-node) and a second, data-only node that joins it over the transport
# port, both on 127.0.0.1: `_cat/nodes` shows 2, and an index with one replica turns green.
# A first node already running single-node cannot take a second one: `down elasticsearch` first.
#
# Environment (all optional):
#   NEWSDESK_DEV_ES_TRANSPORT_PORT   the first node's transport port in cluster mode; default ES port + 100 (9300)
#   NEWSDESK_DEV_ES2_PORT            the second node's HTTP port; default 9201
#   NEWSDESK_DEV_ES2_TRANSPORT_PORT  its transport port; default its HTTP port + 100 (9301)

ES2_PORT="${NEWSDESK_DEV_ES2_PORT:-9201}"
ES2_TRANSPORT_PORT="${NEWSDESK_DEV_ES2_TRANSPORT_PORT:-$((ES2_PORT + 100))}"
ES_CLUSTER_TRANSPORT_PORT="${NEWSDESK_DEV_ES_TRANSPORT_PORT:-$((ES_PORT + 100))}"
ES2_PID_FILE="$STATE_DIR/elasticsearch2.pid"
ES2_HOME="$STATE_DIR/elasticsearch2"
ES_FIRST_NODE="newsdesk-dev-node"

# Called before the first node starts when elasticsearch2 is among the services: it bootstraps a multi-node
# cluster on a fixed transport port the second node can be pointed at.
es_cluster_mode() {
    export NEWSDESK_DEV_ES_NODE_NAME="$ES_FIRST_NODE"
    export NEWSDESK_DEV_ES_TRANSPORT_PORT="$ES_CLUSTER_TRANSPORT_PORT"
    export NEWSDESK_DEV_ES_SEED_HOSTS="127.0.0.1:$ES_CLUSTER_TRANSPORT_PORT"
    export NEWSDESK_DEV_ES_INITIAL_MASTER="$ES_FIRST_NODE"
}

es_node_count() { # HTTP port -> number of nodes in that node's cluster
    curl -fsS --max-time 5 "http://127.0.0.1:$1/_cat/nodes?h=name" 2>/dev/null | grep -c . || true
}

es2_up() {
    if ! es_http / >/dev/null; then
        err "elasticsearch2: the first node does not answer on http://127.0.0.1:$ES_PORT (start: up elasticsearch elasticsearch2)"
        return 1
    fi
    if es_http "/_nodes/_local/settings?filter_path=nodes.*.settings.discovery.type" | grep single-node >/dev/null; then
        err "elasticsearch2: the first node runs discovery.type=single-node and takes no other node;" \
            "restart it in cluster mode: deploy/dev/services down elasticsearch && deploy/dev/services up elasticsearch elasticsearch2"
        return 1
    fi
    local t0; t0="$(now)"
    (
        ES_PORT="$ES2_PORT" ES_HOME="$ES2_HOME" ES_PID_FILE="$ES2_PID_FILE" ES_LOG="$STATE_DIR/elasticsearch2.log"
        export NEWSDESK_DEV_ES_NODE_NAME="newsdesk-dev-node-2"
        export NEWSDESK_DEV_ES_TRANSPORT_PORT="$ES2_TRANSPORT_PORT"
        export NEWSDESK_DEV_ES_SEED_HOSTS="127.0.0.1:$ES_CLUSTER_TRANSPORT_PORT"
        export NEWSDESK_DEV_ES_ROLES="data,ingest"
        unset NEWSDESK_DEV_ES_INITIAL_MASTER
        es_up
    ) || return 1
    local i
    for ((i = 0; i < ES_TIMEOUT * 2; i++)); do
        if [[ "$(es_node_count "$ES_PORT")" -ge 2 ]]; then
            log "elasticsearch2: joined the cluster of http://127.0.0.1:$ES_PORT (2 nodes) in $(elapsed "$t0") s; HTTP on :$ES2_PORT"
            return 0
        fi
        sleep 0.5
    done
    err "elasticsearch2: started but the cluster of http://127.0.0.1:$ES_PORT does not show 2 nodes within ${ES_TIMEOUT} s"
    show_log_tail "$STATE_DIR/elasticsearch2.log" 60
    return 1
}

es2_down() { stop_pid elasticsearch2 "$ES2_PID_FILE" "$ES_MAIN_CLASS"; }

es2_status() {
    if curl -fsS --max-time 5 "http://127.0.0.1:$ES2_PORT/" >/dev/null 2>&1; then
        log "elasticsearch2: running on http://127.0.0.1:$ES2_PORT, cluster of $(es_node_count "$ES2_PORT") nodes"
        return 0
    fi
    log "elasticsearch2: DOWN (nothing answers on http://127.0.0.1:$ES2_PORT)"
    return 1
}

es2_env() { # both nodes: the client spreads requests and fails over between them
    printf 'export NEWSDESK_ELASTICSEARCH_URL=http://127.0.0.1:%s,http://127.0.0.1:%s\n' "$ES_PORT" "$ES2_PORT"
}
