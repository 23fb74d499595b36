"""Write pickles that attack the sandbox, with real cloudpickle, inside a runtime image.

Each predict function tries one attack from inside the sandbox container and
prints one line per check to stderr, so the evidence lands in the run's log.
When every check was blocked, predict returns valid predictions (the rank of
the mean of the features), so the run ends in Success. When a check escaped,
predict raises RuntimeError("ESCAPED: ...") with the evidence, so the run
fails with ModelException and the evidence is in its description. Attacks
that must kill the run (a fork bomb, memory past the limit, sleeping forever)
are judged by the run's status instead. The output attacks only log what they
wrote, because the test judges them by the run's folder on the host.

load_exec.pkl and load_system.pkl run their code while the pickle loads, through
exec and os.system, and write their evidence to /output/load_evidence.json.

Every predict function is defined in __main__, so cloudpickle stores it by
value, as it does for a user's notebook. Usage, with a writable folder at
/output:

    python3 hostile_pickles.py [HOST_PATH ...]

Each HOST_PATH is a path on the host that no sandbox may see, such as the
checkout, its data folder and the tests' work folder.
"""

import ctypes
import errno
import inspect
import json
import os
import pickle
import pwd
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time

import cloudpickle

OUTPUT = os.environ.get("PICKLE_OUTPUT", "/output")

MIB = 1024 * 1024

# Host paths from the command line, then the engine's and PostgreSQL's usual sockets and folders.
HOST_PATHS = sys.argv[1:] + [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/postgresql",
    "/run/postgresql",
]

# PostgreSQL (the usual port and the project's), the engine's TCP ports, HTTP, the gateway and Orleans.
LOOPBACK_PORTS = [5432, 54329, 2375, 2376, 80, 5080, 11111, 30000]

# Documentation addresses (RFC 5737 and RFC 3849) that no real host has.
OUTSIDE_ADDRESS = "192.0.2.1"
OUTSIDE_ADDRESS_V6 = "2001:db8::1"

CONNECT_TIMEOUT_SECONDS = 5

INPUT_FILES = ["features.json", "features.npy", "model.pkl"]

# Files the runner writes to /output before it calls predict.
RUNNER_OUTPUT_FILES = ["peak_memory", "predictions.csv"]

# Names of files that belong to runs: their inputs, their outputs, and stored
# pickles, which the store names by their SHA-256 digest.
RUN_FILE_NAMES = INPUT_FILES + ["predictions.csv", "result.json", "peak_memory", "load_evidence.json"]
STORED_PICKLE_NAME = r"^[0-9a-f]{64}$"

# Environment variable names and values that would carry a secret of the platform.
SECRET_NAME = r"PASS|SECRET|TOKEN|KEY|CREDENTIAL|CONNECTION|POSTGRES|^PG|DOCKER"
SECRET_VALUE = r"password|postgres|host=|user id="

# Stop points for attacks that a limit should stop much earlier: the pids limit
# (SandboxOptions.PidsLimit, 256 by default) for processes and threads, the
# memory limit (1 GiB in the tests, 4 GiB by default) for memory.
FORK_CAP = 4096
THREAD_CAP = 4096
MEMORY_CAP_BYTES = 6 * 1024 * MIB

# Sizes of the container's tmpfs mounts: SandboxOptions.TmpSizeBytes for /tmp,
# and the Docker engine's default for /dev/shm (64 MiB in /proc/mounts under Docker 20.10).
TMP_LIMIT_BYTES = 512 * MIB
SHM_LIMIT_BYTES = 64 * MIB
FILL_MARGIN_BYTES = 64 * MIB

# More than SandboxOptions.OutputLimitBytes, 256 MiB by default.
OUTPUT_FLOOD_BYTES = 320 * MIB
OUTPUT_FILE_BYTES = 16 * 1024
OUTPUT_FILE_COUNT = OUTPUT_FLOOD_BYTES // OUTPUT_FILE_BYTES

# About 1 GiB to stdout, in lines of 64 KiB with their newline.
STDOUT_LINE_CHARACTERS = 64 * 1024 - 1
STDOUT_LINES = 16 * 1024

DAEMON_MARKER = "modeluploads-hostile-daemon"
DAEMON_CODE = "import time\nwhile True:\n    time.sleep(60)\n"

# /proc/sys, /sys and cgroup files whose write access would let a sandbox change the host.
KERNEL_FILES = [
    "/proc/sys/kernel/core_pattern",
    "/proc/sys/kernel/hostname",
    "/proc/sys/vm/drop_caches",
    "/proc/sysrq-trigger",
    "/sys/kernel/uevent_helper",
    "/sys/kernel/mm/transparent_hugepage/enabled",
    "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    "/sys/fs/cgroup/memory/release_agent",
    "/sys/fs/cgroup/pids/pids.max",
    "/sys/fs/cgroup/memory.max",
    "/sys/fs/cgroup/pids.max",
]

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000

# Arguments that make a setuid binary wait for input instead of exiting at once.
SETUID_ARGUMENTS = {"su": ["root", "-c", "id"]}


def rank_mean(live_features):
    features = live_features.filter(like="feature_")
    return features.mean(axis=1).rank(pct=True).to_frame("prediction")


def log(text):
    print(f"[hostile] {text}", file=sys.stderr, flush=True)


def describe(error):
    return f"{type(error).__name__}: {error}"


def report(attack, checks, live_features):
    """Log each check, then raise with the evidence when one escaped or return valid predictions.

    A check is a pair (escaped, detail).
    """
    escapes = [detail for escaped, detail in checks if escaped]
    for escaped, detail in checks:
        log(f"{attack}: {'ESCAPED' if escaped else 'blocked'}: {detail}")
    log(f"{attack}: {len(checks)} checks, {len(escapes)} escaped")
    if escapes:
        raise RuntimeError("ESCAPED: " + "; ".join(escapes))
    return rank_mean(live_features)


# ----- checks, each returning (escaped, detail) -----


def connect_check(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as connection:
            connection.settimeout(CONNECT_TIMEOUT_SECONDS)
            connection.connect((host, port))
    except socket.timeout:
        return True, f"connecting to {host}:{port} timed out, so the sandbox has a route to it"
    except OSError as error:
        return False, f"connect to {host}:{port}: {describe(error)}"
    return True, f"connected to {host}:{port}"


def datagram_check(host, port):
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(b"hostile", (host, port))
    except OSError as error:
        return False, f"send a UDP datagram to {host}:{port}: {describe(error)}"
    return True, f"sent a UDP datagram to {host}:{port}"


def resolve_check(name):
    try:
        addresses = socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)
    except OSError as error:
        return False, f"resolve {name}: {describe(error)}"
    return True, f"resolved {name} to {sorted({address[4][0] for address in addresses})}"


def interfaces_check():
    names = sorted(name for _, name in socket.if_nameindex())
    return names != ["lo"], f"network interfaces {names}"


def read_check(path):
    try:
        if os.path.isdir(path):
            return True, f"listed {path}: {sorted(os.listdir(path))[:10]}"
        with open(path, "rb") as handle:
            data = handle.read(64)
    except OSError as error:
        return False, f"read {path}: {describe(error)}"
    return True, f"read {len(data)} bytes of {path}"


def absent_check(path):
    if os.path.lexists(path):
        return True, f"host path {path} exists in the sandbox"
    return False, f"host path {path} is absent"


def input_listing_check():
    entries = sorted(os.listdir("/input"))
    return entries != INPUT_FILES, f"/input contains {entries}"


def output_listing_check():
    extra = sorted(set(os.listdir("/output")) - set(RUNNER_OUTPUT_FILES))
    return bool(extra), f"/output contains {extra} besides the runner's files"


def environment_checks(environment, source):
    checks = []
    for name, value in sorted(environment.items()):
        if re.search(SECRET_NAME, name, re.IGNORECASE) or re.search(SECRET_VALUE, value, re.IGNORECASE):
            checks.append((True, f"{source} has {name}, which looks like a secret"))
    checks.append((False, f"{source} has only {sorted(environment)}"))
    return checks


def process_environment(pid):
    with open(f"/proc/{pid}/environ", "rb") as handle:
        entries = handle.read().decode(errors="replace").split("\0")
    return dict(entry.split("=", 1) for entry in entries if "=" in entry)


def pid_one_check():
    with open("/proc/1/cmdline", "rb") as handle:
        command = handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
    if "runner.py" not in command:
        return True, f"pid 1 is '{command}', not the runner, so the sandbox shares a pid namespace"
    return False, f"pid 1 is the runner ('{command}')"


def process_status(pid):
    with open(f"/proc/{pid}/status") as handle:
        return dict(line.split(":", 1) for line in handle if ":" in line)


def processes_check():
    own_uid = os.getuid()
    foreign = []
    pids = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    for pid in pids:
        try:
            fields = process_status(pid)
        except OSError:
            continue
        uid = int(fields["Uid"].split()[0])
        if uid != own_uid:
            foreign.append(f"{pid} ({fields['Name'].strip()}, uid {uid})")
    if foreign:
        return True, f"processes of other users are visible: {foreign}"
    return False, f"the {len(pids)} visible processes all run as uid {own_uid}"


def walk_root():
    """Yield the path and lstat result of every file outside /proc, /sys and /dev."""
    for root, directories, files in os.walk("/"):
        if root == "/":
            directories[:] = [name for name in directories if name not in ("proc", "sys", "dev")]
        for name in files:
            path = os.path.join(root, name)
            try:
                yield path, os.lstat(path)
            except OSError:
                continue


def sockets_check():
    sockets = [path for path, status in walk_root() if stat.S_ISSOCK(status.st_mode)]
    if sockets:
        return True, f"unix sockets are visible: {sockets[:10]}"
    return False, "no unix socket is visible outside /proc, /sys and /dev"


def run_files_check():
    found = []
    count = 0
    for path, _ in walk_root():
        count += 1
        if path.startswith(("/input/", "/output/")):
            continue
        name = os.path.basename(path)
        if name in RUN_FILE_NAMES or re.match(STORED_PICKLE_NAME, name):
            found.append(path)
    if found:
        return True, f"files of other runs are visible: {found[:10]}"
    return False, f"none of {count} files outside /input and /output belongs to a run"


def create_check(directory):
    path = os.path.join(directory, "hostile-write-check")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as error:
        return False, f"create a file in {directory}: {describe(error)}"
    os.close(descriptor)
    os.unlink(path)
    return True, f"created {path}"


def open_for_write_check(path):
    """Open the file for writing but write nothing, so a missing protection changes no host setting."""
    try:
        descriptor = os.open(path, os.O_WRONLY)
    except OSError as error:
        return False, f"open {path} for writing: {describe(error)}"
    os.close(descriptor)
    return True, f"opened {path} for writing"


def call_check(label, function, *arguments):
    try:
        function(*arguments)
    except OSError as error:
        return False, f"{label}: {describe(error)}"
    return True, f"{label} succeeded"


def libc_check(label, function, *arguments):
    result = function(*arguments)
    if result == 0:
        return True, f"{label} succeeded"
    return False, f"{label}: {os.strerror(ctypes.get_errno())}"


def credential_checks():
    with open("/proc/self/status") as handle:
        fields = dict(line.split(":", 1) for line in handle if ":" in line)
    checks = []
    for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        value = fields[name].strip()
        checks.append((int(value, 16) != 0, f"{name} is {value}"))
    no_new_privileges = fields["NoNewPrivs"].strip()
    checks.append((no_new_privileges != "1", f"NoNewPrivs is {no_new_privileges}"))
    checks.append((os.geteuid() == 0, f"effective uid is {os.geteuid()}"))
    return checks


def fill_check(directory, limit_bytes):
    """Write to a file in the directory until a write fails. The tmpfs size limit must raise ENOSPC."""
    path = os.path.join(directory, "hostile-fill")
    chunk = b"\1" * MIB
    written = 0
    stopped_by = None
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while written < limit_bytes + FILL_MARGIN_BYTES:
            written += os.write(descriptor, chunk)
    except OSError as error:
        stopped_by = error
    finally:
        os.close(descriptor)
        os.unlink(path)

    if stopped_by is None:
        return True, f"wrote {written // MIB} MiB to {directory} without an error, past its {limit_bytes // MIB} MiB limit"
    if stopped_by.errno != errno.ENOSPC:
        return True, f"writing to {directory} failed with {describe(stopped_by)}, not ENOSPC"
    if written > limit_bytes:
        return True, f"wrote {written // MIB} MiB to {directory} before ENOSPC, past its {limit_bytes // MIB} MiB limit"
    return False, f"writing to {directory} raised ENOSPC after {written // MIB} MiB"


def setuid_binaries():
    """List the regular files under /usr with the setuid or setgid bit."""
    found = []
    for root, _, files in os.walk("/usr"):
        for name in files:
            path = os.path.join(root, name)
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue
            if stat.S_ISREG(mode) and mode & (stat.S_ISUID | stat.S_ISGID):
                found.append(path)
    return sorted(found)


def setuid_exec_check(path):
    """Run the binary and read its credentials from /proc while it waits for input or is a zombie.

    subprocess.Popen returns once the exec has begun, but /proc/PID/status can
    show the old name for a moment longer, so the read waits for the binary's
    name. The process is reaped only after the read, so a binary that exits at
    once is still there as a zombie.
    """
    name = os.path.basename(path)
    process = subprocess.Popen(
        [path] + SETUID_ARGUMENTS.get(name, []),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        fields = process_status(process.pid)
        while fields["Name"].strip() != name[:15] and time.monotonic() < deadline:
            time.sleep(0.01)
            fields = process_status(process.pid)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    if fields["Name"].strip() != name[:15]:
        return True, f"could not read the credentials of {path}: /proc shows {fields['Name'].strip()}"
    real_uid, effective_uid = fields["Uid"].split()[:2]
    real_gid, effective_gid = fields["Gid"].split()[:2]
    if effective_uid != real_uid or effective_gid != real_gid:
        return True, f"{path} ran with effective uid {effective_uid} and gid {effective_gid}"
    return False, f"{path} ran with effective uid {effective_uid} and gid {effective_gid}, the caller's"


def command_fails_check(arguments):
    result = subprocess.run(arguments, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    output = " ".join((result.stdout + result.stderr).split())[:200]
    if result.returncode == 0:
        return True, f"'{' '.join(arguments)}' succeeded: {output}"
    return False, f"'{' '.join(arguments)}' exited with code {result.returncode}: {output}"


# ----- predict functions, one per attack -----


def network_loopback(live_features):
    checks = [connect_check(host, port) for host in ("127.0.0.1", "::1") for port in LOOPBACK_PORTS]
    checks.append(interfaces_check())
    return report("network_loopback", checks, live_features)


def network_outside(live_features):
    checks = [
        connect_check(OUTSIDE_ADDRESS, 80),
        connect_check(OUTSIDE_ADDRESS, 443),
        connect_check(OUTSIDE_ADDRESS_V6, 80),
        datagram_check(OUTSIDE_ADDRESS, 53),
    ]
    return report("network_outside", checks, live_features)


def network_dns(live_features):
    # localhost may resolve through /etc/hosts, to the sandbox's own loopback.
    try:
        log(f"network_dns: seen: localhost resolves to {sorted({a[4][0] for a in socket.getaddrinfo('localhost', 80)})}")
    except OSError as error:
        log(f"network_dns: seen: resolving localhost failed with {describe(error)}")
    checks = [resolve_check("example.com"), resolve_check("host.docker.internal")]
    return report("network_dns", checks, live_features)


def host_files(live_features):
    checks = [read_check("/etc/shadow"), read_check("/root"), pid_one_check(), processes_check()]
    checks += environment_checks(process_environment(1), "/proc/1/environ")
    checks += [absent_check(path) for path in HOST_PATHS]
    with open("/proc/self/mountinfo") as handle:
        sources = sorted({line.split()[3] for line in handle if line.split()[4].startswith(("/input", "/output"))})
    log(f"host_files: seen: the bind mounts' host paths appear in /proc/self/mountinfo: {sources}")
    return report("host_files", checks, live_features)


def writes_outside(live_features):
    directories = ["/", "/input", "/opt", "/etc", "/usr", "/usr/local/lib", "/var", "/var/tmp", "/home", "/root", "/run"]
    checks = [create_check(directory) for directory in directories]
    checks += [open_for_write_check(path) for path in ["/input/model.pkl", "/input/features.npy", "/input/features.json", "/etc/passwd", sys.executable]]
    checks.append(call_check("chmod /input/model.pkl", os.chmod, "/input/model.pkl", 0o777))
    checks.append(call_check("rename /input/model.pkl", os.rename, "/input/model.pkl", "/input/model.renamed"))
    for directory in ("/tmp", "/output", "/dev/shm"):
        escaped, detail = create_check(directory)
        log(f"writes_outside: seen: {detail}")
    return report("writes_outside", checks, live_features)


def isolation(live_features):
    checks = [absent_check(path) for path in ("/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock")]
    checks += [sockets_check(), input_listing_check(), output_listing_check(), run_files_check(), processes_check()]
    checks += environment_checks(dict(os.environ), "os.environ")
    return report("isolation", checks, live_features)


def fork_until_limit(live_features):
    """Fork children that wait on a pipe until fork fails, then let them exit and reap them."""
    read_end, write_end = os.pipe()
    children = []
    stopped_by = None
    while len(children) < FORK_CAP:
        try:
            pid = os.fork()
        except OSError as error:
            stopped_by = error
            break
        if pid == 0:
            # os._exit, so the child never flushes the buffers it shares with the runner.
            os.close(write_end)
            os.read(read_end, 1)
            os._exit(0)
        children.append(pid)
    os.close(write_end)
    for pid in children:
        os.waitpid(pid, 0)
    os.close(read_end)

    if stopped_by is None:
        checks = [(True, f"forked {len(children)} processes without an error")]
    else:
        checks = [(False, f"forked {len(children)} processes, then fork raised {describe(stopped_by)}")]
    return report("fork_until_limit", checks, live_features)


def fork_bomb(live_features):
    """Fork in every process without end, ignoring the errors, so only the wall-clock limit ends it."""
    while True:
        try:
            os.fork()
        except OSError:
            pass


def thread_flood(live_features):
    release = threading.Event()
    threads = []
    stopped_by = None
    while len(threads) < THREAD_CAP:
        thread = threading.Thread(target=release.wait, daemon=True)
        try:
            thread.start()
        except RuntimeError as error:
            stopped_by = error
            break
        threads.append(thread)
    release.set()
    for thread in threads:
        thread.join()

    if stopped_by is None:
        checks = [(True, f"started {len(threads)} threads without an error")]
    else:
        checks = [(False, f"started {len(threads)} threads, then start raised {describe(stopped_by)}")]
    return report("thread_flood", checks, live_features)


def memory_hog(live_features):
    """Fill memory 64 MiB at a time. bytes * n writes every page, so each block is resident."""
    blocks = []
    while len(blocks) * 64 * MIB < MEMORY_CAP_BYTES:
        blocks.append(b"\1" * (64 * MIB))
    return report("memory_hog", [(True, f"allocated {MEMORY_CAP_BYTES // MIB} MiB without being killed")], live_features)


def fill_tmp(live_features):
    checks = [fill_check("/tmp", TMP_LIMIT_BYTES), fill_check("/dev/shm", SHM_LIMIT_BYTES)]
    return report("fill_tmp", checks, live_features)


def write_until(path, limit_bytes, chunk):
    """Append the chunk to the file until the limit or a failed write, and return the bytes written and the error."""
    written = 0
    try:
        with open(path, "ab", buffering=0) as handle:
            while written < limit_bytes:
                written += handle.write(chunk)
    except OSError as error:
        return written, error
    return written, None


def output_flood(live_features):
    written, stopped_by = write_until("/output/flood.bin", OUTPUT_FLOOD_BYTES, b"\1" * MIB)
    ending = "without an error" if stopped_by is None else f"before {describe(stopped_by)}"
    log(f"output_flood: wrote {written} bytes to /output/flood.bin {ending}")
    return rank_mean(live_features)


def output_many_files(live_features):
    chunk = b"\1" * OUTPUT_FILE_BYTES
    count = 0
    written = 0
    stopped_by = None
    while count < OUTPUT_FILE_COUNT:
        size, stopped_by = write_until(f"/output/flood-{count:05}.bin", OUTPUT_FILE_BYTES, chunk)
        written += size
        if stopped_by is not None:
            break
        count += 1
    ending = "without an error" if stopped_by is None else f"before {describe(stopped_by)}"
    log(f"output_many_files: wrote {count} files of {written} bytes in all to /output {ending}")
    return rank_mean(live_features)


def huge_predictions(live_features):
    """Grow the runner's predictions.csv past the silo's limit, then return valid predictions."""
    rows = b"".join(f"flood-{index:08},0.5\n".encode() for index in range(MIB // 32))
    written, stopped_by = write_until("/output/predictions.csv", OUTPUT_FLOOD_BYTES, rows)
    ending = "without an error" if stopped_by is None else f"before {describe(stopped_by)}"
    log(f"huge_predictions: appended {written} bytes to /output/predictions.csv {ending}")
    return rank_mean(live_features)


def stdout_flood(live_features):
    line = "x" * STDOUT_LINE_CHARACTERS
    print("[hostile] stdout_flood: first line", flush=True)
    for _ in range(STDOUT_LINES):
        print(line)
    print(f"[hostile] stdout_flood: printed {STDOUT_LINES * (STDOUT_LINE_CHARACTERS + 1)} bytes", flush=True)
    return rank_mean(live_features)


def sleep_forever(live_features):
    while True:
        time.sleep(3600)


def ignore_sigterm(live_features):
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(number, signal.SIG_IGN)
    log("ignore_sigterm: ignoring SIGTERM, SIGINT, SIGHUP and SIGQUIT")
    while True:
        time.sleep(3600)


def find_daemon():
    for pid in (entry for entry in os.listdir("/proc") if entry.isdigit()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if DAEMON_MARKER.encode() in handle.read():
                    return int(pid)
        except OSError:
            continue
    return None


def orphan_daemon(live_features):
    """Leave a detached process behind (fork, setsid, fork, exec) and return at once."""
    child = os.fork()
    if child == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", DAEMON_CODE, DAEMON_MARKER])
        os._exit(0)
    os.waitpid(child, 0)

    daemon = None
    deadline = time.monotonic() + 10
    while daemon is None and time.monotonic() < deadline:
        daemon = find_daemon()
        time.sleep(0.05)
    if daemon is None:
        raise RuntimeError(f"the daemon with '{DAEMON_MARKER}' in its command line never appeared in /proc")
    log(f"orphan_daemon: daemon {daemon} with '{DAEMON_MARKER}' in its command line is running in the sandbox")
    return rank_mean(live_features)


def privileges(live_features):
    libc = ctypes.CDLL(None, use_errno=True)
    checks = credential_checks()
    checks += [
        call_check("setuid(0)", os.setuid, 0),
        call_check("setgid(0)", os.setgid, 0),
        call_check("setgroups([0])", os.setgroups, [0]),
        call_check("nice(-5)", os.nice, -5),
        call_check("chroot(/tmp)", os.chroot, "/tmp"),
        call_check("raw IPv4 socket", socket.socket, socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
        call_check("packet socket", socket.socket, socket.AF_PACKET, socket.SOCK_RAW),
        libc_check("unshare(CLONE_NEWUSER)", libc.unshare, CLONE_NEWUSER),
        libc_check("unshare(CLONE_NEWNS)", libc.unshare, CLONE_NEWNS),
        libc_check("mount tmpfs on /tmp", libc.mount, b"none", b"/tmp", b"tmpfs", 0, None),
        libc_check("sethostname", libc.sethostname, b"hostile", 7),
    ]
    checks += [open_for_write_check(path) for path in KERNEL_FILES]
    return report("privileges", checks, live_features)


def setuid_exec(live_features):
    binaries = setuid_binaries()
    log(f"setuid_exec: seen: setuid and setgid binaries {binaries}")
    user = pwd.getpwuid(os.getuid()).pw_name
    os.makedirs("/tmp/hostile-mount", exist_ok=True)
    checks = [setuid_exec_check(path) for path in binaries]
    checks += [
        command_fails_check(["chage", "-l", user]),
        command_fails_check(["mount", "-t", "tmpfs", "none", "/tmp/hostile-mount"]),
        command_fails_check(["su", "root", "-c", "id"]),
    ]
    return report("setuid_exec", checks, live_features)


# ----- code that runs while the pickle loads -----


def load_time_checks():
    checks = [connect_check("127.0.0.1", port) for port in (5432, 54329, 2375)]
    checks += [connect_check(OUTSIDE_ADDRESS, 80), resolve_check("example.com")]
    checks += [read_check("/etc/shadow"), input_listing_check()]
    checks += [absent_check(path) for path in HOST_PATHS]
    checks += environment_checks(dict(os.environ), "os.environ")
    checks += credential_checks()
    return checks


def write_load_evidence(via):
    checks = load_time_checks()
    evidence = {
        "via": via,
        "uid": os.getuid(),
        "environment": sorted(os.environ),
        "checks": [detail for _, detail in checks],
        "escaped": [detail for escaped, detail in checks if escaped],
    }
    with open("/output/load_evidence.json", "w") as handle:
        json.dump(evidence, handle, indent=1)


LOAD_TIME_FUNCTIONS = [
    describe,
    connect_check,
    resolve_check,
    read_check,
    absent_check,
    input_listing_check,
    environment_checks,
    credential_checks,
    load_time_checks,
    write_load_evidence,
]
LOAD_TIME_CONSTANTS = [
    "HOST_PATHS",
    "OUTSIDE_ADDRESS",
    "CONNECT_TIMEOUT_SECONDS",
    "INPUT_FILES",
    "SECRET_NAME",
    "SECRET_VALUE",
]


def load_time_source(via):
    """Return a standalone script of the load-time checks that writes /output/load_evidence.json."""
    parts = ["import json\nimport os\nimport re\nimport socket"]
    parts += [f"{name} = {globals()[name]!r}" for name in LOAD_TIME_CONSTANTS]
    parts += [inspect.getsource(function) for function in LOAD_TIME_FUNCTIONS]
    parts.append(f"write_load_evidence({via!r})")
    return "\n\n".join(parts) + "\n"


class ExecAtLoad:
    """Unpickles as exec(source), which runs the checks and leaves None as the loaded object."""

    def __reduce__(self):
        return exec, (load_time_source("exec"), {"__name__": "hostile_load"})


class SystemAtLoad:
    """Unpickles as os.system(command), which runs the checks in a shell and leaves the exit status."""

    def __reduce__(self):
        command = f"python3 - <<'HOSTILE_EOF'\n{load_time_source('os.system')}HOSTILE_EOF\n"
        return os.system, (command,)


PICKLES = {
    "control.pkl": rank_mean,
    "network_loopback.pkl": network_loopback,
    "network_outside.pkl": network_outside,
    "network_dns.pkl": network_dns,
    "host_files.pkl": host_files,
    "writes_outside.pkl": writes_outside,
    "isolation.pkl": isolation,
    "fork_until_limit.pkl": fork_until_limit,
    "fork_bomb.pkl": fork_bomb,
    "thread_flood.pkl": thread_flood,
    "memory_hog.pkl": memory_hog,
    "fill_tmp.pkl": fill_tmp,
    "output_flood.pkl": output_flood,
    "output_many_files.pkl": output_many_files,
    "huge_predictions.pkl": huge_predictions,
    "stdout_flood.pkl": stdout_flood,
    "sleep_forever.pkl": sleep_forever,
    "ignore_sigterm.pkl": ignore_sigterm,
    "orphan_daemon.pkl": orphan_daemon,
    "privileges.pkl": privileges,
    "setuid_exec.pkl": setuid_exec,
}

# Written with plain pickle: what they run at load time needs neither cloudpickle nor this script.
LOAD_TIME_PICKLES = {
    "load_exec.pkl": ExecAtLoad(),
    "load_system.pkl": SystemAtLoad(),
}

for name, value in PICKLES.items():
    with open(os.path.join(OUTPUT, name), "wb") as handle:
        cloudpickle.dump(value, handle)
    print(f"wrote {name}")

for name, value in LOAD_TIME_PICKLES.items():
    with open(os.path.join(OUTPUT, name), "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"wrote {name}")
