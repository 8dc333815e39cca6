"""The fine-tuned model in the pipeline: prompt (shared with training), backends, routing,
guardrails. Heavy libraries (torch, transformers, vllm, openai) are imported lazily: converting
without a model never imports them."""
