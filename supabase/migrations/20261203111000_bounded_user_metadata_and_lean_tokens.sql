-- user_metadata holds only what the portal uses, within bounds, and access tokens carry none of it.
--
-- Anyone signed in may write their own user_metadata (PUT /auth/v1/user `data`), and GoTrue copies
-- all of it into every access token. 2 MB of it made each token 2.8 MB, so every request,
-- including the one to undo it, failed with 431. Two rules, as GoTrue operators set them:
--
-- 1. A trigger on auth.users lets a write add or change only the keys the portal uses
--    (display_name: text of at most 200 characters, locale: de or en; either may be null) and
--    the ones GoTrue writes itself for e-mail accounts (sub, email, email_verified,
--    phone_verified), with their types.
--    Removing keys is always allowed, so an account written before this rule can clean up.
--    GoTrue answers a refused write as a database failure: 500 unexpected_failure "Error updating
--    user" for supabase-js (API version 2024-01-01); older clients see this error as 422 (PT422).
--    GoTrue itself refuses request bodies over 1 MiB (413 request_entity_too_large).
-- 2. The custom access token hook leaves user_metadata out of every access token. Nothing reads it
--    from there: policies use auth.uid() and tables, the app takes the user from Auth's answers.
--    The token stays the same size whatever an account's metadata, so a bloated account can still
--    sign in and clean up. Enabled in config.toml ([auth.hook.custom_access_token]).

create function private.user_metadata_refusal(new_metadata jsonb, old_metadata jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when new_metadata is null then null
    when jsonb_typeof(new_metadata) <> 'object' then 'user_metadata is a JSON object.'
    else (
      select format('Key "%s": %s', entry.key, case
               when entry.key = 'display_name' then 'text of at most 200 characters.'
               when entry.key = 'locale' then 'de or en.'
               when entry.key in ('sub', 'email') then 'text of at most 255 characters.'
               when entry.key in ('email_verified', 'phone_verified') then 'true or false.'
               else 'not a key the portal uses (display_name, locale).' end)
        from jsonb_each(new_metadata) as entry
       where entry.value is distinct from (case when jsonb_typeof(old_metadata) = 'object' then old_metadata -> entry.key end)
         and not case
               -- JSON null: no value (the mail function invites without a name so)
               when entry.value = 'null'::jsonb then entry.key in ('display_name', 'locale')
               when entry.key = 'display_name'
                 then jsonb_typeof(entry.value) = 'string' and char_length(entry.value #>> '{}') <= 200
               when entry.key = 'locale' then entry.value in ('"de"', '"en"')
               when entry.key in ('sub', 'email')
                 then jsonb_typeof(entry.value) = 'string' and char_length(entry.value #>> '{}') <= 255
               when entry.key in ('email_verified', 'phone_verified') then jsonb_typeof(entry.value) = 'boolean'
               else false end
       order by entry.key
       limit 1)
  end
$$;
comment on function private.user_metadata_refusal(jsonb, jsonb) is
  'Why a write of user_metadata is refused (the first key it adds or changes outside the portal''s keys and bounds), or null.';

create function private.bound_user_metadata()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  refusal text := private.user_metadata_refusal(new.raw_user_meta_data,
                                                case when tg_op = 'UPDATE' then old.raw_user_meta_data end);
begin
  if refusal is not null then
    raise exception using errcode = 'PT422', message = 'invalid_user_metadata', detail = refusal,
      hint = 'user_metadata holds display_name and locale; the profile is the place for what people see.';
  end if;
  return new;
end;
$$;
create trigger users_bound_user_metadata
  before insert or update of raw_user_meta_data on auth.users
  for each row execute function private.bound_user_metadata();

create function public.custom_access_token_hook(event jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('claims', (event -> 'claims') - 'user_metadata')
$$;
comment on function public.custom_access_token_hook(jsonb) is
  'GoTrue custom access token hook: the claims GoTrue made, without user_metadata (user-written, unbounded in size).';
revoke execute on function public.custom_access_token_hook(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin;
