-- =============================================================================
-- 60_vault.sql — supabase_vault stand-in (DEVSTACK ONLY)
--
-- Debian has neither supabase_vault nor pgsodium. This recreates the interface
-- of supabase_vault 0.3.x with its real names and signatures:
--   vault.secrets, vault.decrypted_secrets,
--   vault.create_secret(new_secret, new_name, new_description, new_key_id) -> uuid
--   vault.update_secret(secret_id, new_secret, new_name, new_description, new_key_id)
--
-- !!! THIS STAND-IN DOES NOT ENCRYPT ANYTHING. !!!
-- vault.secrets.secret holds the plain text and decrypted_secret is simply that
-- column. Real Vault stores base64 ciphertext (XChaCha20 with a key outside the
-- database) in `secret`. Use it only with local development secrets.
--
-- Privileges as supabase/postgres 20221207154255_create_vault + vault 0.3.x:
-- postgres may read/delete secrets and call create/update (with grant option);
-- anon, authenticated and service_role get nothing.
-- =============================================================================

create schema vault authorization supabase_admin;

create table vault.secrets (
  id          uuid primary key default gen_random_uuid(),
  name        text,
  description text not null default '',
  secret      text not null,
  key_id      uuid,
  nonce       bytea default extensions.gen_random_bytes(24),
  created_at  timestamptz not null default current_timestamp,
  updated_at  timestamptz not null default current_timestamp
);
comment on table vault.secrets is
  'Table with encrypted `secret` column for storing sensitive information on disk. (Devstack stand-in: NOT encrypted.)';
create unique index secrets_name_idx on vault.secrets (name) where name is not null;

-- Same column list as the real view; decrypted_secret = secret here.
create view vault.decrypted_secrets as
select s.id,
       s.name,
       s.description,
       s.secret,
       s.secret as decrypted_secret,
       s.key_id,
       s.nonce,
       s.created_at,
       s.updated_at
  from vault.secrets as s;

create function vault.create_secret(
  new_secret      text,
  new_name        text default null,
  new_description text default '',
  new_key_id      uuid default null   -- accepted and ignored, as in vault 0.3
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $fn$
declare
  secret_id uuid;
begin
  insert into vault.secrets (secret, name, description)
  values (new_secret, new_name, new_description)
  returning id into secret_id;
  return secret_id;
end;
$fn$;

create function vault.update_secret(
  secret_id       uuid,
  new_secret      text default null,
  new_name        text default null,
  new_description text default null,
  new_key_id      uuid default null   -- accepted and ignored, as in vault 0.3
)
returns void
language plpgsql
security definer
set search_path = ''
as $fn$
begin
  update vault.secrets as s
     set secret      = coalesce(new_secret, s.secret),
         name        = coalesce(new_name, s.name),
         description = coalesce(new_description, s.description),
         updated_at  = now()
   where s.id = secret_id;
end;
$fn$;

revoke all on function vault.create_secret(text, text, text, uuid) from public;
revoke all on function vault.update_secret(uuid, text, text, text, uuid) from public;

grant usage on schema vault to postgres with grant option;
grant select, delete on vault.secrets, vault.decrypted_secrets to postgres with grant option;
grant execute on function vault.create_secret(text, text, text, uuid) to postgres with grant option;
grant execute on function vault.update_secret(uuid, text, text, text, uuid) to postgres with grant option;
