"""Second half of tools/bench-asr: runs our engine (greedy without the quality gate, greedy, greedy
with the beam-search fallback, beam search) and faster-whisper (greedy int8 and float32, beam 5 float32) on the same clips,
model files and threads, per language, and prints the table.
Usage: bench.py MODEL THREADS LANGUAGES WORKDIR   (LANGUAGES: en or en,tr)"""
import json
import os
import re
import subprocess
import sys

model, threads, languages, work = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "recognition")
LIBRIVOX = "/usr/share/pocketsphinx/test/data/librivox"
models = os.environ.get("TAPEDECK_MODELS", os.path.expanduser("~/.cache/tapedeck/models"))

# Turkish beyond the dev set's four clips (espeak-ng, the dev set's voices and speed), so the
# Turkish figure rests on more than 30 words. Written to WORKDIR at each run.
EXTRA_TR = [
    ("tr", "Faturamda iki kez ücret alınmış, lütfen kontrol eder misiniz?"),
    ("tr+f3", "Hesap numaranızı alabilir miyim?"),
    ("tr+f3", "Modeminizi yeniden başlattım, bağlantı şimdi düzeldi mi?"),
    ("tr+f3", "Yarın öğleden sonra bir teknisyen adresinize gelecek."),
    ("tr", "Üç haftadır aynı sorunu yaşıyorum ve kimse yardım etmiyor."),
    ("tr+f3", "Sabrınız için teşekkür ederim, iyi günler dilerim."),
]

RUN = r'''
import json, resource, sys, time
from faster_whisper import WhisperModel
from faster_whisper.audio import decode_audio
path, compute, threads, language, beam = sys.argv[1], sys.argv[2], int(sys.argv[3]), (sys.argv[4] or None), int(sys.argv[5])
m = WhisperModel(path, device="cpu", compute_type=compute, cpu_threads=threads)
audio = [decode_audio(c) for c in sys.argv[6:]]
list(m.transcribe(audio[0][:16000], beam_size=1, language=language, without_timestamps=True)[0])
t = time.time(); texts = []
for a in audio:
    segs, _ = m.transcribe(a, beam_size=beam, temperature=0, without_timestamps=True, condition_on_previous_text=False, vad_filter=False, language=language)
    texts.append(" ".join(s.text.strip() for s in segs))
print(json.dumps({"compute_s": time.time() - t, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "texts": texts,
                  "audio_s": sum(len(a) for a in audio) / 16000}))
'''


def clips(language):
    """(wav, reference) pairs: the dev set's espeak dialogue, plus read speech for English."""
    dev = json.load(open(os.path.join(FIXTURES, "dev-oracle.json")))
    out = [(os.path.join(FIXTURES, "dev", d["clip"] + ".wav"), d["reference"]) for d in dev["dialogue"] if d["language"] == language]
    if language == "en":
        refs = {}
        for line in open(os.path.join(LIBRIVOX, "transcription")):
            text, _, clip = line.strip().rpartition("(")
            refs[clip.rstrip(")")] = text.replace("<s>", "").replace("</s>", "").strip()
        out += [(os.path.join(LIBRIVOX, c + ".wav"), refs[c]) for c in sorted(refs) if os.path.exists(os.path.join(LIBRIVOX, c + ".wav"))]
    if language == "tr":
        for i, (voice, text) in enumerate(EXTRA_TR):
            raw, wav = os.path.join(work, f"tr-extra-{i}.raw.wav"), os.path.join(work, f"tr-extra-{i}.wav")
            subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", raw, text], check=True)
            subprocess.run(["sox", raw, "-r", "16000", "-c", "1", "-b", "16", wav], check=True)
            out.append((wav, text))
    return out


def words(s, language):
    if language == "tr":
        s = s.replace("I", "ı").replace("İ", "i")
    s = re.sub(r"[^\w' ]", " ", s.lower().replace("-", " "))
    return [{"mr": "mister", "mrs": "missus"}.get(w, w) for w in s.split()]


def wer(hyps, refs, language):
    errors = total = 0
    for h, r in zip(hyps, refs):
        h, r = words(h, language), words(r, language)
        row = list(range(len(h) + 1))
        for i in range(1, len(r) + 1):
            nxt = [i] + [0] * len(h)
            for j in range(1, len(h) + 1):
                nxt[j] = min(row[j] + 1, nxt[j - 1] + 1, row[j - 1] + (r[i - 1] != h[j - 1]))
            row = nxt
        errors += row[len(h)]
        total += len(r)
    return 100.0 * errors / total, total


# These four on Whisper's 30 s window with its 224-token limit (the engine before those levers):
OURS = [("tapedeck greedy, no gate", "plain"), ("tapedeck greedy", "greedy"), ("tapedeck greedy+fallback", "fallback"), ("tapedeck beam 5", "beam5")]
# The default: fitted encoder windows (the utterance plus padding; the full window when the gate
# rejects the fitted pass), 20 tokens a second. TAPEDECK_BENCH_FIT="1000-min6,1000,500-min8" chooses
# the windows: padding in milliseconds, then the minimum in seconds (1 when not given).
OURS += [(f"tapedeck fit +{w.replace('-min', ' ms, min ')}{' s' if '-min' in w else ' ms'}", f"fit+{w}")
         for w in os.environ.get("TAPEDECK_BENCH_FIT", "1000-min6,1000").split(",") if w]
THEIRS = [("faster-whisper int8 greedy", "int8", 1), ("faster-whisper f32 greedy", "float32", 1), ("faster-whisper f32 beam 5", "float32", 5)]
print(f"ASR benchmark: Whisper {model}, {threads} threads, one transcription per utterance")
print(f"{'language':8} {'engine':31} {'RTF':>7} {'peak MB':>8} {'WER %':>6} {'gated':>6} {'empty':>6}")
for language in languages:
    pairs = clips(language)
    wavs, refs = [p for p, _ in pairs], [r for _, r in pairs]
    spoken = "auto" if model.endswith(".en") else language
    results = {}
    for name, config in OURS:
        out = subprocess.run([os.environ.get("TAPEDECK_BENCH_ASR", os.path.join(ROOT, ".build", "release", "bench-asr")), model, str(threads), config, spoken] + wavs,
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        results[name] = json.loads(out.strip().splitlines()[-1])
    for name, compute, beam in THEIRS:
        out = subprocess.run([sys.executable, "-c", RUN, os.path.join(models, model), compute, str(threads),
                              "" if model.endswith(".en") else language, str(beam)] + wavs,
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        results[name] = json.loads(out.strip().splitlines()[-1])
    audio = results["tapedeck greedy"]["audio_s"]
    for name, r in results.items():
        rate, count = wer(r["texts"], refs, language)
        gated = str(r["gated"]) if "gated" in r else ""
        empty = sum(1 for t in r["texts"] if not t.strip())
        print(f"{language:8} {name:31} {r['compute_s'] / audio:7.3f} {r['peak_rss_mb']:8.0f} {rate:6.1f} {gated:>6} {empty:6}")
    print(f"{language}: {len(wavs)} utterances, {audio:.1f} s, {count} words; 'gated': first passes the quality gate rejects "
          f"(re-decoded by the fallback); 'empty': utterances left without text (no speech, or a loop every pass produced)")
    ours = results["tapedeck greedy"]["compute_s"]
    for name, _, beam in THEIRS[:2]:
        print(f"{language}: ratio ours greedy / {name}: {ours / results[name]['compute_s']:.2f} (target <= 1.5)")
    print(f"{language}: ratio ours beam 5 / faster-whisper f32 beam 5: "
          f"{results['tapedeck beam 5']['compute_s'] / results['faster-whisper f32 beam 5']['compute_s']:.2f}")
    if os.environ.get("TAPEDECK_BENCH_TEXTS"):
        for name, r in results.items():
            for ref, text in zip(refs, r["texts"]):
                print(f"  {language} {name}: {text!r}  (ref {ref!r})")
