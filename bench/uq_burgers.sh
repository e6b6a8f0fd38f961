#!/bin/sh
# Uncertainty of Burgers PINNs (issue 6's comparison): deep ensembles, MC
# dropout and HMC side by side on (1) the forward problem with 1% Gaussian
# noise on the initial and boundary data and (2) the inverse problem with 1%
# noise on the observations. One line per method and problem: error of the
# predictive mean against the PETSc reference, 95% coverage, mean CRPS, NLL,
# mean predicted std, wall time, ranks; for inverse runs nu and lambda.
#   bench/uq_burgers.sh [build-dir] [ranks] [extra nabla-burgers options]
# The budget per network (and of the optimisation that starts each HMC chain)
# is set by BENCH_ADAM / BENCH_LBFGS (defaults 2000 /
# 2000: a reduced budget, so the five ensemble members and the HMC chains
# fit in an hour on 2 cores); redirect stdout to bench/results/uq_burgers.txt.
set -eu
bench_steps=2000
. "$(dirname "$0")/common.sh"
bench_header "nabla-burgers -method pinn -uq ..., nu = 0.01/pi, t in [0, 1]; per network $adam Adam + <= $lbfgs L-BFGS; $ranks ranks" "$@"
common="-method pinn -pinn_adam_steps $adam -pinn_lbfgs_steps $lbfgs -pinn_noise 0.01 -da_grid_x 1025"
hmcopts="-uq_hmc_pretrain $adam -uq_hmc_pretrain_lbfgs $lbfgs -hmc_chains 2 -hmc_warmup 200 -hmc_samples 200 -hmc_leapfrog_steps 10 -uq_samples 50 -uq_sigma_bc 0.01 -uq_sigma_data 0.01"
printf '%-8s %-10s %10s %9s %10s %9s %10s %8s %s\n' problem method err_mean cover95 crps nll mean_std wall_s coefficients
for problem in forward inverse; do
  extra=""
  [ "$problem" = inverse ] && extra="-pinn_inverse -burgers_frames 101 -pinn_data_points 2000"
  for m in ensemble mcdropout hmc; do
    case " ${BENCH_METHODS:-ensemble mcdropout hmc} " in *" $m "*) ;; *) continue;; esac
    opts="-uq $m -uq_members 5 -uq_dropout 0.02 -uq_samples 100"
    [ "$m" = hmc ] && opts="-uq hmc $hmcopts"
    log="$tmp/$problem-$m.log"
    if ! mpiexec -n "$ranks" "$build/nabla-burgers" $common $extra $opts -output "$tmp/$problem-$m.h5" -options_left no "$@" > "$log" 2>&1; then
      echo "$problem $m: FAILED"; tail -5 "$log"; continue
    fi
    get() { grep "  UQ .*$1" "$log" | head -1 | awk '{print $NF}'; }
    coef=$(grep "identified" "$log" | sed 's/^ *identified //; s/  */ /g' | tr '\n' ';')
    printf '%-8s %-10s %10s %9s %10s %9s %10s %8s %s\n' "$problem" "$m" "$(get 'error of the mean')" "$(get '95% coverage')" \
      "$(get 'mean CRPS')" "$(get 'Gaussian NLL')" "$(get 'mean predicted std')" "$(get 'wall time')" "$coef"
    grep "HMC" "$log" | sed "s/^/#   $problem $m: /" || true
  done
done
rm -rf "$tmp"
