# Sourced, after `set -eu`, by the benchmarks called as
#   bench/NAME.sh [build-dir] [ranks] [extra nabla-burgers options]
# with bench_steps set to the default budget. Sets build and ranks (default
# build, 2) and shifts them off the positional parameters, leaving the extra
# options in "$@"; adam and lbfgs (BENCH_ADAM, BENCH_LBFGS, default
# $bench_steps); tmp, a fresh directory; and what Open MPI needs to run as
# root with more ranks than cores.
build=${1:-build}
ranks=${2:-2}
if [ $# -ge 2 ]; then shift 2; else shift $#; fi
adam=${BENCH_ADAM:-$bench_steps}
lbfgs=${BENCH_LBFGS:-$bench_steps}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)

# bench_header TITLE EXTRA...: the comment lines above a table: what ran,
# when and on what machine, and the extra options
bench_header() {
  echo "# $1"
  shift
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "# extra options: $*"
}
