"""Writes Tests/Fixtures/recognition/oracle.json: faster-whisper's transcripts of the test clips
(real read speech from Debian's pocketsphinx-testdata, as recorded and as 8 kHz µ-law telephony
made with sox), with the same model files and decoding settings as our engine: greedy,
temperature 0, no timestamps, no VAD, no conditioning on previous text.
Run: python3 tools/asr/make-oracle.py   (needs `pip install faster-whisper`, models from tools/fetch-models)."""
import json
import os
import subprocess
import tempfile

from faster_whisper import WhisperModel

DATA = "/usr/share/pocketsphinx/test/data/librivox"
MODELS = os.environ.get("TAPEDECK_MODELS", os.path.expanduser("~/.cache/tapedeck/models"))


def references():
    refs = {}
    for line in open(os.path.join(DATA, "transcription")):
        line = line.strip()
        text, _, clip = line.rpartition("(")
        refs[clip.rstrip(")")] = text.replace("<s>", "").replace("</s>", "").strip()
    return refs


def transcribe(model, path, language):
    segments, info = model.transcribe(path, beam_size=1, temperature=0, without_timestamps=True,
                                      condition_on_previous_text=False, vad_filter=False, language=language)
    return " ".join(s.text.strip() for s in segments).strip(), info.language


def main():
    out = {"settings": "faster-whisper 1.2.1, float32, beam 1, temperature 0, without_timestamps, no VAD", "clips": []}
    refs = references()
    models = {name: WhisperModel(os.path.join(MODELS, name), device="cpu", compute_type="float32", cpu_threads=2)
              for name in ("tiny.en", "base")}
    with tempfile.TemporaryDirectory() as tmp:
        for clip in sorted(refs):
            wav = os.path.join(DATA, clip + ".wav")
            phone = os.path.join(tmp, clip + "-8k.wav")
            subprocess.run(["sox", wav, "-r", "8000", "-e", "u-law", phone], check=True)
            entry = {"clip": clip, "reference": refs[clip]}
            for name, model in models.items():
                text, language = transcribe(model, wav, "en" if name == "base" else None)
                entry[name] = text
                phone_text, _ = transcribe(model, phone, "en" if name == "base" else None)
                entry[name + "-8k"] = phone_text
            _, detected = transcribe(models["base"], wav, None)
            entry["base-detected-language"] = detected
            out["clips"].append(entry)
    path = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "recognition", "oracle.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
