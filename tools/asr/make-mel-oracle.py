"""Writes Tests/Fixtures/recognition/mel-oracle.json: faster-whisper's log-mel features for a
fixed synthetic signal, the reference our Swift front end is tested against.
Run: python3 tools/asr/make-mel-oracle.py   (needs `pip install faster-whisper`)."""
import json
import math
import os

import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor

rate = 16000
t = np.arange(rate * 2) / rate
# A tone, a chirp and a little deterministic noise: exercises every mel band.
signal = 0.3 * np.sin(2 * math.pi * 440 * t) + 0.2 * np.sin(2 * math.pi * (200 + 1800 * t) * t)
rng = np.random.default_rng(7)
signal = (signal + 0.01 * rng.standard_normal(signal.shape)).astype(np.float32)
extractor = FeatureExtractor(feature_size=80)
padded = np.concatenate([signal, np.zeros(rate * 30 - len(signal), dtype=np.float32)])
features = extractor(padded)  # (80, 3000)
frames = 250
out = {
    "rate": rate,
    "samples": [round(float(x), 7) for x in signal],
    "frames": frames,
    "mel": [[round(float(v), 5) for v in features[:, i]] for i in range(frames)],
    "shape": list(features.shape),
}
path = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "recognition", "mel-oracle.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", path, features.shape)
