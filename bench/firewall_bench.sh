#!/usr/bin/env bash
# Firewall bench: does an allow-list of 5,000 remote addresses cost what 10 do?
# In a throwaway container (no network), the firewall role renders and loads the ruleset for
# each backend with 10 and with 5,000 admitted remote networks (half IPv4, half IPv6); then
# the ruleset is loaded again a few times to time the load alone. Prints a small table.
# Needs: podman, image localhost/pbxguard/debian12, the project's virtualenv on PATH and
# ANSIBLE_COLLECTIONS_PATH (the Makefile sets both), CONTAINERS_CONF for this machine.
# Under bench/run.py, the figures also go into its table (bench/figures.py).
set -euo pipefail

container="pbxguard-${PBXGUARD_RUN_ID:-bench}-fw-bench-$$"
work=$(mktemp -d /tmp/pbxguard-fw-bench.XXXXXX)
read -r -a sizes <<<"${FIREWALL_BENCH_SIZES:-10 5000}"
repeats=${FIREWALL_BENCH_REPEATS:-5}

cleanup() {
  podman rm --force --ignore --time 0 "$container" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

podman run --detach --name "$container" --hostname bench --network none --systemd=always \
  --cap-add NET_ADMIN,NET_RAW localhost/pbxguard/debian12 /sbin/init >/dev/null
for _ in $(seq 50); do  # systemd's bus appears a moment after the container starts
  podman exec "$container" systemctl is-system-running --wait >/dev/null 2>&1 && break
  state=$(podman exec "$container" systemctl is-system-running 2>/dev/null || true)
  [ "$state" = degraded ] && break
  sleep 0.2
done

# N remote networks that network_list cannot merge: IPv4 hosts 10.a.b.1, IPv6 /64s two apart.
site_vars() {
  local n=$1 i
  echo "pbx_remote_sites:"
  echo "  - name: bench"
  echo "    networks:"
  for ((i = 0; i < n / 2; i++)); do
    printf '      - 10.%d.%d.1\n' $((i / 256)) $((i % 256))
    printf '      - "2001:db8:%x:%x::/64"\n' $((i / 256)) $((i % 256 * 2))
  done
}

# A longer rollback window (firewall_rollback_timeout) than the role's default: on a loaded
# machine the reconnect after loading 5,000 networks took over 30 s, and the role rolled back.
cat >"$work/play.yml" <<'PLAY'
- name: Bench the firewall role
  hosts: all
  gather_facts: false
  roles:
    - role: pbxguard.hardening.firewall
PLAY

exec_in() { podman exec "$container" bash -c "$1"; }

rule_count() {  # rules in pbxguard's own chains, both families
  if [ "$1" = nftables ]; then
    exec_in "nft -j list table inet pbxguard | python3 -c 'import json,sys; print(sum(1 for o in json.load(sys.stdin)[\"nftables\"] if \"rule\" in o))'"
  else
    exec_in "{ iptables -S; ip6tables -S; } | grep -c '^-A PBXGUARD-'"
  fi
}

element_count() {
  if [ "$1" = nftables ]; then
    exec_in "nft -j list sets table inet pbxguard | python3 -c 'import json,sys; print(sum(len(o[\"set\"].get(\"elem\", [])) for o in json.load(sys.stdin)[\"nftables\"] if \"set\" in o))'"
  else
    exec_in "ipset save | grep -c '^add pbxguard-'"
  fi
}

load_ms() {  # best of $repeats loads of the confirmed ruleset, in milliseconds
  exec_in "best=999999; for i in \$(seq $repeats); do
             s=\$(date +%s%N); pbxguard-firewall load /etc/pbxguard/firewall/active; e=\$(date +%s%N)
             t=\$(( (e - s) / 1000000 )); [ \$t -lt \$best ] && best=\$t; done; echo \$best"
}

figure() {  # FIGURE VALUE COMMAND: one row of the bench/run.py table
  [ -z "${PBXGUARD_BENCH_FIGURES:-}" ] || printf '%s\t%s\t%s\n' "$@" >>"$PBXGUARD_BENCH_FIGURES"
}

rows=()
for backend in nftables iptables; do
  for n in "${sizes[@]}"; do
    site_vars "$n" >"$work/site.yml"
    start=$(date +%s)
    ansible-playbook -i "$container," -c containers.podman.podman "$work/play.yml" \
      -e @"$work/site.yml" -e firewall_backend="$backend" -e firewall_rollback_timeout=120 >"$work/run.log" 2>&1 \
      || { tail -30 "$work/run.log" >&2; exit 1; }
    run_s=$(($(date +%s) - start))
    [ "$(exec_in 'pbxguard-firewall status')" = in-sync ] || { echo "bench: $backend/$n not in sync" >&2; exit 1; }
    rules=$(rule_count "$backend") load=$(load_ms)
    rows+=("$(printf '%-9s %9s %7s %9s %8s %9s' "$backend" "$n" "$rules" \
      "$(element_count "$backend")" "$load" "$run_s")")
    figure "$backend ruleset, $n admitted networks: rules" "$rules" \
      "bench/firewall_bench.sh: $( [ "$backend" = nftables ] && echo 'nft list table inet pbxguard' || echo 'iptables -S; ip6tables -S') after the firewall role"
    figure "$backend ruleset, $n admitted networks: load time (ms, best of $repeats)" "$load" \
      "bench/firewall_bench.sh: pbxguard-firewall load /etc/pbxguard/firewall/active"
  done
done

printf '%-9s %9s %7s %9s %8s %9s\n' backend networks rules elements load_ms role_run_s
printf '%s\n' "${rows[@]}"
