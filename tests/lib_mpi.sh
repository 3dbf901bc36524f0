# Sourced by the tests of MPI jobs after lib_cli.sh: skips (exit 0, "SKIP: ...") when mpirun is
# not installed or this uniapprox is built without MPI, sets the environment under which OpenMPI
# runs ranks on this machine (also in a minimal container, as root, under the sanitizers), and
# defines `mpi NP CMD...` (mpirun -np NP --oversubscribe CMD...) and $MPI_ROOT.
if ! command -v mpirun >/dev/null 2>&1; then
    echo "SKIP: mpirun is not installed (scripts/install-deps installs OpenMPI)"
    exit 0
fi
"$UA" --version >ver.txt 2>&1
if ! grep -q '^  MPI  ' ver.txt; then
    echo "SKIP: this uniapprox is built without MPI (UA_MPI=OFF)"
    exit 0
fi
# Under the sanitizers: OpenMPI's own allocations left at exit are not ours to report
# (tests/mpi.lsan.supp names its libraries). A suppression matches a frame of the allocation's
# stack, so the stacks must reach those libraries: the full unwinder (OpenMPI is built without
# frame pointers, where the fast one stops after one frame), and OpenMPI's plugins kept loaded
# at MPI_Finalize so that their frames still name a module. Harmless without the sanitizers.
# Only the jobs under mpirun get these (the full unwinder slows every allocation down); a test
# may set MPI_ASAN itself after sourcing this file.
MPI_LSAN="suppressions=$TESTS_DIR/mpi.lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
MPI_ASAN="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
OMPI_MCA_mca_base_component_disable_dlclose=1
PMIX_MCA_mca_base_component_disable_dlclose=1
export OMPI_MCA_mca_base_component_disable_dlclose PMIX_MCA_mca_base_component_disable_dlclose
# ranks on one machine, as many as asked whatever the cores (oversubscribed ranks yield the CPU
# when they wait), shared memory without the cross-memory attach containers often refuse
OMPI_MCA_btl_vader_single_copy_mechanism=none
OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_btl_vader_single_copy_mechanism OMPI_MCA_mpi_yield_when_idle
# OpenMPI 4's mpirun refuses to start, even for ranks on this machine only, when its remote
# launcher (ssh or rsh) is not installed, as in a minimal container; it is never used here
if ! command -v ssh >/dev/null 2>&1 && ! command -v rsh >/dev/null 2>&1; then
    OMPI_MCA_plm_rsh_agent=sh
    export OMPI_MCA_plm_rsh_agent
fi
MPI_ROOT=""
[ "$(id -u)" -eq 0 ] && MPI_ROOT="--allow-run-as-root"
mpi() {
    np=$1
    shift
    LSAN_OPTIONS=$MPI_LSAN ASAN_OPTIONS=$MPI_ASAN mpirun -np "$np" --oversubscribe $MPI_ROOT "$@"
}
