-- Accounts, logins (refresh-token families), coding sessions and their participants.

create table users (
  id uuid primary key,
  email text not null unique,
  name text not null,
  role text not null check (role in ('teacher', 'student', 'admin')),
  password_hash text not null,
  active boolean not null default true,
  created_at timestamptz not null default now()
);

-- One family per login; every refresh token of that login belongs to it.
create table refresh_families (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text
);
create index refresh_families_user on refresh_families (user_id);

-- Refresh tokens are stored as SHA-256 hashes; used_at marks a rotated token.
create table refresh_tokens (
  token_hash text primary key,
  family_id uuid not null references refresh_families (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index refresh_tokens_family on refresh_tokens (family_id);

-- Access tokens refused before they expire (logout).
create table revoked_access_tokens (
  jti uuid primary key,
  expires_at timestamptz not null
);

create table sessions (
  id uuid primary key,
  teacher_id uuid not null references users (id) on delete cascade,
  name text not null,
  join_code text not null,
  language text not null check (language in ('python', 'javascript', 'c', 'cpp', 'java')),
  starter_code text not null default '',
  status text not null default 'active' check (status in ('active', 'ended')),
  created_at timestamptz not null default now(),
  ended_at timestamptz
);
-- A join code is unique among active sessions; ended sessions may share old codes.
create unique index sessions_active_join_code on sessions (join_code) where status = 'active';
create index sessions_join_code on sessions (join_code, created_at desc);
create index sessions_teacher on sessions (teacher_id, created_at desc);

create table participants (
  session_id uuid not null references sessions (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  joined_at timestamptz not null default now(),
  primary key (session_id, user_id)
);
create index participants_user on participants (user_id, joined_at desc);
