-- AI help the teacher controls, and GitHub (issue 12). Secrets (API keys, GitHub tokens) are
-- stored only encrypted (AES-256-GCM, secrets/secret-box.ts): the columns hold "v1:" and
-- base64, never a key.

-- A teacher's AI provider: one row per teacher (or admin).
create table ai_settings (
  user_id uuid primary key references users (id) on delete cascade,
  provider text not null check (provider in ('openai', 'anthropic', 'google', 'openai-compatible')),
  model text not null,
  base_url text,
  -- The API key, encrypted; null when none is set (an OpenAI-compatible server may need none).
  api_key_encrypted text,
  -- The key's last 4 characters, to show it masked without decrypting it.
  api_key_last4 text,
  updated_at timestamptz not null default now()
);

-- Per session: questions per student per hour (null: no limit); archive to GitHub at the end.
alter table sessions
  add column ai_questions_per_hour integer check (ai_questions_per_hour between 1 and 1000),
  add column archive_on_end boolean not null default false,
  add column archive_repo text;

-- Every question a student asked the AI and its answer: the teacher's log, the export, the limit.
create table ai_exchanges (
  id uuid primary key,
  session_id uuid not null references sessions (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  kind text not null check (kind in ('hint', 'explain_error', 'question')),
  -- The mode the session was in when it was asked.
  mode text not null check (mode in ('hints', 'full')),
  message text not null default '',
  -- The answer as the student got it (after hints mode's cut), grown as it streams.
  answer text not null default '',
  status text not null default 'streaming'
    check (status in ('streaming', 'answered', 'failed', 'cancelled')),
  error text,
  cut boolean not null default false,
  asked_at timestamptz not null default now(),
  finished_at timestamptz
);
create index ai_exchanges_session on ai_exchanges (session_id, asked_at);
create index ai_exchanges_student on ai_exchanges (user_id, asked_at);

-- A user's linked GitHub account.
create table github_accounts (
  user_id uuid primary key references users (id) on delete cascade,
  github_id bigint not null unique,
  login text not null,
  -- The OAuth access token, encrypted.
  token_encrypted text not null,
  scopes text not null default '',
  linked_at timestamptz not null default now()
);

-- The OAuth `state` of a sign-in or link under way: single use, short-lived.
create table oauth_states (
  state text primary key,
  -- 'login' (anyone), or 'link' to the account that started it.
  intent text not null check (intent in ('login', 'link')),
  user_id uuid references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  used_at timestamptz
);

-- A student's repository for a session's saves ("save to GitHub"): created once, committed to again.
create table github_repos (
  session_id uuid not null references sessions (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  repo text not null,
  last_commit_url text,
  saved_at timestamptz not null default now(),
  primary key (session_id, user_id)
);
