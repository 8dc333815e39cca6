"""Training corpus: HammerDB pairs, hand-written flashcards, rule-generated pairs; dedupe,
splits, chat format (the inference prompt) and a manifest."""
