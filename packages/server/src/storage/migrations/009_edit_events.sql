-- What each change to a student's code was, kept apart from the Yjs history (which compaction
-- coarsens): for the timeline, the paste signal and the analytics. One row per save of a
-- student's typing ('edit'), per paste ('paste': an insertion of 80+ characters at once) and
-- per save of someone else's typing in the student's document ('teacher_edit').

create table edit_events (
  id bigserial primary key,
  session_id uuid not null references sessions (id) on delete cascade,
  student_id uuid not null references users (id) on delete cascade,
  -- Who made the change: the student, or the teacher (an admin) helping.
  author_id uuid references users (id) on delete set null,
  kind text not null check (kind in ('edit', 'paste', 'teacher_edit')),
  -- When the last change of the row was made (for a paste: when it was made).
  at timestamptz not null,
  -- Changes (transactions, about one per keystroke) the row stands for.
  changes integer not null default 1 check (changes >= 0),
  -- Characters inserted by typing (a paste's length for 'paste') and deleted.
  inserted integer not null default 0 check (inserted >= 0),
  deleted integer not null default 0 check (deleted >= 0)
);
create index edit_events_student on edit_events (session_id, student_id, at);

-- Retention (OBSERVER_HISTORY_RETENTION_DAYS): when an ended session's history and run output
-- were pruned, so the nightly job does each session once.
alter table sessions add column history_pruned_at timestamptz;
