# Finds nabla's dependencies the standard way (MPI through CMake, the rest
# through pkg-config) and gathers them in one INTERFACE target, nabla_deps.
# Used both when building nabla and by find_package(nabla) after install.
# A missing dependency stops configuration with the Debian/Ubuntu package
# that provides it.
include_guard(GLOBAL)
find_package(PkgConfig QUIET)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "nabla: pkg-config not found. Install it: apt-get install pkg-config")
endif()
find_package(MPI COMPONENTS C QUIET)
if(NOT MPI_C_FOUND)
  message(FATAL_ERROR "nabla: MPI (C) not found. Install Open MPI: apt-get install libopenmpi-dev openmpi-bin")
endif()

function(nabla_require_pc var pkg_alternatives debian_pkg)
  foreach(pkg IN LISTS pkg_alternatives)
    pkg_check_modules(${var} QUIET IMPORTED_TARGET GLOBAL ${pkg})
    if(${var}_FOUND)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "nabla: pkg-config cannot find ${pkg_alternatives}. "
    "Install it: apt-get install ${debian_pkg}")
endfunction()

nabla_require_pc(NB_PETSC "PETSc;petsc" petsc-dev)
nabla_require_pc(NB_HDF5 "hdf5-openmpi;hdf5-mpi" libhdf5-openmpi-dev)
nabla_require_pc(NB_SCALAPACK "scalapack-openmpi" libscalapack-openmpi-dev)
nabla_require_pc(NB_OPENBLAS "openblas" libopenblas-dev)

if(NB_PETSC_VERSION VERSION_LESS 3.18)
  message(FATAL_ERROR "nabla: PETSc ${NB_PETSC_VERSION} found, 3.18 or newer needed (apt-get install petsc-dev)")
endif()

if(NOT TARGET nabla_deps)
  add_library(nabla_deps INTERFACE)
  target_link_libraries(nabla_deps INTERFACE PkgConfig::NB_PETSC PkgConfig::NB_HDF5
    PkgConfig::NB_SCALAPACK PkgConfig::NB_OPENBLAS MPI::MPI_C m)
endif()
