-- The e-mail second factor: request a code, verify it, remove the factor.
--
-- Codes: 6 digits drawn without modulo bias from gen_random_bytes, stored only as
-- HMAC-SHA-256(code, key = random 128-bit salt per code) (pgcrypto; SHA-256/HMAC are
-- TR-02102-1 mechanisms). A code is valid for 10 minutes, for 5 attempts, once, and only in the
-- session that requested it. A newer code of the same session supersedes the older one. At most
-- 5 codes per user per 15 minutes. The plain code exists only in the mail outbox row
-- (data.secret.code, service role only), which the mail function clears after sending.
--
-- Requesting and verifying never depend on the gate: a user past its grace period and a user in
-- an aal1 session must still be able to enrol or step up. What a code does:
--   * purpose 'verify' (user already has the e-mail factor): marks this session verified;
--   * purpose 'enrol' (user has no factor, or adds e-mail while already verified): enrols the
--     factor and marks this session verified.
-- A user who only has TOTP and sits in an aal1 session must step up with TOTP first.
--
-- A wrong code must be counted, so verify_email_code returns {verified:false,...} instead of
-- raising (an exception would roll the counter back). All other failures raise P0001 with a code.

create function private.new_email_code()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  candidate bigint;
begin
  -- 4294000000 is the largest multiple of 10^6 below 2^32: values above it would bias the digits.
  loop
    candidate := ('x' || encode(extensions.gen_random_bytes(4), 'hex'))::bit(32)::bigint;
    exit when candidate < 4294000000;
  end loop;
  return lpad((candidate % 1000000)::text, 6, '0');
end;
$$;

create function private.email_code_hash(code text, salt bytea)
returns bytea
language sql
immutable
set search_path = ''
as $$
  select extensions.hmac(convert_to(code, 'UTF8'), salt, 'sha256')
$$;

-- The caller's session, which must exist in auth.sessions and belong to the caller.
create function private.require_current_session()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  sid uuid := private.current_session_id();
begin
  if auth.uid() is null then
    raise exception using errcode = 'P0001', message = 'not_authenticated';
  end if;
  if sid is null or not exists (select 1 from auth.sessions as s where s.id = sid and s.user_id = auth.uid()) then
    raise exception using errcode = 'P0001', message = 'session_required',
      detail = 'The access token carries no live session of this user.';
  end if;
  return sid;
end;
$$;

create function public.request_email_code()
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  sid uuid := private.require_current_session();
  code_purpose text;
  code text := private.new_email_code();
  code_salt bytea := extensions.gen_random_bytes(16);
  code_expires_at timestamptz := now() + interval '10 minutes';
  recent_codes integer;
  recipient text;
  profile_locale text;
  profile_name text;
begin
  if exists (select 1 from private.email_factors as e where e.user_id = uid) then
    code_purpose := 'verify';
  elsif not private.has_second_factor(uid) or private.session_verified() then
    code_purpose := 'enrol';
  else
    raise exception using errcode = 'P0001', message = 'mfa_required',
      detail = 'Verify your existing second factor before adding the e-mail factor.';
  end if;

  select count(*)::integer into recent_codes
    from private.email_codes as c
   where c.user_id = uid and c.created_at > now() - interval '15 minutes';
  if recent_codes >= 5 then
    raise exception using errcode = 'P0001', message = 'email_code_rate_limited',
      detail = 'At most 5 codes per 15 minutes.', hint = 'Wait a few minutes, then request a new code.';
  end if;

  select u.email into recipient from auth.users as u where u.id = uid;
  if recipient is null then
    raise exception using errcode = 'P0001', message = 'email_missing';
  end if;
  select p.locale, p.display_name into profile_locale, profile_name from public.profiles as p where p.id = uid;

  update private.email_codes as c
     set consumed_at = now(), consumed_reason = 'superseded'
   where c.session_id = sid and c.consumed_at is null;

  insert into private.email_codes (user_id, session_id, purpose, salt, code_hash, expires_at)
  values (uid, sid, code_purpose, code_salt, private.email_code_hash(code, code_salt), code_expires_at);

  perform private.enqueue_mail('mfa_email_code', profile_locale, recipient, uid, jsonb_build_object(
    'display_name', profile_name,
    'purpose', code_purpose,
    'expires_at', code_expires_at,
    'secret', jsonb_build_object('code', code)
  ));
  perform private.audit('mfa.email_code_requested', 'user', uid::text, jsonb_build_object('purpose', code_purpose));

  return jsonb_build_object('purpose', code_purpose, 'expires_at', code_expires_at);
end;
$$;
comment on function public.request_email_code() is
  'Sends a 6-digit code to the caller''s e-mail (via the mail outbox) for this session. Errors: not_authenticated, session_required, mfa_required, email_code_rate_limited.';

create function public.verify_email_code(code text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  sid uuid := private.require_current_session();
  latest private.email_codes%rowtype;
  enrolled boolean := false;
begin
  if code is null or code !~ '^[0-9]{6}$' then
    raise exception using errcode = 'P0001', message = 'email_code_invalid_format',
      detail = 'A code has exactly 6 digits.';
  end if;

  select * into latest
    from private.email_codes as c
   where c.user_id = uid and c.session_id = sid
   -- The newest code is the one not superseded (requests within one transaction share a timestamp).
   order by c.consumed_reason is not distinct from 'superseded', c.created_at desc
   limit 1
   for update;

  if not found or latest.consumed_reason = 'superseded' then
    raise exception using errcode = 'P0001', message = 'email_code_not_found',
      detail = 'This session has no open code.', hint = 'Request a new code.';
  elsif latest.consumed_reason = 'verified' then
    raise exception using errcode = 'P0001', message = 'email_code_already_used', hint = 'Request a new code.';
  elsif latest.consumed_reason = 'exhausted' then
    raise exception using errcode = 'P0001', message = 'email_code_attempts_exceeded', hint = 'Request a new code.';
  elsif latest.expires_at <= now() then
    raise exception using errcode = 'P0001', message = 'email_code_expired', hint = 'Request a new code.';
  end if;

  if private.email_code_hash(verify_email_code.code, latest.salt) <> latest.code_hash then
    update private.email_codes as c
       set attempts = c.attempts + 1,
           consumed_at = case when c.attempts + 1 >= 5 then now() end,
           consumed_reason = case when c.attempts + 1 >= 5 then 'exhausted' end
     where c.id = latest.id;
    perform private.audit('mfa.email_code_failed', 'user', uid::text,
      jsonb_build_object('attempt', latest.attempts + 1));
    return jsonb_build_object('verified', false, 'reason', 'email_code_mismatch',
                              'attempts_left', greatest(5 - latest.attempts - 1, 0));
  end if;

  update private.email_codes as c set consumed_at = now(), consumed_reason = 'verified' where c.id = latest.id;

  if latest.purpose = 'enrol' then
    insert into private.email_factors (user_id) values (uid) on conflict (user_id) do nothing;
    enrolled := found;
    if enrolled then
      perform private.audit('mfa.email_factor_enrolled', 'user', uid::text);
    end if;
  end if;

  insert into private.session_assurances (session_id, user_id) values (sid, uid)
  on conflict (session_id) do update set verified_at = now();
  perform private.audit('mfa.session_verified', 'session', sid::text, jsonb_build_object('method', 'email'));

  return jsonb_build_object('verified', true, 'enrolled', enrolled);
end;
$$;
comment on function public.verify_email_code(text) is
  'Checks the code of this session. Returns {verified:true, enrolled} or {verified:false, reason:"email_code_mismatch", attempts_left}. Errors: not_authenticated, session_required, email_code_invalid_format, email_code_not_found, email_code_already_used, email_code_attempts_exceeded, email_code_expired.';

-- Removing a factor needs a verified session, else a stolen password could strip the factor.
create function public.remove_email_factor()
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
begin
  if uid is null then
    raise exception using errcode = 'P0001', message = 'not_authenticated';
  end if;
  if not private.session_verified() then
    raise exception using errcode = 'P0001', message = 'mfa_required';
  end if;
  delete from private.email_factors as e where e.user_id = uid;
  if not found then
    raise exception using errcode = 'P0001', message = 'email_factor_not_enrolled';
  end if;
  -- Other sessions verified by e-mail lose that assurance with the factor.
  delete from private.session_assurances as a
   where a.user_id = uid and a.session_id is distinct from private.current_session_id();
  perform private.audit('mfa.email_factor_removed', 'user', uid::text);
end;
$$;
comment on function public.remove_email_factor() is
  'Removes the caller''s e-mail factor (verified session required). Errors: not_authenticated, mfa_required, email_factor_not_enrolled.';

grant execute on function public.request_email_code(), public.verify_email_code(text), public.remove_email_factor()
  to authenticated;
