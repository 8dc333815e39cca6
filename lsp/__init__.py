"""Language server for T-SQL → Oracle migration (pygls). Planned in issue 5; not implemented yet."""
