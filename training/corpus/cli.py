"""`migrate train corpus`: build the training corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("corpus")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="output folder (train/validation/test.jsonl, manifest.json)")
@click.option("--hammerdb", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="a HammerDB checkout (src/mssqlserver/*.tcl, src/oracle/*.tcl)")
@click.option("--flashcards", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="flashcard folder (default: the bundled corpus/flashcards)")
@click.option("--no-flashcards", is_flag=True, help="leave the flashcards out")
@click.option("--tsql", "tsql", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="a T-SQL tree to generate pairs from with the rules (repeatable)")
@click.option("--augment", type=int, default=1, show_default=True, help="identifier-renamed copies per T-SQL tree")
@click.option("--repair/--no-repair", default=True, show_default=True, help="self-repair pairs")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--split", default="0.8,0.1,0.1", show_default=True, help="train,validation,test ratios")
def corpus(out, hammerdb, flashcards, no_flashcards, tsql, augment, repair, seed, split):
    """Build the training corpus from HammerDB, the flashcards and rule-generated pairs."""
    from training.corpus.build import CorpusOptions, build_corpus

    try:
        ratios = tuple(float(x) for x in split.split(","))
        if len(ratios) != 3 or abs(sum(ratios) - 1.0) > 1e-6 or min(ratios) < 0:
            raise ValueError
    except ValueError:
        raise click.BadParameter("three non-negative ratios adding up to 1, e.g. 0.8,0.1,0.1", param_hint="--split")
    opts = CorpusOptions(out=out, hammerdb=hammerdb, flashcards=flashcards, no_flashcards=no_flashcards,
                         tsql=list(tsql), augment=augment, repair=repair, seed=seed, ratios=ratios)
    try:
        manifest = build_corpus(opts, log=lambda m: click.echo(m, err=True))
    except Exception as e:  # noqa: BLE001 - a clear message, exit 2
        click.echo(f"error: {type(e).__name__}: {e}", err=True)
        sys.exit(2)
    c = manifest["counts"]
    click.echo(f"{c['total']} pairs ({c['duplicates_removed']} duplicates removed): "
               + ", ".join(f"{k} {v}" for k, v in c["by_split"].items())
               + f"; dataset {manifest['dataset_version'][:12]} -> {out}")
