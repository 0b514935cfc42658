#!/bin/sh
# Regenerates the audio test fixtures. Needs espeak-ng and sox (Debian: espeak-ng sox).
# Speech is synthesised, then trimmed of leading/trailing silence so tests know exactly where
# speech is when they compose fixtures with silence and noise.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

speech() { # name voice text
    espeak-ng -v "$2" -s 165 -w "$tmp/$1.raw.wav" "$3"
    sox "$tmp/$1.raw.wav" -r 16000 -c 1 -b 16 -e signed-integer "$1.wav" \
        silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
}
speech sentence-en-1 en "The quarterly report is ready for review."
speech sentence-en-2 en "Please call me back tomorrow morning."
speech sentence-tr tr "Merhaba, size nasıl yardımcı olabilirim?"

# Other WAV encodings for the reader: µ-law 8 kHz, 8-bit PCM, 32-bit float stereo at 22.05 kHz.
sox sentence-tr.wav -r 8000 -e u-law sentence-tr-ulaw8k.wav
sox -n -r 11025 -c 1 -b 8 -e unsigned-integer tone-pcm8.wav synth 0.25 sine 440 vol 0.5
sox -n -r 22050 -c 2 -b 32 -e floating-point tone-float-stereo.wav synth 0.25 sine 1000 sine 2000 vol 0.5
ls -l ./*.wav
