"""A tiny Llama-architecture model and a byte-level BPE tokenizer, built in code.

Tests (and ``model.build_tiny: true`` in a training config) use it where no hub is reachable: the
tokenizer is trained with ``tokenizers`` on the texts given (the corpus), the model is a randomly
initialised ``LlamaForCausalLM``. Both are saved with ``save_pretrained`` so every later step
(SFT, the transformers backend, packaging) loads them exactly like a real base model.

The chat template marks the assistant turn with ``{% generation %}`` so trl's
``assistant_only_loss`` trains on the answer and its end-of-turn token only.
"""

from __future__ import annotations

from pathlib import Path

BOS, EOS, PAD, UNK = "<|bos|>", "<|end|>", "<|pad|>", "<|unk|>"
ROLE_TOKENS = ("<|system|>", "<|user|>", "<|assistant|>")
SPECIAL_TOKENS = [PAD, UNK, BOS, EOS, *ROLE_TOKENS]

# One turn: <|role|>\n content <|end|>\n ; the assistant's content and its <|end|> are the trained part.
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "{{ '<|assistant|>\n' }}{% generation %}{{ message['content'] }}{{ eos_token }}{% endgeneration %}{{ '\n' }}"
    "{% else %}"
    "{{ '<|' + message['role'] + '|>\n' }}{{ message['content'] }}{{ eos_token }}{{ '\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)


def train_tokenizer(texts: list[str], vocab_size: int = 512):
    """A byte-level BPE tokenizer trained on ``texts``, wrapped as a transformers fast tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=None, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=max(vocab_size, 256 + len(SPECIAL_TOKENS)),
                                  special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(list(texts) or [" "], trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS, eos_token=EOS, pad_token=PAD,
                                   unk_token=UNK, additional_special_tokens=list(ROLE_TOKENS),
                                   model_max_length=4096, padding_side="left")
    fast.chat_template = CHAT_TEMPLATE
    return fast


def build_tiny_model(out_dir, texts: list[str], *, vocab_size: int = 512, hidden_size: int = 64,
                     layers: int = 2, heads: int = 4, seed: int = 0, max_positions: int = 4096,
                     initializer_range: float = 0.1) -> Path:
    """Train the tokenizer on ``texts``, build a random-init Llama, save both into ``out_dir``.

    ``initializer_range`` is larger than Llama's 0.02: with a tiny hidden size and a frozen
    ``lm_head``, 0.02 bounds the logits so tightly that a LoRA cannot lower the loss much.
    """
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer(texts, vocab_size=vocab_size)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=hidden_size, intermediate_size=hidden_size * 2,
                         num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=heads,
                         max_position_embeddings=max_positions, tie_word_embeddings=False,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id, initializer_range=initializer_range)
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.generation_config = GenerationConfig(bos_token_id=tokenizer.bos_token_id,
                                               eos_token_id=tokenizer.eos_token_id,
                                               pad_token_id=tokenizer.pad_token_id)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
