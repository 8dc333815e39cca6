"""T-SQL front end: tokenizer, segmenter, sqlglot parser subclass."""
