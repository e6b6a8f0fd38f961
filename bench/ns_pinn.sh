#!/bin/sh
# Navier-Stokes PINNs (issue 5's targets): kovasznay (Re = 40), the
# lid-driven cavity (Re = 100), taylorgreen (Re = 100, t in [0, 1]) and the
# inverse problem (nu and lambda1 from clean and from 1%-noisy observations
# of the reference), one nabla-navierstokes -method pinn run each, errors at
# the reference's cell centres (all frames) against the PETSc reference and,
# where there is one, the exact solution.
#   bench/ns_pinn.sh [build-dir] [ranks]    > bench/results/ns_pinn.txt
# Budget: 4 hidden layers of BENCH_WIDTH (40) tanh units, BENCH_POINTS (4000)
# collocation points, BENCH_ADAM (5000) Adam steps then up to BENCH_LBFGS
# (10000) L-BFGS iterations; the same for every case.
set -eu
build=${1:-build}
ranks=${2:-1}
width=${BENCH_WIDTH:-40}
points=${BENCH_POINTS:-4000}
adam=${BENCH_ADAM:-5000}
lbfgs=${BENCH_LBFGS:-10000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)
net="-pinn_width $width -pinn_depth 4 -pinn_points $points -pinn_adam_steps $adam -pinn_lbfgs_steps $lbfgs"
echo "# nabla-navierstokes -method pinn: $net, $ranks rank(s)"
echo "# $(date -u +%Y-%m-%dT%H:%MZ); machine: $(lscpu | sed -n "s/^Model name: *//p" | head -1), $(getconf _NPROCESSORS_ONLN) cores, $(uname -sr)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: wall times are indicative only)"
run() { # name options...
  name=$1; shift
  start=$(date +%s)
  mpiexec -n "$ranks" "$build/nabla-navierstokes" -method pinn $net -output "$tmp/$name.h5" "$@" > "$tmp/$name.log" 2>&1 ||
    { echo "$name: FAILED"; tail -5 "$tmp/$name.log"; return 0; }
  get() { grep "  $1" "$tmp/$name.log" | head -1 | awk '{print $NF}'; }
  echo
  echo "## $name: nabla-navierstokes -method pinn $net $*"
  echo "   elapsed $(( $(date +%s) - start )) s; training $(get 'PINN training wall time') s; $(grep 'PINN training steps' "$tmp/$name.log" | sed 's/.*steps *//'); final loss $(get 'PINN final loss')"
  echo "   reference: $(grep '  grid ' "$tmp/$name.log" | sed 's/.*grid *//'), $(grep '  solver ' "$tmp/$name.log" | sed 's/.*solver *//')"
  for key in 'PINN rel. L2 error of velocity vs reference' 'PINN rel. L2 error of pressure vs reference' 'PINN rel. L2 error of velocity vs exact' \
             'PINN rel. L2 error of pressure vs exact' 'reference rel. L2 error of velocity vs exact at cell centres' \
             'PINN max abs. velocity error vs reference' 'Ghia et al. 1982' 'PINN: Ghia' 'identified'; do
    grep "  $key" "$tmp/$name.log" | sed 's/^ */   /' || true
  done
}
run kovasznay -ns_case kovasznay -stag_grid_x 96 -stag_grid_y 128 -pinn_boundary_points 800
run cavity -ns_case cavity -stag_grid_x 128 -stag_grid_y 128
run taylorgreen -ns_case taylorgreen -stag_grid_x 64 -stag_grid_y 64 -ns_frames 11 -pinn_boundary_points 800
run inverse_clean -ns_case kovasznay -stag_grid_x 96 -stag_grid_y 128 -pinn_boundary_points 800 -pinn_inverse -pinn_data_points 2000
run inverse_noise1pct -ns_case kovasznay -stag_grid_x 96 -stag_grid_y 128 -pinn_boundary_points 800 -pinn_inverse -pinn_data_points 2000 -pinn_noise 0.01
echo
echo "# OpenBLAS core: $(/usr/bin/python3 -c "import h5py,sys; print(h5py.File(sys.argv[1],'r')['metadata'].attrs['versions'])" "$tmp/kovasznay.h5" 2>/dev/null | sed 's/.*OpenBLAS core/OpenBLAS core/' || echo unknown)"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$tmp"
