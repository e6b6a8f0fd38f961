#!/bin/sh
# The accuracy part of bench/pinn_dd.sh over several seeds, and the medians.
#   bench/pinn_dd_seeds.sh [build-dir] > bench/results/...
#   bench/pinn_dd_seeds.sh --summarize out0.txt out1.txt ...   (tables only)
#
# One training run's final error scatters several-fold with the seed (the
# single network at nu = 0.01/pi: 6e-3 to 7e-2 over seeds 0-4), so "no
# worse than 2x one network" is judged on medians over seeds. For each seed
# in BENCH_SEEDS (default "0 1 2 3 4") this runs
#   BENCH_PARTS=accuracy BENCH_ACC_OPTS="-pinn_seed N" bench/pinn_dd.sh
# (every other BENCH_* variable passes through: BENCH_ACC_RUNS, BENCH_ADAM,
# BENCH_LBFGS, BENCH_CUTS, ...; include "single" in BENCH_ACC_RUNS), prints
# its tables, and then per case and method: the error at every seed, the
# median, the median over the single network's median ("med/med1"), and the
# median of the per-seed ratios ("med(ratio)"). Needs python3.
set -eu
summarize() {
  python3 - "$@" <<'EOF'
import re, statistics, sys
data, order = {}, []
for path in sys.argv[1:]:
    seed, case = None, None
    for line in open(path):
        m = re.match(r'# seed (\d+)', line)
        if m: seed = int(m.group(1))
        if line.startswith('## 2.'): case = 'nu = 0.01/pi (shock)'
        elif line.startswith('## 3.'): case = 'nu = 0.05 (smooth)'
        m = re.match(r'^(.*?)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)$', line.rstrip('\n'))
        if m and case and seed is not None and m.group(1) != 'method':
            key = (case, m.group(1))
            if key not in data: order.append(key)
            data.setdefault(key, {})[seed] = float(m.group(4))
seeds = sorted({s for d in data.values() for s in d})
for case in dict.fromkeys(c for c, _ in order):
    one = data.get((case, 'one network (parts 1,1)'), {})
    m1 = statistics.median(one.values()) if one else None
    print(f'\n## medians over seeds {",".join(map(str, seeds))}: {case}')
    print(f'{"method":36s}' + ''.join(f' {"seed " + str(s):>10s}' for s in seeds) + f' {"median":>10s} {"med/med1":>9s} {"med(ratio)":>10s}')
    for c, name in order:
        if c != case: continue
        d = data[(c, name)]
        med = statistics.median(d.values())
        r1 = f'{med / m1:9.2f}' if m1 else f'{"-":>9s}'
        pr = [d[s] / one[s] for s in d if s in one]
        r2 = f'{statistics.median(pr):10.2f}' if pr else f'{"-":>10s}'
        print(f'{name:36s}' + ''.join(f' {d[s]:10.3e}' if s in d else f' {"-":>10s}' for s in seeds) + f' {med:10.3e} {r1} {r2}')
EOF
}
if [ "${1:-}" = --summarize ]; then
  shift
  summarize "$@"
  exit 0
fi
build=${1:-build}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
for s in ${BENCH_SEEDS:-0 1 2 3 4}; do
  { echo "# seed $s"; BENCH_PARTS=accuracy BENCH_ACC_OPTS="-pinn_seed $s" sh "$here/pinn_dd.sh" "$build"; } > "$tmp/seed$s.txt"
  cat "$tmp/seed$s.txt"
done
summarize "$tmp"/seed*.txt
