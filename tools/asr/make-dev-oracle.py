"""Writes the recognition dev set: espeak-ng dialogue clips (English and Turkish, two voices each)
as Tests/Fixtures/recognition/dev/*.wav, and Tests/Fixtures/recognition/dev-oracle.json with
faster-whisper's output on them and its word times on the real read speech clips
(pocketsphinx-testdata), same model files and settings as our engine: greedy, temperature 0,
no VAD, language given (en / tr), no conditioning on previous text.
Run: python3 tools/asr/make-dev-oracle.py   (needs `pip install faster-whisper`, models from tools/fetch-models)."""
import json
import os
import subprocess

from faster_whisper import WhisperModel

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "Tests", "Fixtures", "recognition"))
MODELS = os.environ.get("TAPEDECK_MODELS", os.path.expanduser("~/.cache/tapedeck/models"))
LIBRIVOX = "/usr/share/pocketsphinx/test/data/librivox"

DIALOGUE = [
    ("en-agent-1", "en", "en-us+f3", "Thank you for calling customer support, my name is Anna. How can I help you today?"),
    ("en-customer-1", "en", "en-us", "Hello, my internet connection has been dropping every evening for a week."),
    ("en-agent-2", "en", "en-us+f3", "I am sorry to hear that. Can you give me your account number please?"),
    ("en-customer-2", "en", "en-us", "I already gave my account number twice. This is really frustrating."),
    ("en-agent-3", "en", "en-us+f3", "I have reset your modem. A technician will visit you tomorrow morning."),
    ("en-customer-3", "en", "en-us", "Great, thank you for your help. Have a nice day."),
    ("tr-customer-1", "tr", "tr", "Bugün hava çok güzel. Yarın sabah toplantıya geleceğim."),
    ("tr-agent-1", "tr", "tr+f3", "Merhaba, müşteri hizmetlerine hoş geldiniz. Size nasıl yardımcı olabilirim?"),
    ("tr-customer-2", "tr", "tr", "İnternetim üç gündür çalışmıyor ve çok sinirliyim."),
    ("tr-agent-2", "tr", "tr+f3", "Özür dilerim, hemen kontrol ediyorum. Teşekkür ederim."),
]


def speak(name, voice, text):
    raw = os.path.join(FIXTURES, "dev", name + ".raw.wav")
    out = os.path.join(FIXTURES, "dev", name + ".wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", raw, text], check=True)
    subprocess.run(["sox", raw, "-r", "16000", "-c", "1", "-b", "16", out], check=True)
    os.remove(raw)
    return out


def run(model, path, language, words=False):
    segments, info = model.transcribe(path, beam_size=1, temperature=0, without_timestamps=True, word_timestamps=words,
                                      condition_on_previous_text=False, vad_filter=False, language=language)
    segments = list(segments)
    text = " ".join(s.text.strip() for s in segments).strip()
    times = [[w.word.strip(), round(w.start, 3), round(w.end, 3)] for s in segments for w in (s.words or [])]
    return text, times


def long_recording_command(parts, out, silence):
    """sox: the parts with 1 s of silence (a 16 kHz file made by `sox -n`) after each; the tests
    build the same recording the same way."""
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", silence, "trim", "0", "1"], check=True)
    command = ["sox"]
    for part in parts:
        command += [part, silence]
    return command + [out]


def main():
    os.makedirs(os.path.join(FIXTURES, "dev"), exist_ok=True)
    models = {name: WhisperModel(os.path.join(MODELS, name), device="cpu", compute_type="float32", cpu_threads=2)
              for name in ("tiny.en", "base")}
    out = {"settings": "faster-whisper, float32, beam 1, temperature 0, without_timestamps, no VAD, language given",
           "dialogue": [], "words": []}
    for name, language, voice, text in DIALOGUE:
        path = speak(name, voice, text)
        entry = {"clip": name, "language": language, "reference": text, "base": run(models["base"], path, language)[0]}
        if language == "en":
            entry["tiny.en"] = run(models["tiny.en"], path, None)[0]
        out["dialogue"].append(entry)
    for clip in sorted(f[:-4] for f in os.listdir(LIBRIVOX) if f.endswith(".wav")):
        text, times = run(models["base"], os.path.join(LIBRIVOX, clip + ".wav"), "en", words=True)
        out["words"].append({"clip": clip, "text": text, "words": times})
    # Long form: the read speech and the English dialogue as one 40 s recording (sox, 1 s of
    # silence after each clip), decoded in 30 s windows with timestamps.
    parts = [os.path.join(LIBRIVOX, c + ".wav") for c in sorted(f[:-4] for f in os.listdir(LIBRIVOX) if f.endswith(".wav"))]
    parts += [os.path.join(FIXTURES, "dev", name + ".wav") for name, language, _, _ in DIALOGUE if language == "en"]
    long_wav = os.path.join(FIXTURES, "dev", "long.tmp.wav")
    subprocess.run(long_recording_command(parts, long_wav, long_wav + ".silence.wav"), check=True)
    os.remove(long_wav + ".silence.wav")
    segments, _ = models["base"].transcribe(long_wav, beam_size=1, temperature=0, without_timestamps=False,
                                            condition_on_previous_text=False, vad_filter=False, language="en")
    segments = list(segments)
    os.remove(long_wav)
    out["long"] = {"parts": [os.path.relpath(p, FIXTURES) if p.startswith(FIXTURES) else p for p in parts],
                   "text": " ".join(s.text.strip() for s in segments),
                   "segments": [[round(s.start, 2), round(s.end, 2), s.text.strip()] for s in segments]}
    with open(os.path.join(FIXTURES, "dev-oracle.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.join(FIXTURES, "dev-oracle.json"))


if __name__ == "__main__":
    main()
