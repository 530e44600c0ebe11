#!/usr/bin/env python3
"""Asks a UDP tracker (BEP 15) for a connection id and announces once.

Usage: udp_probe.py HOST PORT [--timeout SECONDS] [--info-hash HEX] [--completed]

Announces a leecher on a random info hash, or on --info-hash; --completed
announces a seeder with event=completed instead (a download to count). Prints
one line with the announce response (interval, leechers, seeders) and exits
0, or names what went wrong and exits 1. Retries each request a few
times within the timeout: a tracker that is still starting is not a failure.
Loopback addresses only: this is a test tool.
"""
import argparse
import ipaddress
import os
import socket
import struct
import sys
import time

PROTOCOL_ID = 0x41727101980
ACTION_CONNECT, ACTION_ANNOUNCE = 0, 1


def request(sock, address, payload, deadline):
    """Sends PAYLOAD until an answer with its transaction id arrives."""
    transaction_id = payload[12:16]
    while time.monotonic() < deadline:
        sock.sendto(payload, address)
        sock.settimeout(min(0.5, max(0.01, deadline - time.monotonic())))
        try:
            while True:
                data, _ = sock.recvfrom(2048)
                if data[4:8] == transaction_id:
                    return data
        except socket.timeout:
            continue
    raise TimeoutError("no answer from %s:%d" % address[:2])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--info-hash", help="40 hex digits (default: random)")
    parser.add_argument("--completed", action="store_true",
                        help="a seeder's event=completed instead of a leecher's event=started")
    args = parser.parse_args()
    host = ipaddress.ip_address(args.host)
    if not host.is_loopback:
        sys.exit("udp_probe: loopback addresses only, not %s" % host)
    family = socket.AF_INET6 if host.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    address = (str(host), args.port)
    deadline = time.monotonic() + args.timeout
    try:
        reply = request(sock, address, struct.pack(">QII", PROTOCOL_ID, ACTION_CONNECT,
                                                   0x1234), deadline)
        action, _, connection_id = struct.unpack(">IIQ", reply[:16])
        if action != ACTION_CONNECT:
            sys.exit("udp_probe: connect answered with action %d: %r" % (action, reply[8:]))
        info_hash = bytes.fromhex(args.info_hash) if args.info_hash else os.urandom(20)
        peer_id = b"-PR0001-" + os.urandom(12)
        # left and event: 0 and 1 (completed), or 100 and 2 (started).
        left, event = (0, 1) if args.completed else (100, 2)
        announce = struct.pack(">QII20s20sQQQIIIiH", connection_id, ACTION_ANNOUNCE, 0x5678,
                               info_hash, peer_id, 0, left, 0, event, 0, 0, 50, 6881)
        reply = request(sock, address, announce, deadline)
    except TimeoutError as error:
        sys.exit("udp_probe: %s" % error)
    action = struct.unpack(">I", reply[:4])[0]
    if action != ACTION_ANNOUNCE or len(reply) < 20:
        sys.exit("udp_probe: announce answered with action %d: %r" % (action, reply[8:]))
    interval, leechers, seeders = struct.unpack(">III", reply[8:20])
    expected = (0, 1) if args.completed else (1, 0)
    if (leechers, seeders) != expected:
        sys.exit("udp_probe: expected our own peer alone (%d leechers, %d seeders), got %d and %d"
                 % (expected + (leechers, seeders)))
    print("udp_probe: announce answered: interval %d, leechers %d, seeders %d"
          % (interval, leechers, seeders))


if __name__ == "__main__":
    main()
