"""Writes the ONNX project's backend node test cases into the folder given (ONNX backend-test layout).

Debian's python3-onnx (1.12) ships `backend-test-tools generate-data`, written for a numpy that still had
the aliases np.float, np.int, np.bool, np.object, np.complex and np.str; numpy 1.24 removed them, so they
are put back first.
"""
import sys
import warnings

import numpy as np

for name, alias in [("float", float), ("int", int), ("bool", bool), ("object", object), ("complex", complex), ("str", str)]:
    if not hasattr(np, name):
        setattr(np, name, alias)
warnings.simplefilter("ignore")

from onnx.backend.test.cmd_tools import main  # noqa: E402

sys.argv = ["backend-test-tools", "generate-data", "-o", sys.argv[1]]
main()
