"""Review sub-commands: `annotator attach`, `annotator agreement`, `annotator review queue|accept|
accept-identical|gui`."""

from __future__ import annotations

import sys

import click

from annotator.cli.common import db_path_of, open_store, require_display
from annotator.core.strict_json import dumps_strict

AGREEMENT_HELP = """Agreement between annotators (default: every human annotator with worked-on sets; --include-model
adds the model's pre-extraction) on the documents two or more of them worked on.

\b
Entities: pairwise precision/recall/F1 (first annotator = reference), exact (same span and label) and
  overlap (same label, shared character, one-to-one); Krippendorff's alpha, nominal, character level
  (non-whitespace characters; unlabelled = "O"), overall and per label (label vs rest).
Quotes: matched when content overlap / union >= 0.5; P/R/F1, then speaker, cue and type agreement on
  matched quotes.
Document tags: Cohen's kappa (two annotators) or Fleiss' kappa (more), per tag and pooled.
Span tags (tags on entities and quotes): percentage agreement on matched spans, not kappa: entities
  with the same boundaries (any label), quotes matched as above; per (matched span, tag) that at least
  one of the pair gave, agreement = both gave it. Per tag and overall, entity and quote tags apart.
Documents are listed most disagreement first."""


def _fmt(value) -> str:
    from annotator.review.kappa import format_coefficient

    return format_coefficient(value)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def print_report(report, *, top: int) -> None:
    from annotator.review.agreement import MIN_DOCUMENTS

    click.echo(f"Annotators: {', '.join(report.annotators)} — {len(report.documents)} documents compared")
    if not report.documents:
        click.echo("No document has versions from two or more of these annotators.")
        for warning in report.warnings():
            click.echo(f"\nwarning: {warning}")
        return
    click.echo("\nEntities (pairwise; exact / overlap matching)")
    rows = []
    for (a, b), per in report.entity_exact.items():
        overlap = report.entity_overlap[(a, b)]
        for label, prf in per.items():
            o = overlap.get(label)
            rows.append([f"{a} vs {b}", label, prf.tp, prf.fp, prf.fn, _fmt(prf.precision), _fmt(prf.recall),
                         _fmt(prf.f1), _fmt(o.f1) if o else "n/a"])
    click.echo(_table(rows, ["pair", "label", "tp", "fp", "fn", "P", "R", "F1 exact", "F1 overlap"]))
    click.echo("\nKrippendorff's alpha (nominal, character level)")
    click.echo(_table([[label, _fmt(v)] for label, v in report.entity_alpha.items()], ["label", "alpha"]))
    click.echo("\nQuotes (content overlap/union >= 0.5)")
    rows = [[f"{a} vs {b}", q.prf.tp, q.prf.fp, q.prf.fn, _fmt(q.prf.precision), _fmt(q.prf.recall), _fmt(q.prf.f1),
             _fmt(q.speaker.value), _fmt(q.cue.value), _fmt(q.type.value)] for (a, b), q in report.quotes.items()]
    click.echo(_table(rows, ["pair", "tp", "fp", "fn", "P", "R", "F1", "speaker", "cue", "type"]))
    name = "Cohen's" if report.tag_method == "cohen" else "Fleiss'"
    few = " — too little data, see the warning below" if report.tag_documents < MIN_DOCUMENTS else ""
    click.echo(f"\nDocument tags ({name} kappa over {report.tag_documents} documents{few})")
    tag_rows = [[tag, _fmt(v)] for tag, v in report.tag_kappa.items()]
    click.echo(_table(tag_rows, ["tag", "kappa"]))
    span_rows = [[scope, tag, ratio.agree, ratio.total, _fmt(ratio.value)]
                 for scope, per in report.span_tags.items() for tag, ratio in per.items() if ratio.total]
    click.echo("\nSpan tags (percentage agreement on matched spans)")
    click.echo(_table(span_rows, ["on", "tag", "agree", "judged", "agreement"]) if span_rows
               else "No tags on spans two annotators both marked.")
    for warning in report.warnings():
        click.echo(f"\nwarning: {warning}")
    click.echo(f"\nDocuments by disagreement (top {min(top, len(report.documents))})")
    rows = [[d.doc_id, d.title[:40], d.disagreements, d.items, _fmt(d.entity_f1), _fmt(d.entity_alpha),
             _fmt(d.quote_f1), _fmt(d.speaker)] for d in report.documents[:top]]
    click.echo(_table(rows, ["doc", "title", "disagree", "items", "ent F1", "alpha", "quote F1", "speaker"]))


def _ids(doc_ids, limit: int = 20) -> str:
    shown = ", ".join(map(str, doc_ids[:limit]))
    return shown + (f" and {len(doc_ids) - limit} more" if len(doc_ids) > limit else "")


def _check_known(store, names) -> None:
    """Refuse (one line) an annotator named twice or not in the database: comparing someone with themselves, or
    with nobody, would print figures about nothing."""
    known = {a.name for a in store.annotators()}
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise click.ClickException(f"annotator {name!r} is named twice; compare two different annotators")
        seen.add(name)
        if name not in known:
            raise click.ClickException(f"no annotator named {name!r} (known: {', '.join(sorted(known)) or 'none'})")


@click.command(help=AGREEMENT_HELP)
@click.option("--annotators", "-a", multiple=True, help="Compare these annotators (repeat, or give several).")
@click.option("--labels", "-l", multiple=True, help="Only these entity labels.")
@click.option("--include-model", is_flag=True, help="Add the model's pre-extraction as one more version.")
@click.option("--json", "as_json", is_flag=True, help="Print everything as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print flat rows as CSV.")
@click.option("--top", default=20, show_default=True, help="Documents listed in the table.")
@click.argument("more", nargs=-1, metavar="[ANNOTATOR]...")
@click.pass_context
def agreement(ctx, annotators, labels, include_model, as_json, as_csv, top, more):
    from annotator.review.agreement import compute_agreement

    names = [*annotators, *more] or None
    with open_store(ctx, readonly=True) as store:
        _check_known(store, names or [])
        report = compute_agreement(store, annotators=names, labels=list(labels) or None, include_model=include_model)
    if as_json:
        click.echo(dumps_strict(report.as_dict(), indent=2, ensure_ascii=False))
    elif as_csv:
        for warning in report.warnings():  # the table stays machine-readable; the warning still shows
            click.echo(f"warning: {warning}", err=True)
        from annotator.core.spreadsheet import write_csv

        rows = list(report.csv_rows())  # names and labels are people's text: neutralised against CSV injection
        write_csv(sys.stdout, rows, list(rows[0]) if rows else ["scope"])
    else:
        print_report(report, top=top)


@click.command()
@click.argument("other", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "as_name", default=None, help="Name for OTHER's annotator (one) or suffix for clashing names.")
@click.pass_context
def attach(ctx, other, as_name):
    """Copy every human annotator's sets from OTHER (an annotator database, opened read-only) into this
    database, each annotator kept separate (a clashing name gets @OTHER). Running it again refreshes them.
    OTHER's gold sets (its review, a Prodigy review's gold@REVIEWER) and model sets are left behind, and the
    summary names them."""
    from annotator.core.names import annotator_name_problem
    from annotator.core.store import StoreError
    from annotator.review.attach import attach_database

    # the rule every annotator name follows (core/names.py), before anything opens: a name the store would trim
    # crashed, and a suffix "  x" made "alice@  x" (README audit s4 #2)
    if as_name is not None and (problem := annotator_name_problem(as_name)):
        raise click.BadParameter(problem, param_hint="--as")
    with open_store(ctx) as store:
        try:
            report = attach_database(store, other, as_name=as_name)
        except StoreError as error:
            raise click.ClickException(str(error)) from None
    click.echo(report.summary())


@click.group()
def review():
    """Adjudicate: list documents by disagreement, accept versions into the gold set, open review mode."""


def _gold_options(function):
    function = click.option("--gold", default="gold", show_default=True, help="The gold annotator written to.")(function)
    function = click.option("--annotators", "-a", multiple=True, help="Versions compared (default: all human).")(function)
    function = click.option("--include-model", is_flag=True, help="Count the model's pre-extraction as a version.")(function)
    return function


@review.command()
@_gold_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def queue(ctx, gold, annotators, include_model, as_json):
    """Documents with two or more versions, the most unresolved disagreement first. A rejected version is listed
    as NAME (rejected) and not compared item by item; accept versus reject counts as one disagreement."""
    from annotator.review.adjudication import review_queue

    with open_store(ctx, readonly=True) as store:
        _check_known(store, annotators)
        entries = review_queue(store, gold=gold, annotators=list(annotators) or None, include_model=include_model)
    if as_json:
        click.echo(dumps_strict([{"doc_id": e.doc_id, "title": e.title, "annotators": e.annotators,
                                "disagreements": e.disagreements, "unresolved": e.unresolved, "items": e.items,
                                "gold_status": e.gold_status.value if e.gold_status else None,
                                "rejected": e.rejected, "review_verdicts": e.review_verdicts} for e in entries],
                              indent=2, ensure_ascii=False))
        return
    rows = [[e.doc_id, e.title[:50], ",".join([*e.annotators, *(f"{n} (rejected)" for n in e.rejected)]),
             e.disagreements, e.unresolved,
             "; ".join(([e.gold_status.value] if e.gold_status else []) + [f"review {v}" for v in e.review_verdicts])
             or "-"] for e in entries]
    click.echo(_table(rows, ["doc", "title", "versions", "disagree", "unresolved", "gold"]) if rows
               else "Nothing to review: no document has two or more versions.")


@review.command()
@click.argument("doc_id", type=int)
@click.option("--from", "source", required=True, help="The annotator whose whole version becomes gold.")
@click.option("--as", "reviewer", required=True, help="Who decides (recorded with the decision).")
@click.option("--allow-rejected", is_flag=True,
              help="Accept a version its annotator rejected: the reviewer confirms the rejection (gold is marked "
              "rejected, so training leaves the document out).")
@click.option("--override-review", is_flag=True,
              help="Accept although another review (a Prodigy review's gold@REVIEWER) rejected or skipped the "
              "document: the new gold overrides that verdict and the document goes back into training.")
@_gold_options
@click.pass_context
def accept(ctx, doc_id, source, reviewer, allow_rejected, override_review, gold, annotators, include_model):
    """Accept one annotator's whole version of DOC_ID as the gold set (marked done). A version its annotator
    rejected is refused unless --allow-rejected, which confirms the rejection (gold marked rejected). A document
    another review rejected or skipped (gold@REVIEWER) is refused unless --override-review."""
    from annotator.core.ops import EditError
    from annotator.core.store import NotFoundError
    from annotator.review.adjudication import RejectedVersionError, Review, ReviewVerdictError

    from annotator.core.names import check_name
    from annotator.review.versions import check_gold_target

    check_name(reviewer, "reviewer name")
    with open_store(ctx, must_exist=True) as store:
        check_gold_target(store, gold)
        _check_known(store, annotators)
        try:
            names = list(annotators) or None
            if names is None and source == "model":
                include_model = True
            review_ = Review(store, doc_id, reviewer=reviewer, gold=gold, annotators=names, include_model=include_model)
            review_.accept_version(source, allow_rejected=allow_rejected, override_review=override_review)
        except ReviewVerdictError as error:
            raise click.ClickException(f"{error}; give --override-review to do so") from None
        except RejectedVersionError as error:
            raise click.ClickException(f"{error}; accept another version, or give --allow-rejected to confirm the "
                                       "rejection (gold marked rejected)") from None
        except (EditError, NotFoundError) as error:
            raise click.ClickException(str(error)) from None
    if source in review_.rejected:
        click.echo(f"document {doc_id}: {source}'s rejected version accepted into {gold} by {reviewer}: gold is "
                   "marked rejected, so training exports leave the document out")
        return
    overriding = (f", overriding the review verdict {', '.join(review_.verdicts)}: the document goes back into "
                  "training") if review_.verdicts else ""
    click.echo(f"document {doc_id}: {source}'s version accepted into {gold} by {reviewer}{overriding}")


@review.command(name="accept-identical")
@click.option("--as", "reviewer", required=True, help="Who decides (recorded with each decision).")
@_gold_options
@click.pass_context
def accept_identical_command(ctx, reviewer, gold, annotators, include_model):
    """Accept, in bulk, every document whose versions all agree (and whose gold set is not done yet)."""
    from annotator.review.adjudication import accept_identical

    from annotator.core.names import check_name
    from annotator.review.versions import check_gold_target

    check_name(reviewer, "reviewer name")
    with open_store(ctx, must_exist=True) as store:
        check_gold_target(store, gold)
        _check_known(store, annotators)
        held: list[int] = []
        from annotator.review.versions import review_verdicts

        done = accept_identical(store, reviewer=reviewer, gold=gold, annotators=list(annotators) or None,
                                include_model=include_model, held_back=held)
        verdicts = {doc_id: review_verdicts(store, doc_id, gold) for doc_id in held}
    click.echo(f"{len(done)} document(s) accepted into {gold}" + (f": {', '.join(map(str, done))}" if done else ""))
    by_review = [d for d in held if verdicts[d]]
    by_person = [d for d in held if not verdicts[d]]
    if by_person:
        click.echo(f"{len(by_person)} document(s) left for review: someone rejected them (a reject never agrees "
                   f"with an annotation): {_ids(by_person)}")
    if by_review:
        said = sorted({v for d in by_review for v in verdicts[d]})
        click.echo(f"{len(by_review)} document(s) left for review: a review verdict keeps them out of training "
                   f"({', '.join(said[:5])}{' …' if len(said) > 5 else ''}); `review accept --override-review` "
                   f"overrides it: {_ids(by_review)}")


@review.command(name="gui")
@click.option("--as", "reviewer", required=True, help="Who reviews.")
@click.option("--gold", default="gold", show_default=True)
@click.pass_context
def review_gui(ctx, reviewer, gold):
    """Open review mode: every version side by side, the queue, agreement charts."""
    from annotator.core.names import check_name
    from annotator.gui.app import run_review
    from annotator.review.versions import check_gold_target

    check_name(reviewer, "reviewer name")
    with open_store(ctx, readonly=True) as store:
        check_gold_target(store, gold)
    require_display()
    raise SystemExit(run_review(db_path_of(ctx), reviewer, gold=gold))


def register(group: click.Group) -> None:
    group.add_command(agreement)
    group.add_command(attach)
    group.add_command(review)
