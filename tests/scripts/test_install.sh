#!/usr/bin/env bash
# `cmake --install` gives a prefix another code can build against, through
# pkg-config and through CMake's find_package(Aeon); both consumers run.
set -eu
aeon=$1 src=$2
build=$(dirname "$aeon")
if [ "${AEON_SANITIZE:-OFF}" = ON ]; then
  echo "install: skipped in a sanitizer build (consumers would need the sanitizer runtime)"; exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > /dev/null
"$work/prefix/bin/aeon" --version
export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig
mpicc "$src/tests/install_consumer/consumer.c" -o "$work/consumer_pc" $(pkg-config --cflags --libs aeon) \
  -Wl,-rpath,"$work/prefix/lib"
"$work/consumer_pc"
cmake -S "$src/tests/install_consumer" -B "$work/cbuild" -DCMAKE_PREFIX_PATH="$work/prefix" > /dev/null
cmake --build "$work/cbuild" > /dev/null
"$work/cbuild/consumer"
echo "install: pkg-config and CMake consumers built and ran"
