-- The help queue: hands raised by students. A hand waits, is claimed by whoever helps
-- (helping), then is resolved (or lowered by its student). Resolved hands stay as a record.

create table hands (
  id uuid primary key,
  session_id uuid not null references sessions (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  message text not null default '' check (char_length(message) <= 500),
  -- The line of the student's code they ask about (1-based), or null.
  line integer check (line between 1 and 262145),
  status text not null default 'waiting' check (status in ('waiting', 'helping', 'resolved')),
  -- Who claimed it (the session's teacher or an admin).
  helper_id uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  claimed_at timestamptz,
  resolved_at timestamptz
);
-- At most one open hand per student and session: raising again (even twice at once) finds it.
create unique index hands_one_open on hands (session_id, user_id) where status in ('waiting', 'helping');
-- The queue: open hands of a session in order of raising.
create index hands_queue on hands (session_id, created_at, id) where status in ('waiting', 'helping');
