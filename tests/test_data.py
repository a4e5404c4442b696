"""data/MANIFEST.md lists every data file with its source, licence and checksum."""
import hashlib
import re
from pathlib import Path

from convcourse import data_path, load_image

DATA = Path(__file__).resolve().parent.parent / "data"


def manifest_rows():
    rows = {}
    for line in (DATA / "MANIFEST.md").read_text().splitlines():
        m = re.match(r"\|\s*`([^`]+)`\s*\|(.*)\|\s*([0-9a-f]{64})\s*\|$", line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3))
    return rows


def test_manifest_lists_exactly_the_data_files():
    files = {p.name for p in DATA.iterdir() if p.is_file() and p.name != "MANIFEST.md"}
    assert set(manifest_rows()) == files


def test_checksums_and_licences():
    for name, (middle, sha) in manifest_rows().items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == sha, name
        assert "licen" in (DATA / "MANIFEST.md").read_text().lower()
        assert middle.count("|") == 2, f"{name}: what, source and licence columns expected"


def test_load_image_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # notebooks run from folders at other depths
    img = load_image("grace_hopper.jpg", size=100)
    assert img.ndim == 3 and img.shape[2] == 3 and max(img.shape[:2]) <= 100
    assert 0.0 <= img.min() and img.max() <= 1.0
    gray = load_image(gray=True, size=64)
    assert gray.ndim == 2


def test_missing_data_file_is_a_clear_error():
    import pytest
    with pytest.raises(FileNotFoundError, match="Available: .*grace_hopper.jpg"):
        data_path("no_such_file.png")
