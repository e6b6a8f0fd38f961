#!/bin/sh
# PINN training step, nabla vs PyTorch, in one invocation.
#   bench/pinn_step.sh [BUILD_DIR] [REPEATS]      (defaults: ./build, 3)
# For each case (Raissi et al. 2019: 8 x 20 tanh, 10000 + 100 points; wide:
# 4 x 64, 20000 + 100 points) and each repeat it runs, back to back, nabla on
# one rank, PyTorch (one thread), and nabla on two ranks, so that the three
# share the machine's load at that moment; it reports each repeat's ratios
# and their medians. Seconds per step are wall-clock (cpu_s_per_step, the
# process's CPU time, is shown too: on a shared machine the difference is
# the time other jobs held the core). Also: nabla's achieved GFLOP/s on its
# matrix products, cblas_dgemm's GFLOP/s, and the OpenBLAS core in use.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
reps=${2:-3}
bench=$build/nabla-bench-pinn
py=/usr/bin/python3
[ -x "$bench" ] || { echo "pinn_step.sh: $bench not found; build first (cmake --build $build)" >&2; exit 1; }
$py -c "import torch" 2>/dev/null || { echo "pinn_step.sh: $py has no torch (apt-get install python3-torch)" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
# a rank that waits in MPI_Allreduce yields its core instead of spinning (on a
# machine shared with other jobs spinning steals time from the other rank)
export OMPI_MCA_mpi_yield_when_idle=1

field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "== nabla PINN-step benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(lscpu | sed -n "s/^Model name: *//p" | head -1), $(getconf _NPROCESSORS_ONLN) cores, $(uname -sr)"
echo "         $(lscpu | grep -o 'avx512f' | head -1 | sed 's/avx512f/AVX-512/') L2 $(lscpu | sed -n 's/^L2 cache: *//p'), L3 $(lscpu | sed -n 's/^L3 cache: *//p')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: ratios are taken within each repeat)"
echo "peer: PyTorch $($py -c 'import torch; print(torch.__version__)'), torch.set_num_threads(1), float64"
echo

for case in "default 20 8 10000 30" "wide 64 4 20000 8"; do
  set -- $case
  name=$1 w=$2 d=$3 n=$4 steps=$5
  args="-bench_width $w -bench_depth $d -bench_points $n -bench_steps $steps"
  echo "-- case $name: input (x,t), $d hidden layers of $w tanh units, $n collocation + 100 boundary points"
  r1=""; rt=""; ratio=""; r2=""; sp=""; gf=""; cq=""; cs=""
  for r in $(seq "$reps"); do
    o1=$(mpiexec -n 1 "$bench" $args)
    ot=$($py "$root/bench/pinn_step_torch.py" --width "$w" --depth "$d" --points "$n" --steps "$(( steps < 10 ? steps : 10 ))")
    o2=$(mpiexec -n 2 "$bench" $args)
    s1=$(field s_per_step "$o1"); c1=$(field cpu_s_per_step "$o1"); g1=$(field gflops "$o1")
    st=$(field s_per_step "$ot"); ct=$(field cpu_s_per_step "$ot")
    s2=$(field s_per_step "$o2"); c2=$(field cpu_s_per_step "$o2")
    q=$(awk -v a="$st" -v b="$s1" 'BEGIN {printf "%.2f", a / b}')
    p=$(awk -v a="$s1" -v b="$s2" 'BEGIN {printf "%.2f", a / b}')
    cr=$(awk -v a="$ct" -v b="$c1" 'BEGIN {printf "%.2f", a / b}')
    cp=$(awk -v a="$c1" -v b="$c2" 'BEGIN {printf "%.2f", a / b}')
    echo "  repeat $r: nabla 1 rank $s1 s/step (cpu $c1, $g1 GFLOP/s) | torch $st s/step (cpu $ct) | torch/nabla $q | nabla 2 ranks $s2 s/step (cpu per rank $c2), speed-up $p"
    r1="$r1 $s1"; rt="$rt $st"; ratio="$ratio $q"; r2="$r2 $s2"; sp="$sp $p"; gf="$gf $g1"; cq="$cq $cr"; cs="$cs $cp"
    [ "$r" = 1 ] && core=$(field core "$o1") && flop=$(field matmul_gflop_per_step "$o1")
  done
  m1=$(echo $r1 | tr ' ' '\n' | median); mt=$(echo $rt | tr ' ' '\n' | median)
  mq=$(echo $ratio | tr ' ' '\n' | median); m2=$(echo $r2 | tr ' ' '\n' | median)
  mp=$(echo $sp | tr ' ' '\n' | median); mg=$(echo $gf | tr ' ' '\n' | median)
  mcq=$(echo $cq | tr ' ' '\n' | median); mcs=$(echo $cs | tr ' ' '\n' | median)
  echo "  median of $reps: nabla s_per_step=$m1 | torch s_per_step=$mt | torch/nabla=$mq (target >= 5) | nabla 2 ranks s_per_step=$m2, speed-up $mp (target >= 1.8)"
  echo "  in CPU seconds (what each process actually ran, whatever else shared the cores): torch/nabla=$mcq, 2-rank speed-up (1-rank CPU / per-rank CPU) $mcs"
  echo "  nabla: $flop GFLOP of matrix products per step, $mg GFLOP/s achieved (wall clock); OpenBLAS core $core (nabla's own kernels do the products)"
  echo
done
echo "-- cblas_dgemm on this machine (OpenBLAS, one thread)"
mpiexec -n 1 "$bench" -bench_steps 1 -bench_warmup 0 -bench_dgemm | grep cblas_dgemm
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
