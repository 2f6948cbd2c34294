"""The intake desk (`wenming serve`, DESIGN.md §10): towns upload, see their problems at once,
confirm 报送; the county sees who is missing. `app` routes, `intake` checks uploads, `work` runs
in the worker processes, `board` is the county's table, `db` the server's records, `accounts`
the login codes, `security` the guards."""
