-- Compacted history: one row of document_updates may stand for several saves merged into one
-- (the document as it was at its created_at, deleted text dropped). first_at is when the
-- earliest of those saves was made, merged_saves how many there were (1: an original save).
alter table document_updates add column merged_saves integer not null default 1;
alter table document_updates add column first_at timestamptz;
update document_updates set first_at = created_at;
alter table document_updates alter column first_at set not null;
alter table document_updates alter column first_at set default now();
