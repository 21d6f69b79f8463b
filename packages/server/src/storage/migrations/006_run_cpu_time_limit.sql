-- A run stopped by its CPU time limit is told apart from one past its wall time
-- (killed_for 'cpu', timed_out false), with the limit that applied, for "CPU time limit (10 s) reached".
alter table runs drop constraint runs_killed_for_check;
alter table runs
  add constraint runs_killed_for_check check (killed_for in ('memory', 'output', 'time', 'user', 'cpu'));
alter table runs add column cpu_time_limit_ms integer check (cpu_time_limit_ms > 0);
