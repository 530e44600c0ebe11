#!/usr/bin/python3
"""End-to-end test: a real BitTorrent client (libtorrent) transfers a file
through a tracker.

Run it with Debian's /usr/bin/python3: python3-libtorrent (2.0.8) is importable
from that interpreter only.

Steps: start the tracker (aquatic, opentracker, or any command), create a
random file and a private v1 .torrent announcing only to that tracker, start a
seeder and a leecher libtorrent session on loopback (distinct ports; DHT, LSD,
PEX, UPnP and NAT-PMP off, so only the tracker can introduce the peers), wait
until the leecher is seeding, compare SHA-256 of both copies. Exit 0 on
success, 1 on a failed transfer, 2 on a usage or setup error. Every wait is
bounded; the tracker and both sessions are always stopped at the end.

With --seeder-protocol and --leecher-protocol (aquatic only), one `aquatic run`
process serves both protocols over shared swarms, the seeder announces only
over the first and the leecher only over the second (two copies of the same
torrent, each listing one tracker URL): the file arrives only if a peer that
announced over one protocol is handed out over the other.

Examples:
  /usr/bin/python3 tools/e2e/libtorrent_transfer.py --tracker opentracker --protocol udp
  /usr/bin/python3 tools/e2e/libtorrent_transfer.py --tracker aquatic \\
      --aquatic-bin bazel-bin/tracker/aquatic --seeder-protocol http --leecher-protocol udp
  /usr/bin/python3 tools/e2e/libtorrent_transfer.py --tracker aquatic \\
      --aquatic-bin bazel-bin/tracker/aquatic --protocol https --family ipv4
  /usr/bin/python3 tools/e2e/libtorrent_transfer.py --protocol udp \\
      --tracker-cmd 'opentracker -f {dir}/opentracker.conf -i {host} -p {port} -P {port} -d {dir}'
  /usr/bin/python3 tools/e2e/libtorrent_transfer.py --announce-url udp://127.0.0.1:3000/announce

--tracker-cmd placeholders (str.format): {port} {host} (127.0.0.1 or ::1)
{host_url} ([::1] for IPv6) {dir} (world-readable folder holding the files
below) {whitelist} (absolute path of a file with the torrent's 40-hex info
hash, one line) {whitelist_name} (its name inside {dir}) {info_hash} {cert}
{key} (self-signed certificate and key for 127.0.0.1 and ::1, https only).
The folder also holds `opentracker.conf` (`access.whitelist whitelist.txt`).
"""

import argparse
import hashlib
import os
import shlex
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

try:
    import libtorrent as lt
except ImportError as e:  # pragma: no cover - depends on the interpreter
    sys.stderr.write(
        "libtorrent_transfer: cannot import libtorrent (%s); run this script with "
        "/usr/bin/python3 (Debian's python3-libtorrent)\n" % e)
    sys.exit(2)

EXIT_OK, EXIT_FAIL, EXIT_SETUP = 0, 1, 2

START = time.monotonic()


def log(msg):
    print("[e2e %6.2fs] %s" % (time.monotonic() - START, msg), flush=True)


class SetupError(Exception):
    """The harness could not set up the experiment (exit 2)."""


class TransferError(Exception):
    """The transfer through the tracker failed (exit 1)."""


# --------------------------------------------------------------------------
# Ports and tracker readiness


def pick_port(family, need_tcp, need_udp):
    """A port free for the requested transports on `family` (and IPv4 too for
    aquatic, which binds both families on the same port)."""
    fams = [socket.AF_INET, socket.AF_INET6]
    hosts = {socket.AF_INET: "127.0.0.1", socket.AF_INET6: "::1"}
    first = socket.AF_INET6 if family == "ipv6" else socket.AF_INET
    for _ in range(50):
        probe = socket.socket(first, socket.SOCK_DGRAM if need_udp else socket.SOCK_STREAM)
        probe.bind((hosts[first], 0))
        port = probe.getsockname()[1]
        probe.close()
        ok = True
        for fam in fams:
            for kind, needed in ((socket.SOCK_STREAM, need_tcp), (socket.SOCK_DGRAM, need_udp)):
                if not needed:
                    continue
                s = socket.socket(fam, kind)
                try:
                    if kind == socket.SOCK_STREAM:
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind((hosts[fam], port))
                except OSError:
                    ok = False
                finally:
                    s.close()
        if ok:
            return port
    raise SetupError("no free port found")


def udp_connect_roundtrip(host, port, timeout):
    """One BEP 15 connect request; True if a matching connect response came."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    tx = int.from_bytes(os.urandom(4), "big")
    s = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(struct.pack(">QII", 0x41727101980, 0, tx), (host, port))
        data, _ = s.recvfrom(2048)
        return len(data) >= 16 and struct.unpack(">II", data[:8]) == (0, tx)
    except OSError:
        return False
    finally:
        s.close()


def tcp_connect(host, port, timeout, use_tls):
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            if use_tls:
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                with ctx.wrap_socket(s) as t:
                    t.do_handshake()
            return True
    except (OSError, ssl.SSLError):
        return False


def wait_ready(host, port, protocol, proc, deadline_s):
    """Polls until the tracker answers (UDP: a BEP 15 connect response; HTTP: a
    TCP connection; HTTPS: a TLS handshake), the process exits, or time runs out."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return "exited with code %d" % proc.returncode
        if protocol == "udp":
            ok = udp_connect_roundtrip(host, port, 0.2)
        else:
            ok = tcp_connect(host, port, 0.5, protocol == "https")
        if ok:
            return None
        time.sleep(0.1)
    return "not answering on %s %s port %d after %.0f s" % (protocol, host, port, deadline_s)


# --------------------------------------------------------------------------
# Tracker process


class Tracker:
    def __init__(self, argv, log_path):
        self.argv = argv
        self.log_path = log_path
        self.proc = None
        self.log_file = None

    def start(self):
        log("tracker: %s" % " ".join(shlex.quote(a) for a in self.argv))
        self.log_file = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=self.log_file, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        except OSError as e:
            raise SetupError("cannot start tracker %r: %s" % (self.argv[0], e))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None

    def output_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------
# Files, torrent, certificate


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def make_payload(seed_dir, name, size):
    path = os.path.join(seed_dir, name)
    with open(path, "wb") as f:
        remaining = size
        while remaining:
            n = min(remaining, 1 << 20)
            f.write(os.urandom(n))
            remaining -= n
    return path


def make_torrent(seed_dir, name, piece_size, announce_url, torrent_path):
    """A private v1 torrent; with announce_url None it lists no tracker (each
    session then gets its own, see Peer)."""
    fs = lt.file_storage()
    lt.add_files(fs, os.path.join(seed_dir, name))
    # v1 only: a hybrid torrent would announce a second (truncated v2) info hash.
    ct = lt.create_torrent(fs, piece_size, lt.create_torrent.v1_only)
    if announce_url is not None:
        ct.add_tracker(announce_url, 0)
    ct.set_priv(True)  # private: no DHT, PEX or LSD for this torrent
    ct.set_creator("aquatic-cpp e2e")
    lt.set_piece_hashes(ct, seed_dir)
    data = lt.bencode(ct.generate())
    with open(torrent_path, "wb") as f:
        f.write(data)
    return lt.torrent_info(torrent_path)


def make_certificate(dir_path):
    cert = os.path.join(dir_path, "cert.pem")
    key = os.path.join(dir_path, "key.pem")
    cmd = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
           "-subj", "/CN=localhost",
           "-addext", "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost",
           "-keyout", key, "-out", cert]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SetupError("openssl failed: %s" % e)
    if r.returncode != 0:
        raise SetupError("openssl failed: %s" % r.stdout.decode("utf-8", "replace"))
    os.chmod(key, 0o644)  # readable if the tracker drops privileges
    return cert, key


def network_keys(protocol, port, cert, key):
    lines = [
        'address_ipv4 = "127.0.0.1:%d"' % port,
        'address_ipv6 = "[::1]:%d"' % port,
        "use_ipv4 = true",
        "use_ipv6 = true",
    ]
    if protocol == "https":
        lines += ["enable_tls = true",
                  'tls_certificate_path = "%s"' % cert,
                  'tls_private_key_path = "%s"' % key]
    return lines


def aquatic_config(path, protocol, port, cert, key):
    """The file of `aquatic udp` or `aquatic http`."""
    lines = ["socket_workers = 1", 'log_level = "info"', "[network]"]
    lines += network_keys(protocol, port, cert, key)
    lines += ["[access_list]", 'mode = "off"', ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def aquatic_run_config(path, protocols, port, cert, key):
    """The file of `aquatic run` serving `protocols` (udp, http or https) on one
    port number (UDP and TCP do not collide)."""
    lines = ["socket_workers = 1", 'log_level = "info"', "[access_list]", 'mode = "off"']
    for table in ("udp", "http"):
        served = [p for p in protocols if (p == "udp") == (table == "udp")]
        lines += ["[%s]" % table, "enabled = %s" % ("true" if served else "false")]
        if served:
            lines += ["[%s.network]" % table] + network_keys(served[0], port, cert, key)
    lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


# --------------------------------------------------------------------------
# libtorrent


def session_settings(listen, validate_https):
    return {
        "listen_interfaces": listen,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_ip_notifier": False,
        # TCP only: deterministic on loopback.
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        # Both peers are on the same address.
        "allow_multiple_connections_per_ip": True,
        "announce_to_all_tiers": True,
        "announce_to_all_trackers": True,
        "min_announce_interval": 1,
        "tracker_completion_timeout": 10,
        "tracker_receive_timeout": 5,
        "stop_tracker_timeout": 1,
        "peer_connect_timeout": 5,
        "min_reconnect_time": 1,
        "validate_https_trackers": validate_https,
        "alert_mask": (lt.alert.category_t.error_notification
                       | lt.alert.category_t.status_notification
                       | lt.alert.category_t.tracker_notification
                       | lt.alert.category_t.connect_notification
                       | lt.alert.category_t.peer_notification
                       | lt.alert.category_t.storage_notification),
    }


TRACKER_ALERTS = (lt.tracker_announce_alert, lt.tracker_reply_alert, lt.tracker_error_alert,
                  lt.tracker_warning_alert)


class Peer:
    """One libtorrent session with one torrent."""

    def __init__(self, name, listen, info, save_path, validate_https, verbose, trackers=()):
        self.name = name
        self.verbose = verbose
        self.session = lt.session(session_settings(listen, validate_https))
        self.replies = []       # num_peers of each tracker_reply_alert
        self.errors = []        # tracker / torrent errors (text)
        self.listen_failed = None
        self.completed_at = None  # len(replies) when event=completed was sent
        self.quiet_peers = False  # stop printing peer connections
        params = lt.add_torrent_params()
        params.ti = info
        params.trackers = list(trackers)
        params.save_path = save_path
        params.flags = (lt.torrent_flags.disable_dht | lt.torrent_flags.disable_lsd
                        | lt.torrent_flags.disable_pex)
        self.handle = self.session.add_torrent(params)

    def drain(self):
        for a in self.session.pop_alerts():
            msg = a.message()
            if isinstance(a, lt.tracker_reply_alert):
                self.replies.append(a.num_peers)
                log("%s: tracker reply: num_peers=%d (%s)" % (self.name, a.num_peers, msg))
            elif isinstance(a, lt.tracker_error_alert):
                text = "tracker error: %s" % msg
                self.errors.append(text)
                log("%s: %s" % (self.name, text))
            elif isinstance(a, lt.tracker_warning_alert):
                self.errors.append("tracker warning: %s" % msg)
                log("%s: tracker warning: %s" % (self.name, msg))
            elif isinstance(a, lt.tracker_announce_alert):
                if a.event == lt.event_t.completed and self.completed_at is None:
                    self.completed_at = len(self.replies)
                log("%s: %s" % (self.name, msg))
            elif isinstance(a, TRACKER_ALERTS):
                log("%s: %s" % (self.name, msg))
            elif isinstance(a, lt.listen_failed_alert):
                self.listen_failed = msg
                log("%s: LISTEN FAILED: %s" % (self.name, msg))
            elif isinstance(a, lt.listen_succeeded_alert):
                log("%s: %s" % (self.name, msg))
            elif a.category() & lt.alert.category_t.error_notification:
                self.errors.append(msg)
                log("%s: error: %s (%s)" % (self.name, msg, type(a).__name__))
            elif isinstance(a, (lt.torrent_finished_alert, lt.state_changed_alert)):
                log("%s: %s" % (self.name, msg))
            elif isinstance(a, (lt.peer_connect_alert, lt.peer_disconnected_alert)) \
                    and not self.quiet_peers:
                log("%s: %s" % (self.name, msg))
            elif self.verbose:
                log("%s: [%s] %s" % (self.name, type(a).__name__, msg))

    def status(self):
        return self.handle.status()

    def tracker_peers(self):
        """Connected peers whose address came from the tracker."""
        return [p for p in self.handle.get_peer_info() if p.source & lt.peer_info.tracker]

    def close(self):
        try:
            self.session.pause()
            self.session.remove_torrent(self.handle)
        except Exception:  # noqa: BLE001 - best effort at shutdown
            pass
        self.session = None


def transfer(args, info, seed_dir, leech_dir, seeder_trackers=(), leecher_trackers=()):
    host_url = "[::1]" if args.family == "ipv6" else "127.0.0.1"
    ports = []
    for _ in range(2):
        p = pick_port(args.family, need_tcp=True, need_udp=False)
        while p in ports:
            p = pick_port(args.family, need_tcp=True, need_udp=False)
        ports.append(p)
    validate = False  # self-signed certificate for https
    deadline = time.monotonic() + args.timeout
    seeder = leecher = None
    try:
        seeder = Peer("seeder", "%s:%d" % (host_url, ports[0]), info, seed_dir, validate,
                      args.verbose, seeder_trackers)
        log("seeder: listening on %s:%d" % (host_url, ports[0]))
        # Wait until the seeder has checked its file and the tracker knows it.
        while True:
            seeder.drain()
            st = seeder.status()
            if st.is_seeding and seeder.replies:
                break
            if seeder.listen_failed:
                raise SetupError("seeder cannot listen: %s" % seeder.listen_failed)
            if time.monotonic() > deadline:
                raise TransferError(
                    "seeder never got a tracker reply (state %s, tracker errors: %s)"
                    % (st.state, seeder.errors or "none"))
            time.sleep(0.05)
        log("seeder: seeding, announced (tracker replies: %s)" % seeder.replies)

        leecher = Peer("leecher", "%s:%d" % (host_url, ports[1]), info, leech_dir, validate,
                       args.verbose, leecher_trackers)
        log("leecher: listening on %s:%d" % (host_url, ports[1]))
        transfer_start = time.monotonic()
        last_reannounce = time.monotonic()
        seen_tracker_peer = False
        while True:
            seeder.drain()
            leecher.drain()
            st = leecher.status()
            if leecher.listen_failed:
                raise SetupError("leecher cannot listen: %s" % leecher.listen_failed)
            if not seen_tracker_peer and leecher.tracker_peers():
                seen_tracker_peer = True
                log("leecher: connected to a peer the tracker returned")
            if st.is_seeding:
                break
            now = time.monotonic()
            if now > deadline:
                raise TransferError(
                    "leecher not complete after %.0f s: state %s, progress %.1f%%, %d peers, "
                    "tracker replies num_peers=%s, tracker errors: %s"
                    % (args.timeout, st.state, st.progress * 100, st.num_peers,
                       leecher.replies, (leecher.errors + seeder.errors) or "none"))
            # The leecher has no peer yet: ask the tracker again (bounded by the
            # deadline). The peer still has to come from the tracker.
            if st.num_peers == 0 and now - last_reannounce > 2.0:
                last_reannounce = now
                leecher.handle.force_reannounce(0, -1, lt.reannounce_flags_t.ignore_min_interval)
                log("leecher: no peer yet (tracker replies num_peers=%s), re-announcing"
                    % leecher.replies)
            time.sleep(0.05)
        elapsed = time.monotonic() - transfer_start
        leecher.drain()
        if not any(n > 0 for n in leecher.replies + seeder.replies):
            raise TransferError("completed, but no tracker reply listed a peer "
                                "(replies: seeder %s, leecher %s)"
                                % (seeder.replies, leecher.replies))
        log("leecher: seeding after %.2f s (%d bytes, %.1f MiB/s)"
            % (elapsed, info.total_size(), info.total_size() / (1 << 20) / max(elapsed, 1e-6)))
        seeder.quiet_peers = leecher.quiet_peers = True
        # The leecher sends event=completed: wait briefly for its reply (not fatal).
        wait_end = min(time.monotonic() + 3, deadline)
        while time.monotonic() < wait_end:
            leecher.drain()
            if leecher.completed_at is not None and len(leecher.replies) > leecher.completed_at:
                break
            time.sleep(0.05)
        else:
            log("leecher: no tracker reply to event=completed within 3 s (not fatal)")
        return elapsed
    finally:
        for p in (leecher, seeder):
            if p is not None:
                p.drain()
                p.close()


# --------------------------------------------------------------------------
# Main


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tracker", choices=("aquatic", "opentracker"),
                    help="start this tracker (else --tracker-cmd or --announce-url)")
    ap.add_argument("--aquatic-bin", help="path of the aquatic binary (--tracker aquatic)")
    ap.add_argument("--opentracker-bin", default="opentracker",
                    help="opentracker binary (default: opentracker on PATH)")
    ap.add_argument("--tracker-cmd",
                    help="command template starting a tracker (placeholders: see below)")
    ap.add_argument("--announce-url",
                    help="announce URL of a tracker already running (no tracker started); "
                         "with --tracker/--tracker-cmd: a template overriding the default "
                         "URL ({port}, {host_url})")
    ap.add_argument("--protocol", choices=("udp", "http", "https"), default="udp")
    ap.add_argument("--seeder-protocol", choices=("udp", "http", "https"),
                    help="the seeder announces only over this protocol (with "
                         "--leecher-protocol: one `aquatic run` serves both)")
    ap.add_argument("--leecher-protocol", choices=("udp", "http", "https"),
                    help="the leecher announces only over this protocol")
    ap.add_argument("--family", choices=("ipv4", "ipv6"), default="ipv4")
    ap.add_argument("--port", type=int, default=0, help="tracker port (default: a free one)")
    ap.add_argument("--timeout", type=float, default=60,
                    help="seconds for the transfer, from the seeder's start (default 60)")
    ap.add_argument("--ready-timeout", type=float, default=15,
                    help="seconds for the tracker to answer after its start (default 15)")
    ap.add_argument("--size-kib", type=int, default=2048, help="payload size (default 2048)")
    ap.add_argument("--piece-kib", type=int, default=16, help="piece size (default 16)")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temporary folder")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every alert")
    args = ap.parse_args(argv)
    if args.piece_kib < 16 or args.piece_kib & (args.piece_kib - 1):
        ap.error("--piece-kib must be a power of two >= 16")
    starters = [x for x in (args.tracker, args.tracker_cmd) if x]
    if len(starters) > 1:
        ap.error("give one of --tracker and --tracker-cmd")
    if not starters and not args.announce_url:
        ap.error("give --tracker, --tracker-cmd or --announce-url")
    if args.tracker == "aquatic" and not args.aquatic_bin:
        ap.error("--tracker aquatic needs --aquatic-bin")
    if args.tracker == "opentracker" and (args.family == "ipv6" or args.protocol == "https"):
        ap.error("Debian's opentracker serves IPv4 UDP and HTTP only")
    if args.announce_url and not starters:
        lower = args.announce_url.lower()
        args.protocol = lower.split(":", 1)[0]
        if args.protocol not in ("udp", "http", "https"):
            ap.error("unsupported announce URL scheme: %s" % args.announce_url)
        args.family = "ipv6" if "[" in args.announce_url else "ipv4"
    if bool(args.seeder_protocol) != bool(args.leecher_protocol):
        ap.error("give both --seeder-protocol and --leecher-protocol, or neither")
    args.mixed = bool(args.seeder_protocol)
    if args.mixed:
        if args.tracker != "aquatic":
            ap.error("--seeder-protocol/--leecher-protocol need --tracker aquatic")
        if "udp" not in (args.seeder_protocol, args.leecher_protocol) or \
                args.seeder_protocol == args.leecher_protocol:
            ap.error("mix udp with http or https")
        args.protocol = [p for p in (args.seeder_protocol, args.leecher_protocol)
                         if p != "udp"][0]
    return args


def run(args):
    host = "::1" if args.family == "ipv6" else "127.0.0.1"
    host_url = "[::1]" if args.family == "ipv6" else "127.0.0.1"
    base = os.environ.get("TEST_TMPDIR") or None
    tmp = tempfile.mkdtemp(prefix="lt-e2e-", dir=base)
    tracker = None
    try:
        # The tracker's folder: world-readable (opentracker chroots into it and
        # drops to nobody; so may aquatic with [privileges]).
        tdir = os.path.join(tmp, "tracker")
        seed_dir = os.path.join(tmp, "seed")
        leech_dir = os.path.join(tmp, "leech")
        for d in (tdir, seed_dir, leech_dir):
            os.mkdir(d)
        for d in (tmp, tdir):
            os.chmod(d, 0o755)

        payload_name = "payload.bin"
        payload = make_payload(seed_dir, payload_name, args.size_kib * 1024)
        want = sha256_file(payload)
        log("payload: %d bytes, sha256 %s" % (args.size_kib * 1024, want))

        attempts = 3 if not args.port else 1
        elapsed = None
        for attempt in range(1, attempts + 1):
            port = args.port or pick_port(args.family, need_tcp=args.protocol != "udp"
                                          or args.tracker == "opentracker" or args.mixed,
                                          need_udp=args.protocol == "udp"
                                          or args.tracker == "opentracker" or args.mixed)
            role_trackers = ((), ())
            if args.mixed:
                # One torrent listing no tracker; each session gets its own.
                url = None
                role_trackers = tuple(
                    ["%s://%s:%d/announce" % (p, host_url, port)]
                    for p in (args.seeder_protocol, args.leecher_protocol))
            elif args.announce_url and not (args.tracker or args.tracker_cmd):
                url = args.announce_url
            elif args.announce_url:
                url = args.announce_url.format(port=port, host_url=host_url, host=host)
            else:
                url = "%s://%s:%d/announce" % (args.protocol, host_url, port)
            torrent_path = os.path.join(tmp, "payload.torrent")
            info = make_torrent(seed_dir, payload_name, args.piece_kib * 1024, url,
                                torrent_path)
            info_hash = str(info.info_hash())
            log("torrent: info hash %s, %d pieces of %d KiB, announce %s"
                % (info_hash, info.num_pieces(), args.piece_kib,
                   url or "seeder %s, leecher %s" % (role_trackers[0][0], role_trackers[1][0])))

            whitelist = os.path.join(tdir, "whitelist.txt")
            with open(whitelist, "w") as f:
                f.write(info_hash + "\n")
            conf = os.path.join(tdir, "opentracker.conf")
            with open(conf, "w") as f:
                f.write("access.whitelist whitelist.txt\n")
            for p in (whitelist, conf):
                os.chmod(p, 0o644)
            cert = key = ""
            if args.protocol == "https" and (args.tracker or args.tracker_cmd):
                cert, key = make_certificate(tdir)

            argv = None
            if args.tracker == "opentracker":
                argv = [args.opentracker_bin, "-f", conf, "-i", host, "-p", str(port),
                        "-P", str(port), "-d", tdir]
            elif args.tracker == "aquatic" and args.mixed:
                cfg = os.path.join(tdir, "aquatic.toml")
                aquatic_run_config(cfg, ("udp", args.protocol), port, cert, key)
                argv = [args.aquatic_bin, "run", "-c", cfg]
            elif args.tracker == "aquatic":
                cfg = os.path.join(tdir, "aquatic.toml")
                aquatic_config(cfg, args.protocol, port, cert, key)
                mode = "udp" if args.protocol == "udp" else "http"
                argv = [args.aquatic_bin, mode, "-c", cfg]
            elif args.tracker_cmd:
                fields = dict(port=port, host=host, host_url=host_url, dir=tdir,
                              whitelist=whitelist, whitelist_name="whitelist.txt",
                              info_hash=info_hash, cert=cert, key=key)
                try:
                    argv = shlex.split(args.tracker_cmd.format(**fields))
                except (KeyError, IndexError, ValueError) as e:
                    raise SetupError("bad --tracker-cmd template: %s" % e)

            if argv is not None:
                tracker = Tracker(argv, os.path.join(tmp, "tracker-%d.log" % attempt))
                tracker.start()
                problem = None
                for protocol in (("udp", args.protocol) if args.mixed else (args.protocol,)):
                    problem = problem or wait_ready(host, port, protocol, tracker.proc,
                                                    args.ready_timeout)
                if problem:
                    out = tracker.output_tail()
                    tracker.stop()
                    msg = "tracker %s%s" % (problem, (":\n" + out) if out else " (no output)")
                    # Another process took the port between the probe and the
                    # tracker's bind: try another one.
                    if tracker.proc.returncode is not None and attempt < attempts \
                            and "in use" in out.lower():
                        log(msg + "\nretrying with another port")
                        tracker = None
                        continue
                    raise SetupError(msg)
                log("tracker: ready on %s port %d" % (args.protocol, port))
            try:
                elapsed = transfer(args, info, seed_dir, leech_dir, *role_trackers)
            except TransferError:
                if tracker is not None:
                    out = tracker.output_tail()
                    state = ("running" if tracker.proc.poll() is None
                             else "exited with code %d" % tracker.proc.returncode)
                    log("tracker (%s) output:\n%s" % (state, out or "(none)"))
                raise
            break

        got = sha256_file(os.path.join(leech_dir, payload_name))
        if got != want:
            raise TransferError("SHA-256 mismatch: seeder %s, leecher %s" % (want, got))
        if tracker is not None and tracker.proc.poll() is not None:
            raise TransferError("tracker exited with code %d during the test:\n%s"
                                % (tracker.proc.returncode, tracker.output_tail()))
        log("PASS: %s over %s (%s): %d KiB in %.2f s, SHA-256 matches"
            % ("seeder %s, leecher %s" % (args.seeder_protocol, args.leecher_protocol)
               if args.mixed else args.protocol, args.family,
               args.tracker or args.tracker_cmd or url,
               args.size_kib, elapsed))
        return EXIT_OK
    finally:
        if tracker is not None:
            tracker.stop()
        if args.keep_tmp:
            log("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    args = parse_args(argv)
    try:
        return run(args)
    except SetupError as e:
        log("SETUP ERROR: %s" % e)
        return EXIT_SETUP
    except TransferError as e:
        log("FAIL: %s" % e)
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
