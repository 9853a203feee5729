# shellcheck shell=bash
# The S3-compatible object store of the dev services: SeaweedFS (`weed mini`, one process: master, volume,
# filer and S3 gateway), built from its published Go module and cached under the state dir.
# Sourced by deploy/dev/services, which provides STATE_DIR, log, err, now, elapsed, pid_alive, read_pid,
# show_log_tail and stop_pid.
#
# Environment (all optional):
#   NEWSDESK_DEV_S3_PORT         S3 endpoint port; default 8333. The store's internal servers take the next four
#                                ports (master, volume, filer, admin) and those + 10000 for gRPC.
#   NEWSDESK_DEV_S3_BUCKET       bucket created at start; default newsdesk
#   NEWSDESK_DEV_S3_ACCESS_KEY   default newsdesk-dev
#   NEWSDESK_DEV_S3_SECRET_KEY   default newsdesk-dev-secret
#   NEWSDESK_DEV_S3_TIMEOUT      seconds to wait for the bucket to answer; default 60
#   NEWSDESK_DEV_S3_BIN          a SeaweedFS `weed` binary to run instead of building one into the state dir

SEAWEEDFS_MODULE="github.com/seaweedfs/seaweedfs"
SEAWEEDFS_VERSION="v0.0.0-20261109003541-7506e5f91cd6" # one exact version from the Go module proxy
S3_PORT="${NEWSDESK_DEV_S3_PORT:-8333}"
S3_BUCKET="${NEWSDESK_DEV_S3_BUCKET:-newsdesk}"
S3_ACCESS_KEY="${NEWSDESK_DEV_S3_ACCESS_KEY:-newsdesk-dev}"
S3_SECRET_KEY="${NEWSDESK_DEV_S3_SECRET_KEY:-newsdesk-dev-secret}"
S3_TIMEOUT="${NEWSDESK_DEV_S3_TIMEOUT:-60}"
S3_REGION="us-east-1"
S3_BIN="${NEWSDESK_DEV_S3_BIN:-$STATE_DIR/bin/weed-$SEAWEEDFS_VERSION}"
S3_PID_FILE="$STATE_DIR/s3.pid"
S3_LOG="$STATE_DIR/s3.log"
S3_BUILD_SECONDS="0"

s3_endpoint() { printf 'http://127.0.0.1:%s' "$S3_PORT"; }

s3_http() { # method path -> HTTP status code of a signed request (000 when nothing answers)
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X "$1" \
        --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
        "$(s3_endpoint)$2" 2>/dev/null || true
}

s3_bucket_ready() { [[ "$(s3_http HEAD "/$S3_BUCKET")" == 200 ]]; }

s3_build() {
    if [[ -x "$S3_BIN" ]]; then
        log "s3: SeaweedFS $SEAWEEDFS_VERSION already built ($S3_BIN)"
        return 0
    fi
    if ! command -v go >/dev/null 2>&1; then
        err "go is not installed: SeaweedFS is built from its Go module (install Go >= 1.26)"
        return 1
    fi
    local t0 src work
    t0="$(now)"
    log "s3: building SeaweedFS $SEAWEEDFS_VERSION from the Go module proxy (cold: several minutes on 2 cores) ..."
    mkdir -p "$STATE_DIR/bin"
    # `go install module@version` refuses modules whose go.mod has replace directives (SeaweedFS has one), so
    # the module is downloaded and built as the main module in a scratch copy.
    if ! src="$(GOFLAGS=-mod=mod go mod download -json "$SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION" 2>>"$STATE_DIR/s3-build.log" |
        sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" || [[ -z "$src" ]]; then
        err "go mod download $SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION failed"
        show_log_tail "$STATE_DIR/s3-build.log"
        return 1
    fi
    # A fixed path (not mktemp) so that a rebuild finds its compiled packages in Go's build cache.
    work="$STATE_DIR/seaweedfs-src"
    rm -rf "$work" && mkdir -p "$work"
    cp -r "$src/." "$work/" && chmod -R u+w "$work"
    if ! (cd "$work" && GOFLAGS="-mod=mod -buildvcs=false" go build -o "$S3_BIN.part" ./weed) >>"$STATE_DIR/s3-build.log" 2>&1; then
        rm -rf "$work" "$S3_BIN.part"
        err "go build of SeaweedFS failed"
        show_log_tail "$STATE_DIR/s3-build.log" 60
        return 1
    fi
    rm -rf "$work"
    mv "$S3_BIN.part" "$S3_BIN"
    S3_BUILD_SECONDS="$(elapsed "$t0")"
    log "s3: built in $S3_BUILD_SECONDS s"
}

s3_write_config() { # the one identity the dev services give out
    umask 077
    cat >"$STATE_DIR/s3-identities.json" <<EOF
{"identities": [{"name": "newsdesk", "credentials": [{"accessKey": "$S3_ACCESS_KEY", "secretKey": "$S3_SECRET_KEY"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
EOF
}

s3_up() {
    if pid_alive "$S3_PID_FILE" "weed" && s3_bucket_ready; then
        log "s3: already running (pid $(read_pid "$S3_PID_FILE"), $(s3_endpoint), bucket $S3_BUCKET)"
        return 0
    fi
    if ! pid_alive "$S3_PID_FILE" "weed" && s3_bucket_ready; then
        log "s3: something not started by this script already serves bucket $S3_BUCKET on $(s3_endpoint); using it"
        return 0
    fi
    s3_build
    if ! pid_alive "$S3_PID_FILE" "weed"; then
        mkdir -p "$STATE_DIR/s3"
        s3_write_config
        : >"$S3_LOG"
        (
            exec setsid "$S3_BIN" mini -dir="$STATE_DIR/s3" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
                -s3.port="$S3_PORT" -master.port=$((S3_PORT + 1)) -volume.port=$((S3_PORT + 2)) \
                -filer.port=$((S3_PORT + 3)) -admin.port=$((S3_PORT + 4)) -admin.port.legacy=0 -admin.ui=false \
                -webdav=false -s3.port.iceberg=0 -s3.port.lance=0 -master.telemetry=false \
                -s3.config="$STATE_DIR/s3-identities.json" -bucket="$S3_BUCKET" \
                </dev/null >>"$S3_LOG" 2>&1 9>&-
        ) &
        echo $! >"$S3_PID_FILE"
        log "s3: starting SeaweedFS (pid $!, log $S3_LOG) ..."
    fi
    local t0 deadline pid
    t0="$(now)"
    deadline=$(($(date +%s) + S3_TIMEOUT))
    pid="$(read_pid "$S3_PID_FILE")"
    while (($(date +%s) < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            err "SeaweedFS exited during start-up"
            show_log_tail "$S3_LOG" 60
            rm -f "$S3_PID_FILE"
            return 1
        fi
        if s3_bucket_ready; then
            log "s3: up on $(s3_endpoint), bucket $S3_BUCKET (pid $pid) - start took $(elapsed "$t0") s (build $S3_BUILD_SECONDS s)"
            return 0
        fi
        sleep 0.3
    done
    err "SeaweedFS did not serve bucket $S3_BUCKET on $(s3_endpoint) within ${S3_TIMEOUT} s (pid $pid still running)"
    show_log_tail "$S3_LOG" 60
    return 1
}

s3_down() { stop_pid s3 "$S3_PID_FILE" "weed"; }

s3_status() {
    local code
    code="$(s3_http HEAD "/$S3_BUCKET")"
    if [[ "$code" == 200 ]]; then
        if pid_alive "$S3_PID_FILE" "weed"; then
            log "s3: running (pid $(read_pid "$S3_PID_FILE"), $(s3_endpoint), bucket $S3_BUCKET)"
        else
            log "s3: running on $(s3_endpoint) (not started by this script, bucket $S3_BUCKET)"
        fi
        return 0
    fi
    log "s3: DOWN (bucket $S3_BUCKET on $(s3_endpoint) answers HTTP $code)"
    return 1
}

s3_env() {
    printf 'export NEWSDESK_PAGE_STORE_URL=s3://%s/pages\n' "$S3_BUCKET"
    printf 'export NEWSDESK_S3_ENDPOINT_URL=%s\n' "$(s3_endpoint)"
    printf 'export NEWSDESK_S3_ACCESS_KEY_ID=%s\n' "$S3_ACCESS_KEY"
    printf 'export NEWSDESK_S3_SECRET_ACCESS_KEY=%s\n' "$S3_SECRET_KEY"
    printf 'export NEWSDESK_S3_REGION=%s\n' "$S3_REGION"
}
