#!/bin/sh
# Neural-ODE gradient, nabla (TSAdjoint) vs PyTorch (backpropagation through
# the RK4 steps), in one invocation.
#   bench/node.sh [BUILD_DIR] [REPEATS]      (defaults: ./build, 3)
# The Lotka-Volterra network (2 -> 64 -> 64 -> 2 tanh, float64) on B
# trajectories integrated as one state, fixed-step RK4 with dt = 0.01, loss
# = mean squared distance to a target at every 10th step. Time: 1,000 steps
# at B = 1 and B = 100, nabla and PyTorch back to back in each repeat (the
# machine is shared: ratios are taken within a repeat), median ratio
# printed. Memory: one gradient's growth of the resident set
# (trajectory_mb) and the peak, against the trajectory length (100 to
# 10,000 steps, B = 1), nabla storing every step, nabla with bounded memory
# (PETSc 3.18's two-level checkpointing, stride 100: the stages of at most
# 100 steps in RAM, one solution per 100 steps on disk, the rest
# recomputed), and PyTorch. Each result is printed under the command that
# reproduces it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
reps=${2:-3}
bench=$build/nabla-bench-node
py=/usr/bin/python3
[ -x "$bench" ] || { echo "node.sh: $bench not found; build first (cmake --build $build)" >&2; exit 1; }
$py -c "import torch" 2>/dev/null || { echo "node.sh: $py has no torch (apt-get install python3-torch)" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
run() { echo "\$ $*" >&2; "$@" 2>&1 | grep -E '^(nabla-bench-node|node_torch) ' | tail -1; }

echo "== neural-ODE gradient benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(lscpu | sed -n "s/^Model name: *//p" | head -1), $(getconf _NPROCESSORS_ONLN) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peer: PyTorch $($py -c 'import torch; print(torch.__version__)'), torch.set_num_threads(1), float64, backpropagation through the steps"
echo "nabla: one rank, -ts_type rk -ts_rk_type 4, gradient by TSAdjoint (forward TSSolve + one adjoint sweep per observation interval)"
echo

echo "-- time per gradient, 1000 RK4 steps, 100 observations"
for b in 1 100; do
  ratios=""
  cratios=""
  for r in $(seq "$reps"); do
    on=$(run mpiexec -n 1 "$bench" -bench_steps 1000 -bench_batch "$b" 2>/dev/null)
    ot=$(run $py "$root/bench/node_torch.py" --steps 1000 --batch "$b" 2>/dev/null)
    sn=$(field s_per_gradient "$on"); st=$(field s_per_gradient "$ot")
    cn=$(field cpu_s_per_gradient "$on"); ct=$(field cpu_s_per_gradient "$ot")
    q=$(awk -v a="$st" -v b="$sn" 'BEGIN {printf "%.2f", a / b}')
    qc=$(awk -v a="$ct" -v b="$cn" 'BEGIN {printf "%.2f", a / b}')
    echo "\$ mpiexec -n 1 $bench -bench_steps 1000 -bench_batch $b"
    echo "  $on"
    echo "\$ $py bench/node_torch.py --steps 1000 --batch $b"
    echo "  $ot"
    echo "  repeat $r, B = $b: nabla $sn s, torch $st s per gradient, torch/nabla = $q (CPU time: $cn s, $ct s, ratio $qc)"
    ratios="$ratios $q"
    cratios="$cratios $qc"
  done
  echo "B = $b: median torch/nabla ratio, wall clock $(echo $ratios | tr ' ' '\n' | median), CPU time $(echo $cratios | tr ' ' '\n' | median) (target >= 2)"
  echo
done

echo "-- memory of one gradient vs trajectory length, B = 1 (trajectory_mb: growth of the resident set over the set-up)"
cps="-ts_trajectory_stride 100 -ts_trajectory_max_cps_ram 100 -ts_trajectory_save_stack 0"
for n in 100 1000 10000; do
  a=$(run mpiexec -n 1 "$bench" -bench_steps "$n" -bench_min_time 0 2>/dev/null)
  c=$(run mpiexec -n 1 "$bench" -bench_steps "$n" -bench_min_time 0 $cps 2>/dev/null)
  t=$(run $py "$root/bench/node_torch.py" --steps "$n" --min-time 0 2>/dev/null)
  echo "\$ mpiexec -n 1 $bench -bench_steps $n -bench_min_time 0"
  echo "  $a"
  echo "\$ mpiexec -n 1 $bench -bench_steps $n -bench_min_time 0 $cps"
  echo "  $c"
  echo "\$ $py bench/node_torch.py --steps $n --min-time 0"
  echo "  $t"
  echo "  steps $n: trajectory_mb nabla stored $(field trajectory_mb "$a"), nabla checkpointed $(field trajectory_mb "$c"), torch $(field trajectory_mb "$t");" \
    "peak_rss_mb $(field peak_rss_mb "$a"), $(field peak_rss_mb "$c"), $(field peak_rss_mb "$t");" \
    "s_per_gradient $(field s_per_gradient "$a"), $(field s_per_gradient "$c"), $(field s_per_gradient "$t")"
done
