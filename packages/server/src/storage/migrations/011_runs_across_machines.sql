-- Runs across machines (issue 13). `instance_id`: the server instance that records the run (its
-- heartbeat in Redis says whether it is alive; another instance adopts the runs of one that
-- died). `failure_reason`: why a `failed` run could not be carried to its end ("runner lost",
-- "server restarted"). The partial index serves the sweep of unfinished runs.

alter table runs add column instance_id text;
alter table runs add column failure_reason text;

create index runs_unfinished_idx on runs (instance_id) where status in ('queued', 'compiling', 'running');
