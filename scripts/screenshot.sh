#!/usr/bin/env bash
# Draws docs/screen.svg and docs/screen.zh.svg from the real lab: starts it in tmux at 100x30
# on empty-new-file (English, then Chinese), presses r, captures the screen with its colours
# and converts it with ansi-to-svg.py. Needs tmux and python3.
#   scripts/screenshot.sh [BINARY]   (default target/debug/mmap-lab; build it first)
set -eu
cd "$(dirname "$0")/.."
bin=$(readlink -f "${1:-target/debug/mmap-lab}")
cols=100 rows=30 sock="mmap-lab-shot$$"
state=$(mktemp -d)
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$state"' EXIT

# Waits until the screen stops changing (the lab draws, then settles).
settle() {
  local a b
  a=$(tmux -L "$sock" capture-pane -t s -p)
  for _ in $(seq 1 40); do
    sleep 0.15
    b=$(tmux -L "$sock" capture-pane -t s -p)
    [ "$a" = "$b" ] && return
    a=$b
  done
}

for lang in en zh; do
  # A fresh configuration and progress for each capture: the lab's defaults, nothing run yet.
  mkdir "$state/$lang"
  tmux -L "$sock" new-session -d -s s -x $cols -y $rows \
    "env -u NO_COLOR -u MMAP_LAB_LANG -u MMAP_LAB_THEME -u MMAP_LAB_ASCII -u MMAP_LAB_STATE \
     TERM=xterm-256color LANG=C.UTF-8 XDG_STATE_HOME=$state/$lang XDG_CONFIG_HOME=$state/$lang \
     $bin --lang $lang --scenario empty-new-file; sleep 30"
  sleep 0.5; settle
  tmux -L "$sock" send-keys -t s r
  sleep 0.5; settle
  out=docs/screen.svg
  [ "$lang" = en ] || out=docs/screen.$lang.svg
  tmux -L "$sock" capture-pane -t s -p -e | python3 scripts/ansi-to-svg.py $cols > "$out"
  tmux -L "$sock" kill-server
  echo "wrote $out"
done
