"""The package under test is the one on PYTHONPATH (the build tree's copy under ctest, or an
installed tree); the library the one its _libpath.py or UNIAPPROX_LIBRARY names."""
import os


def pytest_report_header(config):
    import uniapprox
    return "uniapprox %s from %s, library %s" % (uniapprox.__version__,
                                                 os.path.dirname(uniapprox.__file__),
                                                 uniapprox.LIBRARY_PATH)
