#!/bin/sh
# Debian's protoc (protobuf-compiler), pinned in third_party/debian-packages.txt.
exec /usr/bin/protoc "$@"
