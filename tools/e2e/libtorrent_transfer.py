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
  /usr/bin/python3 tools/e2e/libtorrent_transfer.py --tracker aquatic \\
      --aquatic-bin bazel-bin/tracker/aquatic --protocol https --private
  /usr/bin/python3 tools/e2e/libtorrent_transfer.py --tracker aquatic \\
      --aquatic-bin bazel-bin/tracker/aquatic --protocol udp --private --wrong-key leecher
  /usr/bin/python3 tools/e2e/libtorrent_transfer.py --protocol udp \\
      --tracker-cmd 'opentracker -f {dir}/opentracker.conf -i {host} -p {port} -P {port} -d {dir}'
  /usr/bin/python3 tools/e2e/libtorrent_transfer.py --announce-url udp://127.0.0.1:3000/announce

With --private (aquatic only) the tracker is a private one: the harness adds
`[private] mode = "keys"`, the management API on a free loopback port with a
random token, SQLite storage in the temporary folder (flush_interval = 1) and
the Prometheus endpoint on another free loopback port to aquatic's file. Once
the tracker answers, it makes one key for the seeder and another for the
leecher through the API (POST /api/v1/key/0), and each session announces with
its own key (each gets its own tracker URL, the torrent lists none):
udp://HOST:PORT/announce/KEY (libtorrent sends the path as BEP 41 URL data),
http(s)://HOST:PORT/announce/KEY or http(s)://HOST:PORT/KEY/announce (the
XBT/Ocelot passkey form; --key-form, default: the passkey form for https, the
other for http; libtorrent's SSRF mitigation, which refuses a tracker on
loopback whose path does not start with /announce, is turned off for the
passkey form). Besides the transfer, it checks that:
  - a third session announcing with a well-formed key that the tracker never
    made, beside the swarm during the whole transfer, is refused (over
    HTTP(S) with the failure reason "private tracker: unknown key"; over UDP
    libtorrent 2.0.8 drops the text of error replies, so only the refusal
    itself shows), gets no tracker reply and no peer, and that the tracker
    counts it as key_unknown on /metrics (key_missing would mean that the
    key did not reach the tracker: for UDP, no BEP 41 URL data); no announce
    of the run is counted as key_missing;
  - after the transfer, GET /api/v1/key/KEY/stats shows downloaded > 0 or
    completed == 1 for the leecher's key and uploaded > 0 for the seeder's
    (the sessions are made to re-announce, then paused so that a stopped
    announce goes out, all within --stats-timeout), that no key's totals
    exceed libtorrent's own, and that each key lists this torrent only.
A refusal of the seeder's or the leecher's own key fails the test at once.
--wrong-key seeder|leecher|both gives that role an unknown key instead: the
test must then fail (exit 1), which shows that the keys are really checked.

--tracker-cmd placeholders (str.format): {port} {host} (127.0.0.1 or ::1)
{host_url} ([::1] for IPv6) {dir} (world-readable folder holding the files
below) {whitelist} (absolute path of a file with the torrent's 40-hex info
hash, one line) {whitelist_name} (its name inside {dir}) {info_hash} {cert}
{key} (self-signed certificate and key for 127.0.0.1 and ::1, https only).
The folder also holds `opentracker.conf` (`access.whitelist whitelist.txt`).
"""

import argparse
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import string
import sys
import tempfile
import time
import urllib.error
import urllib.request

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
    """The tracker process, run in `cwd` (the tracker's own folder: a file it
    writes by a relative path, like aquatic's default SQLite database
    aquatic.sqlite3, lands there and goes with the temporary folder)."""

    def __init__(self, argv, log_path, cwd=None):
        self.argv = argv
        self.log_path = log_path
        self.cwd = cwd
        self.proc = None
        self.log_file = None

    def start(self):
        log("tracker: %s" % " ".join(shlex.quote(a) for a in self.argv))
        self.log_file = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=self.log_file, stderr=subprocess.STDOUT,
                                         cwd=self.cwd, start_new_session=True)
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


def private_tables(private):
    """The tables of a private tracker (--private; `private` is a
    PrivateTracker), the same in the file of `aquatic udp`, `http` and `run`."""
    if private is None:
        return []
    return [
        "[private]",
        'mode = "keys"',
        "[api]",
        "enabled = true",
        'address = "127.0.0.1:%d"' % private.api_port,
        'access_tokens = ["%s"]' % private.token,
        # Per-key transfers are kept by the storage, written every second.
        "[storage]",
        'backend = "sqlite"',
        'path = "%s"' % private.db_path,
        "flush_interval = 1",
        # Refusals by reason (aquatic_refused_requests_total).
        "[statistics]",
        "run_prometheus_endpoint = true",
        'prometheus_endpoint_address = "127.0.0.1:%d"' % private.metrics_port,
    ]


def aquatic_config(path, protocol, port, cert, key, private=None):
    """The file of `aquatic udp` or `aquatic http`."""
    lines = ["socket_workers = 1", 'log_level = "info"', "[network]"]
    lines += network_keys(protocol, port, cert, key)
    lines += ["[access_list]", 'mode = "off"']
    lines += private_tables(private) + [""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def aquatic_run_config(path, protocols, port, cert, key, private=None):
    """The file of `aquatic run` serving `protocols` (udp, http or https) on one
    port number (UDP and TCP do not collide)."""
    lines = ["socket_workers = 1", 'log_level = "info"', "[access_list]", 'mode = "off"']
    for table in ("udp", "http"):
        served = [p for p in protocols if (p == "udp") == (table == "udp")]
        lines += ["[%s]" % table, "enabled = %s" % ("true" if served else "false")]
        if served:
            lines += ["[%s.network]" % table] + network_keys(served[0], port, cert, key)
    lines += private_tables(private) + [""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


# --------------------------------------------------------------------------
# Private tracker (--private): keys, their stats, refusal counters


KEY_ALPHABET = string.ascii_letters + string.digits
KEY_RE = re.compile(r"^[A-Za-z0-9]{32}$")
REFUSAL_RE = re.compile(r'^aquatic_refused_requests_total\{protocol="(\w+)",reason="(\w+)"\} '
                        r'([0-9.eE+]+)\s*$', re.M)


def random_key():
    """A well-formed key (32 letters and digits) that no tracker made."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(32))


def keyed_url(protocol, host_url, port, key, form):
    """The announce URL carrying `key`: /announce/KEY (form "suffix"; over UDP
    the path goes as BEP 41 URL data) or /KEY/announce (form "passkey", as
    XBT Tracker and Ocelot take it)."""
    if form == "passkey":
        return "%s://%s:%d/%s/announce" % (protocol, host_url, port, key)
    return "%s://%s:%d/announce/%s" % (protocol, host_url, port, key)


class PrivateTracker:
    """aquatic's private mode as the harness drives it: the files and ports it
    needs (private_tables), its management API (keys and their stats) and the
    refusal counters of its Prometheus endpoint. Plain HTTP on 127.0.0.1."""

    def __init__(self, tdir):
        self.token = "e2e-" + secrets.token_hex(16)
        self.db_path = os.path.join(tdir, "aquatic.sqlite3")
        self.api_port = self.metrics_port = 0
        # No proxy from the environment: everything is on loopback.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def pick_ports(self, taken):
        """Free TCP ports for the API and /metrics, other than `taken`."""
        ports = []
        while len(ports) < 2:
            p = pick_port("ipv4", need_tcp=True, need_udp=False)
            if p not in ports and p not in taken:
                ports.append(p)
        self.api_port, self.metrics_port = ports

    def _get(self, method, url, token):
        """(HTTP status or None, body text)."""
        req = urllib.request.Request(url, method=method,
                                     data=b"" if method == "POST" else None)
        if token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with self.opener.open(req, timeout=5) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")
        except (OSError, ValueError) as e:  # URLError is an OSError
            return None, str(e)

    def api(self, method, path):
        """(status, decoded JSON or None, body text) of one API request."""
        status, body = self._get(method, "http://127.0.0.1:%d%s" % (self.api_port, path), True)
        try:
            data = json.loads(body) if status is not None else None
        except ValueError:
            data = None
        return status, data, body

    def create_key(self):
        """A new key that never expires, made by the tracker."""
        status, data, body = self.api("POST", "/api/v1/key/0")
        if status != 200 or not isinstance(data, dict) \
                or not KEY_RE.match(str(data.get("key", ""))) \
                or data.get("valid_until") is not None:
            raise SetupError("POST /api/v1/key/0 answered HTTP %s: %s" % (status, body))
        return data["key"]

    def unknown_key(self, known):
        """A well-formed key that the tracker does not know (its API says so)."""
        key = random_key()
        while key in known:
            key = random_key()
        status, _, body = self.api("GET", "/api/v1/key/%s/stats" % key)
        if status != 404:
            raise SetupError("GET /api/v1/key/%s/stats of a key never made answered HTTP %s "
                             "(expected 404): %s" % (key, status, body))
        return key

    def key_stats(self, key):
        status, data, body = self.api("GET", "/api/v1/key/%s/stats" % key)
        if status != 200 or not isinstance(data, dict):
            raise TransferError("GET /api/v1/key/%s/stats answered HTTP %s: %s"
                                % (key, status, body))
        return data

    def refusals(self):
        """{(protocol, reason): count} of aquatic_refused_requests_total."""
        status, body = self._get("GET", "http://127.0.0.1:%d/metrics" % self.metrics_port,
                                 False)
        if status != 200:
            raise TransferError("GET /metrics answered HTTP %s: %s" % (status, body[:300]))
        counts = {(m.group(1), m.group(2)): int(float(m.group(3)))
                  for m in REFUSAL_RE.finditer(body)}
        if not counts:
            raise TransferError("GET /metrics has no aquatic_refused_requests_total")
        return counts


def brief_stats(stats):
    """A key's stats without the per-torrent list, for the log."""
    return ", ".join("%s=%s" % (k, stats.get(k)) for k in
                     ("revoked", "valid_until", "uploaded", "downloaded", "completed")) + \
        ", %d torrent(s)" % len(stats.get("torrents") or [])


# --------------------------------------------------------------------------
# libtorrent


def session_settings(listen, validate_https, ssrf_mitigation=True):
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
        # On by default: a tracker on a loopback address must have a path
        # starting with /announce, which /KEY/announce does not (see
        # PrivateRun.ssrf_mitigation).
        "ssrf_mitigation": ssrf_mitigation,
        "alert_mask": (lt.alert.category_t.error_notification
                       | lt.alert.category_t.status_notification
                       | lt.alert.category_t.tracker_notification
                       | lt.alert.category_t.connect_notification
                       | lt.alert.category_t.peer_notification
                       | lt.alert.category_t.storage_notification),
    }


# libtorrent's text for errors::tracker_failure: the tracker sent a failure
# reason or a UDP error reply.
TRACKER_FAILURE = "tracker sent a failure message"

TRACKER_ALERTS = (lt.tracker_announce_alert, lt.tracker_reply_alert, lt.tracker_error_alert,
                  lt.tracker_warning_alert)


class Peer:
    """One libtorrent session with one torrent."""

    def __init__(self, name, listen, info, save_path, validate_https, verbose, trackers=(),
                 ssrf_mitigation=True):
        self.name = name
        self.verbose = verbose
        self.session = lt.session(session_settings(listen, validate_https, ssrf_mitigation))
        self.replies = []       # num_peers of each tracker_reply_alert
        self.errors = []        # tracker / torrent errors (text)
        self.listen_failed = None
        self.completed_at = None  # len(replies) when event=completed was sent
        # (failure reason, error) of each tracker_error_alert: the reason the
        # tracker gave, if any, and libtorrent's error code as text.
        self.failures = []
        self.connections = 0    # peer connections made or accepted
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
                # The reason a tracker gave (HTTP "failure reason", the text of
                # a UDP error reply) is failure_reason() on libtorrent 2.0
                # (error_message() on older versions). libtorrent 2.0.8 loses
                # the text of UDP error replies: it copies the reply from its
                # first byte, the action's high byte, which is 0, so the text
                # is always "" (udp_tracker_connection::on_receive); only the
                # error code, tracker_failure, tells that the tracker refused.
                reason = ""
                for get in (a.failure_reason, a.error_message):
                    try:
                        reason = reason or get()
                    except Exception:  # noqa: BLE001 - older bindings
                        pass
                self.failures.append((reason, a.error.message()))
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
            elif isinstance(a, (lt.peer_connect_alert, lt.incoming_connection_alert,
                                lt.peer_disconnected_alert)):
                if not isinstance(a, lt.peer_disconnected_alert):
                    self.connections += 1
                if not self.quiet_peers:
                    log("%s: %s" % (self.name, msg))
            elif self.verbose:
                log("%s: [%s] %s" % (self.name, type(a).__name__, msg))

    def status(self):
        return self.handle.status()

    def refused(self):
        """The tracker's refusals (private tracker): failure reasons naming the
        private tracker, or, over UDP where libtorrent loses the text, failure
        replies without one."""
        return [reason or 'tracker failure reply with no text ("%s")' % error
                for reason, error in self.failures
                if "private tracker" in reason
                or (not reason and error == TRACKER_FAILURE)]

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


class PrivateRun:
    """What transfer() needs of a --private run: the tracker's API and
    counters, each role's key, and the wrong-key session's URL."""

    def __init__(self, tracker, seeder_key, leecher_key, wrong_url, wrong_protocol,
                 intruder_dir, passkey_urls):
        self.tracker = tracker
        self.seeder_key = seeder_key
        self.leecher_key = leecher_key
        self.wrong_url = wrong_url
        # The label of aquatic_refused_requests_total its refusals go under.
        self.wrong_label = "udp" if wrong_protocol == "udp" else "http"
        self.intruder_dir = intruder_dir
        # libtorrent's SSRF mitigation refuses to announce to a tracker on a
        # loopback address unless the URL's path starts with /announce
        # ("blocked by SSRF mitigation"): the passkey form /KEY/announce
        # works against a tracker elsewhere, not on 127.0.0.1 or ::1, so
        # the sessions turn it off for that form.
        self.ssrf_mitigation = not passkey_urls


def fail_if_refused(peer):
    """A refusal of a role's own key ends the test at once (a wrong key never
    turns right: waiting for the deadline would only hide why)."""
    refused = peer.refused()
    if refused:
        raise TransferError("the tracker refused the %s's key: %s" % (peer.name, refused[0]))


def check_wrong_key(intruder, private):
    """The session that announced with a key the tracker never made, beside
    the swarm during the whole transfer: it must have been refused (waited for
    up to 10 s more), with the failure reason "private tracker: unknown key"
    over HTTP(S); over UDP libtorrent loses the reason (see Peer.drain), and
    check_refusals reads it from the tracker's counters instead. It must have
    had no tracker reply, no peer and no byte."""
    def refused():
        if private.wrong_label == "udp":
            return intruder.refused()
        return [r for r, _ in intruder.failures if "unknown key" in r]
    end = time.monotonic() + 10
    while not refused():
        intruder.drain()
        if time.monotonic() > end:
            raise TransferError(
                "the session announcing %s (a key the tracker never made) was not refused "
                "%s (tracker replies num_peers=%s, errors: %s)"
                % (private.wrong_url, "with a UDP error reply" if private.wrong_label == "udp"
                   else 'with "unknown key"', intruder.replies, intruder.errors or "none"))
        time.sleep(0.05)
    intruder.drain()
    st = intruder.status()
    if intruder.replies:
        raise TransferError("the tracker answered announces with a key it never made: "
                            "replies num_peers=%s" % intruder.replies)
    if intruder.connections or st.num_peers or st.total_payload_download:
        raise TransferError("the session with a key the tracker never made got peers: "
                            "%d connections, %d peers now, %d bytes downloaded"
                            % (intruder.connections, st.num_peers, st.total_payload_download))
    log("wrong-key: refused %d time(s) (%s); no tracker reply, no peer, no byte"
        % (len(intruder.failures), refused()[0]))


def check_key_stats(args, info, seeder, leecher, private):
    """Polls GET /api/v1/key/KEY/stats of both keys until the leecher's shows
    downloaded > 0 or completed == 1 and the seeder's uploaded > 0. libtorrent
    reports its totals on each announce, and the tracker writes them every
    second: both sessions are made to re-announce every 2 s, and after half of
    --stats-timeout both torrents are paused (a stopped announce, with the
    totals, goes out). Fails after --stats-timeout seconds. Then, against
    double counting: no key's totals exceed what libtorrent itself counted,
    the leecher's key completed the torrent at most once, and each key's
    per-torrent list names this torrent only."""
    start = time.monotonic()
    end = start + args.stats_timeout
    pause_at = start + args.stats_timeout / 2
    next_reannounce = start
    paused = False
    while True:
        seeder.drain()
        leecher.drain()
        s = private.tracker.key_stats(private.seeder_key)
        l = private.tracker.key_stats(private.leecher_key)
        if ((l.get("downloaded") or 0) > 0 or l.get("completed") == 1) \
                and (s.get("uploaded") or 0) > 0:
            break
        now = time.monotonic()
        if now > end:
            raise TransferError(
                "%.0f s after the transfer, the keys' stats still miss it (leecher: downloaded "
                "> 0 or completed == 1; seeder: uploaded > 0): seeder key %s; leecher key %s"
                % (args.stats_timeout, brief_stats(s), brief_stats(l)))
        if not paused and now >= pause_at:
            paused = True
            log("stats: not there yet (seeder %s; leecher %s): pausing both torrents "
                "(event=stopped)" % (brief_stats(s), brief_stats(l)))
            for p in (seeder, leecher):
                p.handle.pause()
        elif not paused and now >= next_reannounce:
            next_reannounce = now + 2
            for p in (seeder, leecher):
                p.handle.force_reannounce(0, -1, lt.reannounce_flags_t.ignore_min_interval)
        time.sleep(0.25)
    uploaded = seeder.status().total_payload_upload
    downloaded = leecher.status().total_payload_download
    log("stats after %.1f s: seeder key %s; leecher key %s (payload %d bytes; libtorrent "
        "totals: seeder uploaded %d, leecher downloaded %d)"
        % (time.monotonic() - start, brief_stats(s), brief_stats(l), info.total_size(),
           uploaded, downloaded))
    if args.verbose:
        log("stats: seeder key %s" % json.dumps(s))
        log("stats: leecher key %s" % json.dumps(l))
    problems = []
    if (s.get("uploaded") or 0) > uploaded:
        problems.append("the seeder's key uploaded %s > the %d bytes libtorrent uploaded"
                        % (s.get("uploaded"), uploaded))
    if (l.get("downloaded") or 0) > downloaded:
        problems.append("the leecher's key downloaded %s > the %d bytes libtorrent downloaded"
                        % (l.get("downloaded"), downloaded))
    if (l.get("completed") or 0) > 1:
        problems.append("the leecher's key completed %s times" % l.get("completed"))
    info_hash = str(info.info_hash())
    for role, stats in (("seeder", s), ("leecher", l)):
        hashes = [t.get("info_hash") for t in stats.get("torrents") or []]
        if hashes != [info_hash]:
            problems.append("the %s's key lists torrents %s, expected [%s]"
                            % (role, hashes, info_hash))
    if problems:
        raise TransferError("the keys' stats are wrong: " + "; ".join(problems))


def check_refusals(private):
    """The tracker's refusal counters: the wrong key counted as key_unknown
    (so the key reached the tracker: over UDP, as BEP 41 URL data), and no
    announce of the run counted as key_missing."""
    counts = private.tracker.refusals()
    log("tracker: refusals %s" % (", ".join("%s/%s=%d" % (p, r, n) for (p, r), n
                                            in sorted(counts.items()) if n) or "none"))
    if counts.get((private.wrong_label, "key_unknown"), 0) < 1:
        raise TransferError("aquatic_refused_requests_total{protocol=\"%s\",reason="
                            "\"key_unknown\"} is 0 after announces with an unknown key"
                            % private.wrong_label)
    missing = {p: n for (p, r), n in counts.items() if r == "key_missing" and n}
    if missing:
        raise TransferError("the tracker found no valid key in %s announce(s) or scrape(s) "
                            "of this run (key_missing by protocol: %s)"
                            % (sum(missing.values()), missing))


def transfer(args, info, seed_dir, leech_dir, seeder_trackers=(), leecher_trackers=(),
             private=None):
    """Seeds from seed_dir, leeches into leech_dir (each session with its own
    trackers, if given); returns the seconds the leecher took. With `private`
    (a PrivateRun), a third session announces with a wrong key beside them,
    and the keys' stats and the refusal counters are checked afterwards."""
    host_url = "[::1]" if args.family == "ipv6" else "127.0.0.1"
    ports = []
    for _ in range(3 if private else 2):
        p = pick_port(args.family, need_tcp=True, need_udp=False)
        while p in ports:
            p = pick_port(args.family, need_tcp=True, need_udp=False)
        ports.append(p)
    validate = False  # self-signed certificate for https
    deadline = time.monotonic() + args.timeout
    seeder = leecher = intruder = None
    try:
        ssrf = private.ssrf_mitigation if private is not None else True
        seeder = Peer("seeder", "%s:%d" % (host_url, ports[0]), info, seed_dir, validate,
                      args.verbose, seeder_trackers, ssrf)
        log("seeder: listening on %s:%d" % (host_url, ports[0]))
        # Wait until the seeder has checked its file and the tracker knows it.
        while True:
            seeder.drain()
            fail_if_refused(seeder)
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

        if private is not None:
            # Beside the swarm for the whole transfer: were it let in, it
            # would get the seeder (and the leecher) from the tracker.
            intruder = Peer("wrong-key", "%s:%d" % (host_url, ports[2]), info,
                            private.intruder_dir, validate, args.verbose, [private.wrong_url],
                            ssrf)
            log("wrong-key: listening on %s:%d, announcing %s (must be refused)"
                % (host_url, ports[2], private.wrong_url))
        leecher = Peer("leecher", "%s:%d" % (host_url, ports[1]), info, leech_dir, validate,
                       args.verbose, leecher_trackers, ssrf)
        log("leecher: listening on %s:%d" % (host_url, ports[1]))
        transfer_start = time.monotonic()
        last_reannounce = time.monotonic()
        seen_tracker_peer = False
        while True:
            seeder.drain()
            leecher.drain()
            if intruder is not None:
                intruder.drain()
            fail_if_refused(leecher)
            fail_if_refused(seeder)
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
        if private is not None:
            check_wrong_key(intruder, private)
            check_key_stats(args, info, seeder, leecher, private)
            check_refusals(private)
        return elapsed
    finally:
        for p in (intruder, leecher, seeder):
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
    ap.add_argument("--private", action="store_true",
                    help="aquatic as a private tracker: each session announces with its "
                         "own key made through the API (see below)")
    ap.add_argument("--key-form", choices=("suffix", "passkey"),
                    help="--private: where the key goes in the announce URL: "
                         "/announce/KEY (suffix) or /KEY/announce (passkey); default: "
                         "passkey for https, suffix for http and udp")
    ap.add_argument("--wrong-key", choices=("seeder", "leecher", "both"),
                    help="--private: this role announces with a key the tracker never "
                         "made (the test must then fail with exit code 1)")
    ap.add_argument("--stats-timeout", type=float, default=15,
                    help="--private: seconds for the keys' stats to show the transfer "
                         "(default 15)")
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
    if args.aquatic_bin:
        args.aquatic_bin = os.path.abspath(args.aquatic_bin)  # aquatic runs elsewhere
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
    if args.private and args.tracker != "aquatic":
        ap.error("--private needs --tracker aquatic")
    if args.private and args.announce_url:
        ap.error("--private builds the announce URLs itself: no --announce-url")
    if (args.key_form or args.wrong_key) and not args.private:
        ap.error("--key-form and --wrong-key need --private")
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
        intruder_dir = os.path.join(tmp, "wrong-key")
        for d in (tdir, seed_dir, leech_dir, intruder_dir):
            os.mkdir(d)
        for d in (tmp, tdir):
            os.chmod(d, 0o755)

        payload_name = "payload.bin"
        payload = make_payload(seed_dir, payload_name, args.size_kib * 1024)
        want = sha256_file(payload)
        log("payload: %d bytes, sha256 %s" % (args.size_kib * 1024, want))

        attempts = 3 if not args.port else 1
        elapsed = None
        private = PrivateTracker(tdir) if args.private else None
        private_run = None
        # Each role's protocol, and where the key goes in its URLs (--private).
        role_protocols = ((args.seeder_protocol, args.leecher_protocol) if args.mixed
                          else (args.protocol, args.protocol))
        key_forms = tuple(args.key_form or ("passkey" if p == "https" else "suffix")
                          for p in role_protocols)
        for attempt in range(1, attempts + 1):
            port = args.port or pick_port(args.family, need_tcp=args.protocol != "udp"
                                          or args.tracker == "opentracker" or args.mixed,
                                          need_udp=args.protocol == "udp"
                                          or args.tracker == "opentracker" or args.mixed)
            if private is not None:
                private.pick_ports({port})
            role_trackers = ((), ())
            if private is not None:
                # The keys are made once the tracker runs: the torrent lists
                # no tracker, each session gets its own URL with its own key.
                url = None
            elif args.mixed:
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
                   url or ("each session's own keyed URL" if private is not None else
                           "seeder %s, leecher %s" % (role_trackers[0][0],
                                                      role_trackers[1][0]))))

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
                aquatic_run_config(cfg, ("udp", args.protocol), port, cert, key, private)
                argv = [args.aquatic_bin, "run", "-c", cfg]
            elif args.tracker == "aquatic":
                cfg = os.path.join(tdir, "aquatic.toml")
                aquatic_config(cfg, args.protocol, port, cert, key, private)
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
                # aquatic runs in its folder (see Tracker); a --tracker-cmd
                # where it was started, for the relative paths it may hold.
                tracker = Tracker(argv, os.path.join(tmp, "tracker-%d.log" % attempt),
                                  cwd=tdir if args.tracker == "aquatic" else None)
                tracker.start()
                problem = None
                for protocol in (("udp", args.protocol) if args.mixed else (args.protocol,)):
                    problem = problem or wait_ready(host, port, protocol, tracker.proc,
                                                    args.ready_timeout)
                if private is not None:
                    for p in (private.api_port, private.metrics_port):
                        problem = problem or wait_ready("127.0.0.1", p, "http", tracker.proc,
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
            if private is not None:
                keys = [private.create_key(), private.create_key()]
                wrong = private.unknown_key(keys)
                log("tracker: API on 127.0.0.1:%d made keys %s (seeder) and %s (leecher); "
                    "%s is unknown to it" % (private.api_port, keys[0], keys[1], wrong))
                for i, role in enumerate(("seeder", "leecher")):
                    if args.wrong_key in (role, "both"):
                        log("--wrong-key: the %s announces with an unknown key" % role)
                        keys[i] = private.unknown_key(keys + [wrong])
                role_trackers = tuple(
                    [keyed_url(p, host_url, port, k, f)]
                    for p, k, f in zip(role_protocols, keys, key_forms))
                log("announce: seeder %s, leecher %s" % (role_trackers[0][0],
                                                         role_trackers[1][0]))
                private_run = PrivateRun(
                    private, keys[0], keys[1],
                    keyed_url(role_protocols[1], host_url, port, wrong, key_forms[1]),
                    role_protocols[1], intruder_dir, "passkey" in key_forms)
            try:
                elapsed = transfer(args, info, seed_dir, leech_dir, *role_trackers,
                                   private=private_run)
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
        log("PASS: %s over %s (%s%s): %d KiB in %.2f s, SHA-256 matches%s"
            % ("seeder %s, leecher %s" % (args.seeder_protocol, args.leecher_protocol)
               if args.mixed else args.protocol, args.family,
               args.tracker or args.tracker_cmd or url,
               ", private, keys in " + " and ".join(sorted(set(
                   "/KEY/announce" if f == "passkey" else "/announce/KEY" for f in key_forms)))
               if args.private else "",
               args.size_kib, elapsed,
               "; wrong key refused, keys' stats match" if args.private else ""))
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
