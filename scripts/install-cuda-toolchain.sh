#!/usr/bin/env bash
# Installs what building backend-cuda needs on a machine without a GPU:
#   - nvcc 13.0 from NVIDIA's PyPI wheels (pinned: the GPU host's driver is 580,
#     CUDA 13.0, and rejects PTX from newer toolkits);
#   - libcuda.so from Debian's `libcuda1` (bookworm, component non-free), which
#     cust_raw links against; a binary linked so runs without a GPU and reports
#     "no device".
# Idempotent. Prints the environment to export; `source <(... --env)` applies it.
#
# Usage: scripts/install-cuda-toolchain.sh [--env]
#   CUDA_TOOLCHAIN_DIR  where to install (default: $HOME/.cache/stark-hal-cuda)
#   APT_ETC             apt configuration whose Debian sources gain contrib and
#                       non-free when libcuda1 must be installed (default: /etc/apt)
set -euo pipefail

dir=${CUDA_TOOLCHAIN_DIR:-$HOME/.cache/stark-hal-cuda}
venv=$dir/venv
libdir=$dir/driver

log() { [ "${1:-}" = "" ] || echo "install-cuda-toolchain: $*" >&2; }

if [ ! -x "$venv/bin/python" ]; then
  log "creating venv in $venv"
  python3 -m venv "$venv"
fi
nvcc=$(ls "$venv"/lib/python3*/site-packages/nvidia/cu13/bin/nvcc 2>/dev/null | head -n1 || true)
if [ -z "$nvcc" ]; then
  log "installing nvcc 13.0 wheels"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "nvidia-cuda-nvcc==13.0.*" "nvidia-cuda-runtime==13.0.*" \
    "nvidia-cuda-crt==13.0.*" "nvidia-nvvm==13.0.*"
  nvcc=$(ls "$venv"/lib/python3*/site-packages/nvidia/cu13/bin/nvcc | head -n1)
fi

# Adds the `contrib` and `non-free` components to every Debian source under
# $1 (an apt configuration directory) that lacks them: the `Components:`
# lines of deb822 `*.sources` files, the `deb` lines of `sources.list` and
# `*.list`. Idempotent; a file is rewritten only when it changes, with $2
# (`sudo` or empty) in front of the commands that write.
enable_contrib_non_free() {
  local dir=$1 sudo_=$2 f tmp
  local has='([[:space:]]|$)'
  for f in "$dir"/sources.list "$dir"/sources.list.d/*.list "$dir"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    tmp=$(mktemp)
    case "$f" in
      *.sources) sed -E "/^Components:/{/[[:space:]]contrib$has/!s/\$/ contrib/;/[[:space:]]non-free$has/!s/\$/ non-free/}" "$f" > "$tmp" ;;
      *) sed -E "/^deb[[:space:]]/{/[[:space:]]contrib$has/!s/\$/ contrib/;/[[:space:]]non-free$has/!s/\$/ non-free/}" "$f" > "$tmp" ;;
    esac
    if ! cmp -s "$f" "$tmp"; then
      log "enabling contrib and non-free in $f"
      $sudo_ cp "$tmp" "$f"
    fi
    rm -f "$tmp"
  done
}

libcuda=$(ls /usr/lib/x86_64-linux-gnu/libcuda.so.1 2>/dev/null || true)
if [ -z "$libcuda" ]; then
  log "installing libcuda1 from Debian non-free"
  sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  # libcuda1 needs nvidia-support from contrib as well as non-free: add both
  # components to the Debian sources the machine already has (whatever
  # mirror they name), in either format.
  enable_contrib_non_free "${APT_ETC:-/etc/apt}" "$sudo_"
  $sudo_ apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends libcuda1 >/dev/null
  libcuda=/usr/lib/x86_64-linux-gnu/libcuda.so.1
fi

# cust_raw's build script looks for $CUDA_LIBRARY_PATH/lib64 and links -lcuda.
mkdir -p "$libdir/lib64"
ln -sf "$libcuda" "$libdir/lib64/libcuda.so"

"$nvcc" --version | tail -n 2 >&2
if [ "${1:-}" = "--env" ]; then
  echo "export NVCC=$nvcc"
  echo "export CUDA_LIBRARY_PATH=$libdir"
  echo "export LIBRARY_PATH=$libdir/lib64\${LIBRARY_PATH:+:\$LIBRARY_PATH}"
else
  echo "NVCC=$nvcc"
  echo "CUDA_LIBRARY_PATH=$libdir"
fi
