-- Live code: the Yjs state of each student document, and a timestamped log of its changes
-- (merged per store, about one row per second of typing) for playback.

create table documents (
  name text primary key,
  session_id uuid not null references sessions (id) on delete cascade,
  student_id uuid not null references users (id) on delete cascade,
  state bytea not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_edit_at timestamptz
);
create index documents_session on documents (session_id);

create table document_updates (
  id bigserial primary key,
  document_name text not null references documents (name) on delete cascade,
  created_at timestamptz not null default now(),
  update bytea not null
);
create index document_updates_document on document_updates (document_name, id);
