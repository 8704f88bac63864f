#!/usr/bin/env bash
# A real single-node SLURM cluster on this machine, for tests.
#
#   tests/slurm/cluster.sh start   write slurm.conf, start munged, slurmctld, slurmd;
#                                  wait until the node is idle
#   tests/slurm/cluster.sh stop    stop exactly the daemons that `start` started
#   tests/slurm/cluster.sh state-file
#                                  print the file that records them (for the tests)
#
# Needs root (it writes /etc/slurm and starts daemons as root) and Debian's
# slurm-wlm and munge packages (tests/slurm/install.sh installs them).
# There is no systemd here, so the daemons are started directly.
set -euo pipefail

readonly PARTITION=debug
# slurmd runs as `-N localhost`, so the node name never depends on the hostname.
readonly NODE=localhost
readonly SLURM_CONF=/etc/slurm/slurm.conf
readonly MUNGE_KEY=/etc/munge/munge.key
readonly MUNGED_PIDFILE=/run/munge/munged.pid
readonly SLURMCTLD_PIDFILE=/run/slurm/slurmctld.pid
readonly SLURMD_PIDFILE=/run/slurm/slurmd.pid
readonly MUNGED_LOG=/var/log/munge/munged.log
readonly SLURMCTLD_LOG=/var/log/slurm/slurmctld.log
readonly SLURMD_LOG=/var/log/slurm/slurmd.log
# One "name pid" line per daemon this script started. Under /run, so a reboot
# (which ends the daemons) also forgets their PIDs.
STATE_FILE=${SLURM_TEST_STATE_FILE:-/run/slurm-test-cluster.pids}
START_TIMEOUT=${SLURM_TEST_START_TIMEOUT:-60}
STOP_TIMEOUT=${SLURM_TEST_STOP_TIMEOUT:-20}

log() { printf 'cluster.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# A PID is one of ours only while it is alive and still runs the expected
# program; this guards against signalling an unrelated process that reused it.
# Zombies do not count: a daemon's exited first fork lingers as one until
# init reaps it.
pid_runs() {
    local pid=$1 name=$2 stat
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    # /proc/PID/stat is "pid (comm) state ..."; our program names have no spaces.
    [[ $stat == "$pid ($name) "* && $stat != "$pid ($name) Z"* ]]
}

pidfile_pid() {
    local pid=""
    if [[ -r $1 ]]; then
        read -r pid <"$1" || true
    fi
    printf '%s' "$pid"
}

# Log sizes at start, so that a failure prints only what this start logged.
declare -A LOG_OFFSET=()
mark_logs() {
    local f
    for f in "$MUNGED_LOG" "$SLURMCTLD_LOG" "$SLURMD_LOG"; do
        LOG_OFFSET[$f]=$(stat -c %s "$f" 2>/dev/null || echo 0)
    done
}
print_log_tails() {
    local f
    for f in "$MUNGED_LOG" "$SLURMCTLD_LOG" "$SLURMD_LOG"; do
        log "---- last lines of $f (this start) ----"
        if [[ -r $f ]]; then
            tail -c "+$((${LOG_OFFSET[$f]:-0} + 1))" "$f" | tail -n 25 >&2
        else
            log "(no log file)"
        fi
    done
}

fail_start() {
    log "error: $*"
    print_log_tails
    log "daemons started so far are recorded in $STATE_FILE; run '$0 stop' to end them"
    exit 1
}

require_root() {
    [[ $(id -u) -eq 0 ]] || die "must run as root (writes $SLURM_CONF, starts daemons)"
}

check_installed() {
    local missing=() prog
    for prog in munged mungekey slurmctld slurmd sinfo scontrol squeue; do
        command -v "$prog" >/dev/null 2>&1 || missing+=("$prog")
    done
    if ((${#missing[@]})); then
        log "error: not installed: ${missing[*]}"
        log "install them (as root) with:  bash tests/slurm/install.sh"
        log "  or:  apt-get update && apt-get install -y --no-install-recommends slurm-wlm munge"
        exit 1
    fi
}

# Refuse to start next to daemons this script did not start: a second
# slurmctld or munged would fail on the busy port or socket anyway, and
# `stop` must never touch processes it does not own.
check_no_foreign_daemons() {
    local name pid ours
    ours=$(awk '{print $2}' "$STATE_FILE" 2>/dev/null || true)
    for name in munged slurmctld slurmd; do
        for pid in $(pgrep -x "$name" || true); do
            pid_runs "$pid" "$name" || continue
            grep -qx "$pid" <<<"$ours" && continue
            die "a $name (pid $pid) not started by this script is running; stop it first"
        done
    done
}

all_recorded_running() {
    local name pid n=0
    [[ -s $STATE_FILE ]] || return 1
    while read -r name pid; do
        pid_runs "$pid" "$name" || return 1
        n=$((n + 1))
    done <"$STATE_FILE"
    ((n == 3))
}

node_state() { sinfo -h -o %T 2>/dev/null | head -n 1 || true; }

write_slurm_conf() {
    local cpus mem_total real_mem
    cpus=$(nproc)
    mem_total=$(free -m | awk '/^Mem:/ {print $2}')
    [[ $cpus =~ ^[0-9]+$ && $mem_total =~ ^[0-9]+$ ]] ||
        die "could not read CPUs ($cpus) or memory ($mem_total MB)"
    # slurmd drains a node that has less memory than configured; leave 10 %
    # headroom for the daemons and for rounding differences in what slurmd sees.
    real_mem=$((mem_total * 9 / 10))
    install -d -m 0755 /etc/slurm
    cat >"$SLURM_CONF" <<EOF
# Written by tests/slurm/cluster.sh: a single-node test cluster, no accounting database.
ClusterName=ci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
# No systemd/cgroups in containers: track processes by parent PID, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Bring the node back to service after a restart without manual 'scontrol update'.
ReturnToService=2
SlurmctldPidFile=$SLURMCTLD_PIDFILE
SlurmdPidFile=$SLURMD_PIDFILE
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=$SLURMCTLD_LOG
SlurmdLogFile=$SLURMD_LOG
SchedulerType=sched/backfill
SelectType=select/cons_tres
# Memory is a consumable resource, so mem_mb requests are enforced by the
# scheduler as on a real cluster (a job asking for more than the node has is rejected).
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$((real_mem / cpus))
# Reject at submission a job that no node can ever run (more CPUs or memory
# than the node has) instead of leaving it PENDING forever, which Snakemake
# would wait on without end.
EnforcePartLimits=ALL
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Without accounting, 'sacct' cannot report jobs; finished jobs are visible to
# 'squeue' only for MinJobAge seconds. The Snakemake SLURM plugin needs
# MinJobAge >= 3 x its initial status-check delay to use squeue.
MinJobAge=300
NodeName=$NODE CPUs=$cpus RealMemory=$real_mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
    log "wrote $SLURM_CONF (CPUs=$cpus RealMemory=${real_mem}MB)"
}

ensure_munge_key() {
    if [[ ! -s $MUNGE_KEY ]]; then
        log "creating $MUNGE_KEY"
        install -d -o munge -g munge -m 0700 "$(dirname "$MUNGE_KEY")"
        mungekey --create --keyfile="$MUNGE_KEY"
    fi
    # munged refuses keys readable by others.
    chown munge:munge "$MUNGE_KEY"
    chmod 0400 "$MUNGE_KEY"
}

make_dirs() {
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
    install -d -m 0755 /run/slurm /var/log/slurm /var/spool/slurmd
    install -d -m 0700 /var/spool/slurmctld
}

# Wait for a daemon's pid file to name a live process of that program, then
# record it. Daemons fork, so the pid file appears shortly after they return.
record_from_pidfile() {
    local name=$1 pidfile=$2 deadline pid
    deadline=$((SECONDS + 15))
    while ((SECONDS < deadline)); do
        pid=$(pidfile_pid "$pidfile")
        if pid_runs "$pid" "$name"; then
            echo "$name $pid" >>"$STATE_FILE"
            log "$name running (pid $pid)"
            return 0
        fi
        sleep 0.2
    done
    fail_start "$name did not write a live PID to $pidfile"
}

# A pid file naming a dead process is left over from an earlier run; a daemon
# may refuse to start over it.
remove_stale_pidfile() {
    local name=$1 pidfile=$2 pid
    pid=$(pidfile_pid "$pidfile")
    if [[ -e $pidfile ]] && ! pid_runs "$pid" "$name"; then
        rm -f "$pidfile"
    fi
}

cmd_start() {
    require_root
    check_installed
    if all_recorded_running; then
        log "already running (see $STATE_FILE)"
    else
        if [[ -s $STATE_FILE ]]; then
            # An earlier start was interrupted, or the machine was restored
            # with /run kept but its processes gone. The recorded daemons are
            # ours (stop checks each PID still runs that program), so end
            # whatever of them is left and start afresh.
            log "$STATE_FILE lists daemons from an incomplete start; stopping what is left of them"
            cmd_stop
        fi
        check_no_foreign_daemons
        mark_logs
        write_slurm_conf
        ensure_munge_key
        make_dirs
        : >"$STATE_FILE"

        remove_stale_pidfile munged "$MUNGED_PIDFILE"
        runuser -u munge -- munged --pid-file="$MUNGED_PIDFILE" ||
            fail_start "munged failed to start"
        record_from_pidfile munged "$MUNGED_PIDFILE"
        munge -n | unmunge >/dev/null || fail_start "munge credential round trip failed"

        remove_stale_pidfile slurmctld "$SLURMCTLD_PIDFILE"
        # -c: start from an empty job table; a test cluster must not recover
        # jobs from an earlier run.
        slurmctld -c || fail_start "slurmctld failed to start"
        record_from_pidfile slurmctld "$SLURMCTLD_PIDFILE"

        remove_stale_pidfile slurmd "$SLURMD_PIDFILE"
        slurmd -N "$NODE" || fail_start "slurmd failed to start"
        record_from_pidfile slurmd "$SLURMD_PIDFILE"
    fi

    local deadline state=""
    deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        state=$(node_state)
        if [[ $state == idle ]]; then
            log "node $NODE is idle in partition '$PARTITION' (after ${SECONDS}s)"
            return 0
        fi
        sleep 0.5
    done
    fail_start "node not idle after ${START_TIMEOUT}s (sinfo says '${state:-nothing}')"
}

cmd_stop() {
    require_root
    if [[ ! -e $STATE_FILE ]]; then
        log "nothing to stop ($STATE_FILE absent)"
        return 0
    fi
    local -a names=() pids=()
    local name pid i pidfile
    while read -r name pid; do
        [[ -n ${name:-} ]] || continue
        names+=("$name")
        pids+=("$pid")
    done <"$STATE_FILE"

    # Jobs run in slurmstepd processes that outlive slurmd; cancel them through
    # our own controller (if it is up) so that no job is left behind.
    for i in "${!names[@]}"; do
        if [[ ${names[$i]} == slurmctld ]] && pid_runs "${pids[$i]}" slurmctld; then
            if [[ -n $(squeue -h -o %i 2>/dev/null || true) ]]; then
                log "cancelling remaining jobs"
                timeout 10 scancel --user=root 2>/dev/null || true
                local deadline=$((SECONDS + 10))
                while ((SECONDS < deadline)) && [[ -n $(squeue -h -t R,CG -o %i 2>/dev/null || true) ]]; do
                    sleep 0.5
                done
            fi
        fi
    done

    # Reverse start order: slurmd, slurmctld, then munged (both slurm daemons
    # still authenticate through munge while they shut down).
    for ((i = ${#names[@]} - 1; i >= 0; i--)); do
        if pid_runs "${pids[$i]}" "${names[$i]}"; then
            log "stopping ${names[$i]} (pid ${pids[$i]})"
            kill -TERM "${pids[$i]}" 2>/dev/null || true
        fi
    done
    local deadline=$((SECONDS + STOP_TIMEOUT)) alive
    while :; do
        alive=0
        for i in "${!names[@]}"; do
            pid_runs "${pids[$i]}" "${names[$i]}" && alive=1
        done
        ((alive)) || break
        if ((SECONDS >= deadline)); then
            for i in "${!names[@]}"; do
                if pid_runs "${pids[$i]}" "${names[$i]}"; then
                    log "${names[$i]} (pid ${pids[$i]}) ignored TERM for ${STOP_TIMEOUT}s; sending KILL"
                    kill -KILL "${pids[$i]}" 2>/dev/null || true
                fi
            done
            sleep 0.5
            break
        fi
        sleep 0.2
    done
    for i in "${!names[@]}"; do
        if pid_runs "${pids[$i]}" "${names[$i]}"; then
            die "${names[$i]} (pid ${pids[$i]}) is still running; $STATE_FILE kept"
        fi
    done
    # The exited daemons stay zombies until init reaps them, and `pgrep` still
    # lists those; give init a moment so a check right after `stop` is clean.
    local deadline=$((SECONDS + 5))
    for i in "${!names[@]}"; do
        while [[ -e /proc/${pids[$i]} ]] && ((SECONDS < deadline)); do
            sleep 0.1
        done
    done
    # Pid files of killed daemons would otherwise look like running ones.
    for pidfile in "$MUNGED_PIDFILE" "$SLURMCTLD_PIDFILE" "$SLURMD_PIDFILE"; do
        pid=$(pidfile_pid "$pidfile")
        if [[ -n $pid ]] && printf '%s\n' "${pids[@]}" | grep -qx "$pid"; then
            rm -f "$pidfile"
        fi
    done
    rm -f "$STATE_FILE"
    log "stopped"
}

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    state-file) printf '%s\n' "$STATE_FILE" ;;
    *)
        echo "usage: $0 start|stop|state-file" >&2
        exit 2
        ;;
esac
