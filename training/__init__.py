"""Corpus building, LoRA fine-tuning, evaluation and packaging of the model. Planned in issue 6; not implemented yet."""
