-- Class controls: whether students may edit and run, whether they run only in the session's
-- language, whether the teacher's broadcast is shown, and how much AI help students get.
alter table sessions
  add column editing text not null default 'open' check (editing in ('open', 'locked')),
  add column running text not null default 'allowed' check (running in ('allowed', 'denied')),
  add column language_locked boolean not null default false,
  add column broadcast text not null default 'off' check (broadcast in ('on', 'off')),
  add column ai text not null default 'off' check (ai in ('off', 'hints', 'full'));
