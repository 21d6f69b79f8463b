-- Program runs: who ran what for whom, how it ended, and its terminal output (capped at 1 MB),
-- for the dashboard's last-run tiles and later analytics.

create table runs (
  id uuid primary key,
  session_id uuid not null references sessions (id) on delete cascade,
  -- The student the run is for; started_by differs when the teacher runs a student's code.
  user_id uuid not null references users (id) on delete cascade,
  started_by uuid not null references users (id) on delete cascade,
  language text not null check (language in ('python', 'javascript', 'c', 'cpp', 'java')),
  -- SHA-256 (hex) of the code as submitted.
  code_hash text not null check (code_hash ~ '^[0-9a-f]{64}$'),
  status text not null default 'queued'
    check (status in ('queued', 'compiling', 'running', 'finished', 'failed')),
  queued_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  duration_ms integer,
  exit_code integer,
  signal text,
  timed_out boolean not null default false,
  output_truncated boolean not null default false,
  killed_for text check (killed_for in ('memory', 'output', 'time', 'user')),
  phase text check (phase in ('compile', 'run')),
  output text not null default ''
);
create index runs_session_user on runs (session_id, user_id, queued_at desc);
create index runs_started_by on runs (started_by, queued_at desc);
