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

libcuda=$(ls /usr/lib/x86_64-linux-gnu/libcuda.so.1 2>/dev/null || true)
if [ -z "$libcuda" ]; then
  log "installing libcuda1 from Debian non-free"
  sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  # libcuda1 needs nvidia-support from contrib as well as non-free.
  src=/etc/apt/sources.list.d/bookworm-nvidia.list
  if [ ! -f "$src" ]; then
    echo "deb http://deb.debian.org/debian bookworm contrib non-free non-free-firmware" | $sudo_ tee "$src" >/dev/null
  fi
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
