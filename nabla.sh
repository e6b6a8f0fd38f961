#!/bin/sh
# nabla set-up, build, run and test, in one command.
#   ./nabla.sh run    install what is missing, build, run nabla-burgers on 2 ranks
#   ./nabla.sh test   install what is missing, build, run the whole test suite
#   ./nabla.sh build  install what is missing and build only
# Environment: NABLA_BUILD (build folder, default ./build), NABLA_JOBS.
set -eu

cmd=${1:-run}
root=$(cd "$(dirname "$0")" && pwd)
build=${NABLA_BUILD:-$root/build}
jobs=${NABLA_JOBS:-$(nproc 2>/dev/null || echo 2)}

# What nabla needs (Debian/Ubuntu package names), and what its tests add.
PKGS="gcc make cmake pkg-config petsc-dev libhdf5-openmpi-dev libscalapack-openmpi-dev libopenmpi-dev openmpi-bin libopenblas-dev"
TEST_PKGS="python3 python3-numpy python3-h5py python3-paraview valgrind"

missing() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s ' "$p"
  done
}

install_packages() {
  need=$(missing "$@")
  [ -z "$need" ] && return 0
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    echo "nabla: this is not a Debian/Ubuntu system. Install these (or your system's equivalents) and rerun:" >&2
    echo "  $*" >&2
    echo "  (Open MPI, PETSc >= 3.18 with HDF5, parallel HDF5, ScaLAPACK, OpenBLAS, CMake >= 3.25, pkg-config)" >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "nabla: need root or sudo to install: $need" >&2; exit 1; }
    sudo=sudo
  fi
  echo "nabla: installing $need"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need
}

# Open MPI refuses root and more ranks than cores unless told; nabla's
# scripts and tests run in both situations (CI: root, 2 cores).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none

configure_and_build() {
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$build" -j "$jobs"
}

case "$cmd" in
  build)
    install_packages $PKGS
    configure_and_build
    ;;
  run)
    install_packages $PKGS
    configure_and_build
    mpiexec -n 2 "$build/nabla-burgers" -options_file "$root/examples/burgers/main.opts"
    ;;
  test)
    install_packages $PKGS $TEST_PKGS
    configure_and_build -DNABLA_WERROR=ON -DNABLA_TESTS=ON
    ctest --test-dir "$build" --output-on-failure -j "$jobs"
    # memory errors: the unit tests again under AddressSanitizer and UBSan
    cmake -S "$root" -B "$build-asan" -DCMAKE_BUILD_TYPE=Release -DNABLA_SANITIZE=ON -DNABLA_WERROR=ON
    cmake --build "$build-asan" -j "$jobs"
    ctest --test-dir "$build-asan" -L unit --output-on-failure -j "$jobs"
    # and the programs under valgrind memcheck (a build without AVX-512, which valgrind cannot run)
    cmake -S "$root" -B "$build-valgrind" -DCMAKE_BUILD_TYPE=Release -DNABLA_NATIVE=OFF -DNABLA_VALGRIND=ON -DNABLA_WERROR=ON
    cmake --build "$build-valgrind" -j "$jobs" --target nabla-burgers nabla-navierstokes nabla-poisson
    ctest --test-dir "$build-valgrind" -L memcheck --output-on-failure -j "$jobs"
    ;;
  *)
    echo "usage: $0 run|test|build" >&2
    exit 2
    ;;
esac
