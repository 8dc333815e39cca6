"""``migrate train``: fine-tune (``sft``), evaluate (``eval``) and package (``package``) the model.

The lead's ``migrator/cli.py`` registers :func:`train` (and adds ``corpus``). Everything heavy is
imported inside the commands. Exit codes: 0 success, 2 error (bad config, missing files).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _fail(e: Exception) -> None:
    click.echo(f"error: {type(e).__name__}: {e}", err=True)
    sys.exit(2)


@click.group("train")
def train():
    """Corpus, LoRA fine-tuning, evaluation and packaging of the model."""


@train.command("sft")
@click.option("-c", "--config", "config_path", required=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="the run YAML (training/configs/*.yaml)")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="override a config value, e.g. --set data.dir=corpus-out --set training.max_steps=10")
@click.option("--resume", is_flag=True, help="continue from the latest checkpoint in OUTPUT_DIR/checkpoints")
@click.option("--debug", is_flag=True, help="print the first examples' tokens with their label mask; train nothing")
@click.option("--debug-examples", type=int, default=2, show_default=True)
def sft(config_path, overrides, resume, debug, debug_examples):
    """LoRA fine-tuning with trl's SFTTrainer, loss on the assistant turn only."""
    from training.config import ConfigError, load_config

    try:
        cfg = load_config(config_path, list(overrides))
    except ConfigError as e:
        _fail(e)
    from training.sft import run_sft

    try:
        run_sft(cfg, debug=debug, debug_examples=debug_examples, resume=resume,
                log=lambda m: click.echo(m, err=not debug))
    except (OSError, ValueError, RuntimeError) as e:
        _fail(e)


@train.command("eval")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="corpus folder (test.jsonl, manifest.json)")
@click.option("--model", "models", multiple=True, help="a base model directory (repeatable)")
@click.option("--adapter", "adapters", multiple=True, help="a LoRA adapter or checkpoint on the --model (repeatable)")
@click.option("--run", "runs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="a training output folder (its run.json names base and adapter; repeatable)")
@click.option("--checkpoints", is_flag=True, help="with --run: every checkpoint-N too")
@click.option("--with-base/--no-base", default=False, show_default=True, help="also the base model alone")
@click.option("--split", default="test", show_default=True)
@click.option("--limit", type=int, help="first N records only")
@click.option("-o", "--out", "out_json", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("eval-results.json"), show_default=True, help="results JSON (predictions beside it)")
@click.option("--backend", type=click.Choice(["transformers", "vllm"]), default="transformers", show_default=True)
@click.option("--device", default="auto", show_default=True)
@click.option("--dtype", default="auto", show_default=True)
@click.option("--max-tokens", type=int, default=1024, show_default=True)
@click.option("--batch-size", type=int, default=8, show_default=True, help="transformers: prompts per generate call")
@click.option("--repair/--no-repair", default=True, show_default=True, help="one repair turn on validation errors")
@click.option("--candidates", type=int, default=1, show_default=True)
def eval_cmd(data_dir, models, adapters, runs, checkpoints, with_base, split, limit, out_json, backend, device,
             dtype, max_tokens, batch_size, repair, candidates):
    """Score models on a corpus split: offline-valid %, residue-free %, exact match, per category."""
    from rich.console import Console

    from training.evaluate import comparison_table, model_specs, run_eval

    if not models and not runs:
        _fail(click.UsageError("give --model and/or --run"))
    try:
        specs = model_specs(list(models), list(adapters), list(runs), with_base=with_base, checkpoints=checkpoints,
                            backend=backend, device=device, dtype=dtype, max_tokens=max_tokens,
                            extra={"batch_size": batch_size})
        result = run_eval(specs, data_dir, out_json, split=split, limit=limit, repair=repair, candidates=candidates,
                          log=lambda m: click.echo(m, err=True))
    except (OSError, ValueError, RuntimeError, KeyError) as e:
        _fail(e)
    Console().print(comparison_table(result))
    click.echo(f"results -> {out_json}")


@train.command("package")
@click.option("--adapter", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="the LoRA adapter (RUN/adapter or a checkpoint)")
@click.option("-o", "--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--base", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="base model directory (default: from the run's run.json)")
@click.option("--run", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="training output folder (default: the adapter's parent)")
@click.option("--merge/--separate", default=False, show_default=True,
              help="merge the adapter into the base weights, or serve it as a LoRA module")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="corpus folder, for the dataset version (default: from run.json)")
@click.option("--served-name", default="tsql2oracle", show_default=True)
@click.option("--dtype", default="auto", show_default=True,
              type=click.Choice(["auto", "bfloat16", "float16", "float32"]))
@click.option("--max-model-len", type=int, help="default: the training max_length")
@click.option("--max-num-seqs", type=int, default=32, show_default=True)
@click.option("--max-tokens", type=int, default=1024, show_default=True)
@click.option("--gpu-memory-utilization", type=float, default=0.9, show_default=True)
@click.option("--tensor-parallel-size", type=int, default=1, show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
def package_cmd(adapter, out, base, run, merge, data_dir, served_name, dtype, max_model_len, max_num_seqs,
                max_tokens, gpu_memory_utilization, tensor_parallel_size, port):
    """Merge (or keep) the adapter; write manifest.json, vllm.json, serve.sh and model-config.json."""
    from training.package import PackageOptions, package

    opts = PackageOptions(adapter=adapter, out=out, base=base, run=run, merge=merge, data_dir=data_dir,
                          served_name=served_name, dtype=dtype, max_model_len=max_model_len,
                          max_num_seqs=max_num_seqs, max_tokens=max_tokens,
                          gpu_memory_utilization=gpu_memory_utilization, tensor_parallel_size=tensor_parallel_size,
                          port=port)
    try:
        manifest = package(opts, log=lambda m: click.echo(m, err=True))
    except (OSError, ValueError, RuntimeError) as e:
        _fail(e)
    click.echo(json.dumps({"out": str(out), "mode": manifest["mode"], "vllm_command": manifest["vllm_command"]}))
