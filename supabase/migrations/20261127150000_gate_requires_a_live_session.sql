-- The second-factor gate also requires that the token's session still exists.
--
-- GoTrue deletes auth.sessions rows on sign-out (any scope), on a staff factor reset and when a
-- refresh token is reused; its own endpoints then answer session_not_found at once, but an access
-- token stays valid for PostgREST, Storage and Realtime until it expires (jwt_expiry, 15 minutes).
-- Checking the session row here makes "sign out everywhere" and a factor reset end data access
-- immediately. One primary-key lookup per statement: policies call the gate as (select …).

create or replace function private.access_allowed()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select auth.uid() is not null
     and exists (select 1 from auth.sessions as s
                  where s.id = private.current_session_id() and s.user_id = auth.uid())
     and (private.session_verified()
          or (not private.has_second_factor(auth.uid())
              and coalesce(private.grace_period_ends_at(auth.uid()) > now(), false)))
$$;
comment on function private.access_allowed() is
  'The second-factor gate every policy on client data requires: a live session (not signed out), and aal2, or an e-mail-verified session, or a user inside its 3-day grace period without any factor.';
