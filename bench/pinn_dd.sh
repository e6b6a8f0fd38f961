#!/bin/sh
# Domain-decomposed Burgers PINNs (issue 7): scaling and accuracy.
#   bench/pinn_dd.sh [build-dir] > bench/results/pinn_dd.txt
#
# 1. Time per Adam step and the share of it spent in communication
#    (neighbour exchanges and the loss allreduce, waiting included) with
#    S = 1, 2, 4 subdomains along x on S ranks, for every variant:
#      weak:   BENCH_PPS points per subdomain (default 2000)
#      strong: BENCH_TOTAL points in all (default 4000)
#    BENCH_DEPTH x BENCH_WIDTH tanh per subdomain (default 4 x 20;
#    fbpinn-0.1: -pinn_dd_overlap 0.1 instead
#    of 0.25, fewer points in two networks' bands), BENCH_STEPS Adam steps (default 300), no
#    L-BFGS. Every configuration runs BENCH_REPEAT times (default 5),
#    interleaved. The machine is shared, so the table gives, over the
#    repeats, the best mean step time (with its communication share), the
#    best median, and the fastest single step (the least disturbed one,
#    with its share). Efficiency: weak t(1)/t(S), strong t(1)/(S t(S)), from
#    the best means (eff_mean) and from the fastest steps (eff_fast). S = 4
#    runs 4 ranks on however many cores there are (nproc is printed).
#    The machine's own ceiling for the 1 -> 2 weak efficiency: the same
#    1-subdomain run twice at once on one rank each (no communication, no
#    interface), t(alone) / t(two at once) ("pair" rows): what two cores
#    sharing caches, memory bandwidth and clock give with nothing to share.
# 2. Final error against the PETSc reference (all frames) at equal total
#    parameters, nu = 0.01/pi, t in [0, 1] (Raissi et al. 2019's case):
#    one network 4 x 20 (1341 parameters) against 2 x 4 x 14 (1374),
#    4 x 4 x 9 (1228) and, where the cuts miss the shock at x = 0,
#    3 x 4 x 11 (1323); the .3c runs cut x at BENCH_CUTS (default
#    -0.1,0.1: a narrow middle cell holding the shock, its own network and
#    a third of the points; -pinn_dd_cuts_x), BENCH_POINTS points in all (default 4000),
#    BENCH_ADAM Adam steps (default 5000) then <= BENCH_LBFGS L-BFGS
#    iterations (default 5000), seed 0; the target is an error no worse
#    than 2x the single network's. 3. The same at nu = 0.05 (smooth).
# BENCH_MPIEXEC_OPTS adds mpiexec options (e.g. --bind-to none), BENCH_ACC_OPTS
# nabla-burgers options to every accuracy run (e.g. -pinn_seed 1).
# BENCH_SUBS (default "1 2 4") and BENCH_MODES (default "weak strong") narrow
# the timing part. BENCH_PARTS="timing accuracy" selects the parts, BENCH_VARIANTS the variants,
# BENCH_ACC_RUNS the accuracy runs (labels: single cpinn.2 cpinn.4 fbpinn.2
# fbpinn.4 xpinn.2 xpinn_dn.2 xpinn_t.2 fbpinn_t.2 fbpinn_t.4 cpinn.3 fbpinn.3
# fbpinn_o.3 cpinn.3c fbpinn.3c xpinn.3c xpinn_dn.3c).
set -eu
build=${1:-build}
pps=${BENCH_PPS:-2000}
total=${BENCH_TOTAL:-4000}
steps=${BENCH_STEPS:-300}
width=${BENCH_WIDTH:-20}
depth=${BENCH_DEPTH:-4}
repeat=${BENCH_REPEAT:-5}
points=${BENCH_POINTS:-4000}
adam=${BENCH_ADAM:-5000}
lbfgs=${BENCH_LBFGS:-5000}
variants=${BENCH_VARIANTS:-"xpinn cpinn fbpinn fbpinn-0.1"}
subs=${BENCH_SUBS:-"1 2 4"}        # subdomain counts of the timing part (1 must be among them)
modes=${BENCH_MODES:-"weak strong"}
case " $variants " in *" xpinn "*) pair=1;; *) pair=;; esac # the pair rows compare with xpinn's 1-subdomain run
parts=${BENCH_PARTS:-"timing accuracy"}
accruns=${BENCH_ACC_RUNS:-all}
cuts=${BENCH_CUTS:--0.1,0.1}
ovl=${BENCH_OVERLAP:-0.05} # fbpinn_o.3: fbpinn.3 with this -pinn_dd_overlap
accopts=${BENCH_ACC_OPTS:-} # e.g. "-pinn_seed 1"
mpiopts=${BENCH_MPIEXEC_OPTS:-} # e.g. "--bind-to none"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 OPENBLAS_NUM_THREADS=1
exe="$build/nabla-burgers"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

echo "# bench/pinn_dd.sh: domain-decomposed Burgers PINNs (nabla-burgers -method pinn -pinn_dd ...)"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared with other jobs)"
"$exe" -method reference -da_grid_x 17 -ts_max_time 0.01 -output "$tmp/v.h5" > /dev/null 2>&1
echo "# libraries: $(/usr/bin/python3 -c "import h5py; print(h5py.File('$tmp/v.h5')['metadata'].attrs['versions'].decode())" 2>/dev/null || echo unknown)"

get() { grep "$1" "$2" | awk '{print $NF}'; }

# run <label> <ranks> <options...>: one line of results into $tmp/<label>.<k>
run() {
  label=$1; n=$2; shift 2
  mpiexec -n "$n" $mpiopts "$exe" -method pinn -output "$tmp/o.h5" "$@" > "$tmp/log" 2>&1 || { echo "# $label: FAILED"; tail -5 "$tmp/log"; return 0; }
  echo "$(get 'time per Adam step' "$tmp/log") $(get 'communication share of a step' "$tmp/log") $(get 'error vs reference, all frames' "$tmp/log") $(get 'training wall time' "$tmp/log") $(get 'median Adam step' "$tmp/log") $(get 'fastest Adam step' "$tmp/log") $(get 'share of the fastest step' "$tmp/log")" >> "$tmp/$label"
}

# over the repeats: the best mean step time and its run's communication
# share, the best median, the fastest single step and its share
summary() {
  sort -g "$tmp/$1" | awk '{print; exit}' | awk '{printf "%8.3f %6.3f", $1, $2}'
  sort -g -k5 "$tmp/$1" | awk '{printf " %8.3f", $5; exit}'
  sort -g -k6 "$tmp/$1" | awk '{printf " %8.3f %6.3f", $6, $7; exit}'
}
best() { sort -g "$tmp/$1" | head -1 | awk '{print $1}'; }
fastest() { sort -g -k6 "$tmp/$1" | head -1 | awk '{print $6}'; }

case " $parts " in *" timing "*)
echo
echo "## 1. time per Adam step [ms] over $repeat repeats: best mean (comm share), best median, fastest step (comm share), efficiency"
echo "##    $depth x $width tanh per subdomain, subdomains along x, $steps Adam steps; mpiexec options: ${mpiopts:-none}"
for mode in $modes; do
  for k in $(seq "$repeat"); do
    if [ $mode = weak ] && [ -n "$pair" ]; then # two independent 1-rank runs at once
      for c in a b; do
        mpiexec -n 1 --bind-to none "$exe" -method pinn -output "$tmp/pair$c.h5" -pinn_dd xpinn -pinn_dd_parts 1,1 -pinn_dd_points "$pps" -pinn_width "$width" -pinn_depth "$depth" \
          -pinn_adam_steps "$steps" -pinn_lbfgs_steps 0 -da_grid_x 257 > "$tmp/pair$c.log" 2>&1 &
      done
      wait
      for c in a b; do echo "$(get 'time per Adam step' "$tmp/pair$c.log") 0 0 0 $(get 'median Adam step' "$tmp/pair$c.log") $(get 'fastest Adam step' "$tmp/pair$c.log") 0" >> "$tmp/weak.pair.2"; done
    fi
    for t in $variants; do
      for s in $subs; do
        if [ $mode = weak ]; then pts=$pps; else pts=$((total / s)); fi
        case $t in
          fbpinn-*) vopt="-pinn_dd fbpinn -pinn_dd_overlap ${t#fbpinn-}";;
          *) vopt="-pinn_dd $t";;
        esac
        run "$mode.$t.$s" "$s" $vopt -pinn_dd_parts "$s,1" -pinn_dd_points "$pts" -pinn_width "$width" -pinn_depth "$depth" \
          -pinn_adam_steps "$steps" -pinn_lbfgs_steps 0 -da_grid_x 257
      done
    done
  done
done
printf '%-7s %-10s %4s %6s %8s %6s %8s %8s %6s %7s %7s\n' scaling variant subs points mean_ms comm median_ms fast_ms comm eff_mean eff_fast
for mode in $modes; do
  if [ $mode = weak ] && [ -n "$pair" ]; then
    t1=$(best weak.xpinn.1); f1=$(fastest weak.xpinn.1); ts=$(best weak.pair.2); fs=$(fastest weak.pair.2)
    printf '%-7s %-10s %4d %6d %s %7s %7s\n' weak "pair" 2 "$pps" "$(summary weak.pair.2)" "$(awk -v a="$t1" -v b="$ts" 'BEGIN {printf "%.3f", a/b}')" "$(awk -v a="$f1" -v b="$fs" 'BEGIN {printf "%.3f", a/b}')"
  fi
  for t in $variants; do
    t1=$(best "$mode.$t.1"); f1=$(fastest "$mode.$t.1")
    for s in $subs; do
      if [ $mode = weak ]; then pts=$pps; else pts=$((total / s)); fi
      ts=$(best "$mode.$t.$s"); fs=$(fastest "$mode.$t.$s")
      eff=$(awk -v a="$t1" -v b="$ts" -v s="$s" -v m=$mode 'BEGIN {printf "%.3f", m=="weak" ? a/b : a/(s*b)}')
      efff=$(awk -v a="$f1" -v b="$fs" -v s="$s" -v m=$mode 'BEGIN {printf "%.3f", m=="weak" ? a/b : a/(s*b)}')
      printf '%-7s %-10s %4d %6d %s %7s %7s\n' "$mode" "$t" "$s" "$pts" "$(summary "$mode.$t.$s")" "$eff" "$efff"
    done
  done
done
esac

# accuracy_table <tag> <title> <options for every run...>
accuracy_table() {
  tag=$1; title=$2; shift 2
  echo
  echo "## $title"
  printf '%-28s %4s %6s %12s %10s %10s\n' method subs params err_vs_ref train_s ratio
  rm -f "$tmp"/acc.*
  acc() {
    label=$1; s=$2; w=$3; shift 3
    case " $accruns " in *" all "*|*" $label "*) ;; *) return 0;; esac
    run "acc.$label" "$s" -pinn_dd_points $((points / s)) -pinn_width "$w" -pinn_depth 4 -pinn_adam_steps "$adam" -pinn_lbfgs_steps "$lbfgs" -da_grid_x 257 $accopts "$@"
  }
  acc single 1 20 -pinn_dd fbpinn -pinn_dd_parts 1,1 "$@"
  acc cpinn.2 2 14 -pinn_dd cpinn -pinn_dd_parts 2,1 "$@"
  acc cpinn.4 4 9 -pinn_dd cpinn -pinn_dd_parts 4,1 "$@"
  acc fbpinn.2 2 14 -pinn_dd fbpinn -pinn_dd_parts 2,1 "$@"
  acc fbpinn.4 4 9 -pinn_dd fbpinn -pinn_dd_parts 4,1 "$@"
  acc xpinn.2 2 14 -pinn_dd xpinn -pinn_dd_parts 2,1 "$@"
  acc xpinn_dn.2 2 14 -pinn_dd xpinn -pinn_dd_parts 2,1 -pinn_dd_w_dn 0.01 -pinn_dd_w_ifres 0.01 "$@"
  acc xpinn_t.2 2 14 -pinn_dd xpinn -pinn_dd_parts 1,2 "$@"
  acc fbpinn_t.2 2 14 -pinn_dd fbpinn -pinn_dd_parts 1,2 "$@"
  acc fbpinn_t.4 4 9 -pinn_dd fbpinn -pinn_dd_parts 1,4 "$@"
  acc cpinn.3 3 11 -pinn_dd cpinn -pinn_dd_parts 3,1 "$@"
  acc fbpinn.3 3 11 -pinn_dd fbpinn -pinn_dd_parts 3,1 "$@"
  acc fbpinn_o.3 3 11 -pinn_dd fbpinn -pinn_dd_parts 3,1 -pinn_dd_overlap "$ovl" "$@"
  acc cpinn.3c 3 11 -pinn_dd cpinn -pinn_dd_cuts_x "$cuts" "$@"
  acc fbpinn.3c 3 11 -pinn_dd fbpinn -pinn_dd_cuts_x "$cuts" "$@"
  acc xpinn.3c 3 11 -pinn_dd xpinn -pinn_dd_cuts_x "$cuts" "$@"
  acc xpinn_dn.3c 3 11 -pinn_dd xpinn -pinn_dd_cuts_x "$cuts" -pinn_dd_w_dn 0.01 -pinn_dd_w_ifres 0.01 "$@"
  e1=$(awk '{print $3}' "$tmp/acc.single" 2>/dev/null || true) # the ratio needs the "single" run
  for spec in "single 1 1341" "cpinn.2 2 1374" "cpinn.4 4 1228" "fbpinn.2 2 1374" "fbpinn.4 4 1228" "xpinn.2 2 1374" "xpinn_dn.2 2 1374" "xpinn_t.2 2 1374" "fbpinn_t.2 2 1374" "fbpinn_t.4 4 1228" "cpinn.3 3 1323" "fbpinn.3 3 1323" "fbpinn_o.3 3 1323" "cpinn.3c 3 1323" "fbpinn.3c 3 1323" "xpinn.3c 3 1323" "xpinn_dn.3c 3 1323"; do
    set -- $spec
    [ -f "$tmp/acc.$1" ] || continue
    e=$(awk '{print $3}' "$tmp/acc.$1"); w=$(awk '{print $4}' "$tmp/acc.$1")
    case $1 in
      single) name="one network (parts 1,1)";;
      xpinn_dn.2) name="xpinn + W_D, W_IF 0.01";;
      xpinn_t.2) name="xpinn, cut in t";;
      fbpinn_t.2) name="fbpinn, cut in t";;
      fbpinn_t.4) name="fbpinn, 4 cut in t";;
      fbpinn_o.3) name="fbpinn.3, overlap $ovl";;
      xpinn_dn.3c) name="xpinn + W_D, cuts x = $cuts";;
      *.3c) name="${1%.3c}, cuts x = $cuts";;
      *) name=$1;;
    esac
    printf '%-28s %4d %6d %12s %10s %10s\n' "$name" "$2" "$3" "$e" "$w" "$(awk -v a="$e" -v b="$e1" 'BEGIN {if (b == "") printf "-"; else printf "%.2f", a/b}')"
  done
}

case " $parts " in *" accuracy "*)
accuracy_table shock "2. final error against the PETSc reference at equal total parameters, nu = 0.01/pi (shock at x = 0 from t ~ 0.3); $points points in all, $adam Adam + <= $lbfgs L-BFGS; subdomains along x unless noted"
accuracy_table smooth "3. the same at nu = 0.05 (smooth)" -burgers_nu 0.05
esac
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
