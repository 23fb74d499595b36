"""Run the sandbox runner as a plain child process and report its wall time and peak memory.

The benchmark runs this with chroot inside a copy of the runtime image's files, so the
prediction uses the same Python and libraries as in the sandbox, without a container:

    python3 plain_run.py INPUT_DIR OUTPUT_DIR

It prints one JSON line: {"seconds", "max_rss_bytes", "exit_code"}.
"""

import json
import os
import resource
import subprocess
import sys
import time

RUNNER = "/opt/modeluploads/runner.py"


def main():
    input_dir, output_dir = sys.argv[1], sys.argv[2]
    environment = dict(os.environ, MODELUPLOADS_INPUT=input_dir, MODELUPLOADS_OUTPUT=output_dir)
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, RUNNER], env=environment, check=False)
    seconds = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux, and RUSAGE_CHILDREN covers only the runner here.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "max_rss_bytes": peak, "exit_code": completed.returncode}))


if __name__ == "__main__":
    main()
