"""Building the model that converts what the rules cannot: corpus (``training/corpus``), LoRA
fine-tuning (``sft``), evaluation through the inference path (``evaluate``) and packaging for
vLLM (``package``). ``migrate train ...`` is the command line (``training/cli.py``)."""
