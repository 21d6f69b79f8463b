-- The wall-time limit of each program run in a session, in seconds (interactive default 30).
alter table sessions
  add column run_time_limit_seconds integer not null default 30
    check (run_time_limit_seconds between 1 and 600);
