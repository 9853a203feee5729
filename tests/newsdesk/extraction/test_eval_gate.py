"""Extraction quality gate: the shared benchmarks and the annotated set must not fall below the floors in tests/eval_baseline.json."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FLOORS = json.loads((REPO / "tests" / "eval_baseline.json").read_text())


def _shared_bench() -> Path | None:
    """NEWSDESK_SHARED_BENCH, else a shared/bench folder beside the checkout or one of its parents."""
    if os.environ.get("NEWSDESK_SHARED_BENCH"):
        return Path(os.environ["NEWSDESK_SHARED_BENCH"])
    for parent in REPO.parents:
        if (parent / "shared" / "bench" / "extraction" / "score.py").exists():
            return parent / "shared" / "bench"
    return None


SHARED_BENCH = _shared_bench()


@pytest.fixture(scope="module")
def figures() -> dict:
    if SHARED_BENCH is None or not (SHARED_BENCH / "extraction" / "score.py").exists():
        # The benchmarks are third-party data kept outside the repo (never copied in), so a clone
        # without them cannot run the gate; unlike Redis or Elasticsearch, CI cannot install them.
        pytest.skip(f"SKIPPED LOUDLY: shared benchmarks not found (set NEWSDESK_SHARED_BENCH; looked beside {REPO})")
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "extraction.py"), "--shared", str(SHARED_BENCH), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


@pytest.mark.eval
@pytest.mark.timeout(600)
def test_body_extraction_stays_above_its_floor(figures):
    ours = figures["body"]["newsdesk"]
    assert ours["f1"] >= FLOORS["body_f1"], ours
    assert ours["precision"] >= FLOORS["body_precision"], ours
    assert ours["f1"] > figures["body"]["trafilatura"]["f1"], "newsdesk must beat plain trafilatura on body F1"


@pytest.mark.eval
@pytest.mark.timeout(600)
def test_quote_attribution_stays_above_its_floor(figures):
    quotes = figures["quotes"]
    assert quotes["direct+mixed"]["e2e"]["f1"] >= FLOORS["quotes_direct_mixed_e2e_f1"], quotes["direct+mixed"]["e2e"]
    assert quotes["direct"]["e2e"]["f1"] >= FLOORS["quotes_direct_e2e_f1"], quotes["direct"]["e2e"]
    detection = quotes["direct+mixed"]["detection"]
    assert detection["precision"] >= FLOORS["quotes_direct_mixed_detection_precision"], detection


# --- the annotated set (bench/annotated/, kept in the repo, so this part never skips) --------------------------
@pytest.fixture(scope="module")
def annotated() -> dict:
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "annotated.py"), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def test_annotated_set_credits_and_authors_stay_above_their_floors(annotated):
    fields, accuracy = annotated["fields"], annotated["accuracy"]
    assert annotated["pages"] >= 40
    assert fields["credits"]["recall"] >= FLOORS["annotated_credits_recall"], fields["credits"]
    assert fields["credits"]["precision"] >= FLOORS["annotated_credits_precision"], fields["credits"]
    assert accuracy["authors exact"]["accuracy"] >= FLOORS["annotated_authors_exact"], accuracy["authors exact"]
    assert fields["images"]["recall"] >= FLOORS["annotated_images_recall"], fields["images"]
    for key in ("image photographer", "image agency"):
        assert accuracy[key]["accuracy"] >= FLOORS["annotated_image_credit_accuracy"], (key, accuracy[key])
    assert accuracy["section"]["accuracy"] >= FLOORS["annotated_section_accuracy"], accuracy["section"]


def test_annotated_set_quotes_stay_above_their_floors(annotated):
    quotes, speaker = annotated["fields"]["quotes"], annotated["accuracy"]["quote speaker"]
    assert quotes["precision"] >= FLOORS["annotated_quotes_precision"], quotes
    assert quotes["recall"] >= FLOORS["annotated_quotes_recall"], quotes
    assert speaker["accuracy"] >= FLOORS["annotated_quote_speaker_accuracy"], speaker
