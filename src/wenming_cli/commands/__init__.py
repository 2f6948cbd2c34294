"""The `wenming` commands, one module per stage of the pipeline; each registers its commands on
`cli.app` when imported (`cli` imports them all, in the order `wenming --help` lists them)."""
