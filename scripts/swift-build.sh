#!/usr/bin/env bash
# `swift build "$@"`, run once more when SwiftPM itself is killed by a signal: on Linux it
# sometimes crashes (SIGSEGV in libdispatch under Foundation's Process) while it runs a build
# plugin. A build that fails with an error, or crashes twice, fails.
swift build "$@" && exit 0
status=$?
[ "$status" -gt 128 ] || exit "$status"
echo "swift build was killed by signal $((status - 128)); building again" >&2
exec swift build "$@"
