#!/bin/sh
# Collocation samplers on the poisson cases DAS and AAS were built for
# (issue 18): the DAS setting of examples/poisson/das.opts (1,000 interior +
# 1,000 boundary points, 6 x 32 tanh, 5 stages of Adam) with each sampler
# at the same points and budget, over seeds; relative L2 error of the PINN
# against u* at the nodes of the reference grid. One line per run, then per
# case and sampler the median over the seeds with its spread (min, max).
#   bench/pinn_sampling_cases.sh [build-dir] [ranks] [extra nabla-poisson options]
# Environment: BENCH_CASES (default "peak twopeak"), BENCH_SAMPLERS
# (default "uniform sobol rad rar aas"), BENCH_SEEDS (default "0 1 2"),
# BENCH_ADAM (Adam steps, default 15000 as das.opts), BENCH_ROUND (Adam
# steps between rounds, default BENCH_ADAM / 5: five stages). A sampler
# with its own options file (examples/poisson/das_<sampler>.opts) reads it,
# then BENCH_OPTS_<sampler> (options of that sampler only, e.g.
# BENCH_OPTS_aas="-aas_flow_steps 300": nabla refuses options a run does
# not use, so they cannot go with the extra options of every run).
# The full run is 2 cases x 5 samplers x 3 seeds of 15,000 steps: hours on
# 2 cores. Output: the table on stdout; redirect it to
# bench/results/pinn_sampling_cases.txt.
set -eu
bench_steps=15000
. "$(dirname "$0")/common.sh"
opts=$(cd "$(dirname "$0")/../examples/poisson" && pwd)
cases=${BENCH_CASES:-"peak twopeak"}
samplers=${BENCH_SAMPLERS:-"uniform sobol rad rar aas"}
seeds=${BENCH_SEEDS:-"0 1 2"}
round=${BENCH_ROUND:-$((adam / 5))}
bench_header "nabla-poisson -options_file examples/poisson/das.opts [-options_file das_<sampler>.opts] -pinn_sampler S -pinn_seed N; $adam Adam steps, a round every $round; $ranks ranks; OpenBLAS core ${OPENBLAS_CORETYPE:-auto}" "$@"
printf '%-8s %-8s %4s %12s %12s %10s\n' case sampler seed err_vs_exact err_vs_ref train_s
for c in $cases; do
  for s in $samplers; do
    extra=""
    [ -f "$opts/das_$s.opts" ] && extra="-options_file $opts/das_$s.opts"
    eval "extra=\"\$extra \${BENCH_OPTS_$s:-}\""
    for n in $seeds; do
      log="$tmp/$c-$s-$n.log"
      # shellcheck disable=SC2086
      if mpiexec -n "$ranks" "$build/nabla-poisson" -options_file "$opts/das.opts" $extra -poisson_case "$c" -pinn_sampler "$s" \
        -pinn_seed "$n" -pinn_adam_steps "$adam" -pinn_resample_every "$round" -output "$tmp/$c-$s-$n.h5" "$@" > "$log" 2>&1; then
        get() { grep "$1" "$log" | awk '{print $NF}'; }
        printf '%-8s %-8s %4s %12s %12s %10s\n' "$c" "$s" "$n" "$(get 'PINN rel. L2 error vs exact, all frames')" \
          "$(get 'PINN rel. L2 error vs reference, all frames')" "$(get 'PINN training wall time')" | tee -a "$tmp/runs"
      else
        echo "$c $s seed $n: FAILED"
        tail -5 "$log"
      fi
    done
  done
done
# median (middle of the sorted values; the mean of the two middle ones for
# an even count) and spread of err_vs_exact per case and sampler
echo
printf '%-8s %-8s %5s %12s %12s %12s %10s\n' case sampler seeds median min max train_s
[ -f "$tmp/runs" ] && sort -k1,1 -k2,2 -k4,4g "$tmp/runs" | awk '
  function flush() {
    if (!n) return
    m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    printf "%-8s %-8s %5d %12.3e %12.3e %12.3e %10.1f\n", c, s, n, m, v[1], v[n], t / n
  }
  $1 != c || $2 != s { flush(); c = $1; s = $2; n = 0; t = 0 }
  { v[++n] = $4; t += $6 }
  END { flush() }'
rm -rf "$tmp"
