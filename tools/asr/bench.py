"""Second half of tools/bench-asr: runs faster-whisper on the same clips and prints the table."""
import json
import os
import re
import resource
import subprocess
import sys

model, threads, ours_json, clips = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
models = os.environ.get("TAPEDECK_MODELS", os.path.expanduser("~/.cache/tapedeck/models"))
language = None if model.endswith(".en") else "en"

RUN = r'''
import json, resource, sys, time
from faster_whisper import WhisperModel
from faster_whisper.audio import decode_audio
path, compute, threads, language = sys.argv[1], sys.argv[2], int(sys.argv[3]), (sys.argv[4] or None)
m = WhisperModel(path, device="cpu", compute_type=compute, cpu_threads=threads)
audio = [decode_audio(c) for c in sys.argv[5:]]
list(m.transcribe(audio[0][:16000], beam_size=1, language=language, without_timestamps=True)[0])
t = time.time(); texts = []
for a in audio:
    segs, _ = m.transcribe(a, beam_size=1, temperature=0, without_timestamps=True, condition_on_previous_text=False, vad_filter=False, language=language)
    texts.append(" ".join(s.text.strip() for s in segs))
print(json.dumps({"compute_s": time.time() - t, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "texts": texts,
                  "audio_s": sum(len(a) for a in audio) / 16000}))
'''


def references():
    refs = {}
    for line in open(os.path.join(os.path.dirname(clips[0]), "transcription")):
        text, _, clip = line.strip().rpartition("(")
        refs[clip.rstrip(")")] = text.replace("<s>", "").replace("</s>", "").strip()
    return [refs[os.path.basename(c)[:-4]] for c in clips]


def words(s):
    s = re.sub(r"[^a-z0-9' ]", " ", s.lower().replace("-", " "))
    return [{"mr": "mister", "mrs": "missus"}.get(w, w) for w in s.split()]


def wer(hyps, refs):
    errors = total = 0
    for h, r in zip(hyps, refs):
        h, r = words(h), words(r)
        row = list(range(len(h) + 1))
        for i in range(1, len(r) + 1):
            nxt = [i] + [0] * len(h)
            for j in range(1, len(h) + 1):
                nxt[j] = min(row[j] + 1, nxt[j - 1] + 1, row[j - 1] + (r[i - 1] != h[j - 1]))
            row = nxt
        errors += row[len(h)]
        total += len(r)
    return 100.0 * errors / total


refs = references()
results = {"tapedeck (Swift, float32)": json.loads(ours_json)}
for compute in ("int8", "float32"):
    out = subprocess.run([sys.executable, "-c", RUN, os.path.join(models, model), compute, str(threads), language or ""] + clips,
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    results[f"faster-whisper {compute}"] = json.loads(out.strip().splitlines()[-1])
audio = results["tapedeck (Swift, float32)"]["audio_s"]
print(f"ASR benchmark: Whisper {model}, {threads} threads, {len(clips)} utterances, {audio:.1f} s of read speech (pocketsphinx-testdata)")
print(f"{'engine':28} {'RTF':>7} {'peak MB':>8} {'WER %':>6}")
for name, r in results.items():
    print(f"{name:28} {r['compute_s'] / audio:7.3f} {r['peak_rss_mb']:8.0f} {wer(r['texts'], refs):6.1f}")
ours = results["tapedeck (Swift, float32)"]["compute_s"]
for compute in ("int8", "float32"):
    print(f"ratio ours / faster-whisper {compute}: {ours / results[f'faster-whisper {compute}']['compute_s']:.2f} (target <= 1.5)")
