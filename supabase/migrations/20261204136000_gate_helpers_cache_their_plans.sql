-- The second-factor gate and the persona helpers in PL/pgSQL, with the same bodies.
--
-- Why: every RPC starts with private.require_access() → private.access_allowed(), and policies
-- call the helpers too. As `language sql` functions that are security definer (so never inlined)
-- their queries are planned anew in every statement that calls them: about 8 ms per REST request
-- under the administration benchmark, more than the list query itself. PL/pgSQL keeps each
-- statement's plan for the connection, so a pooled connection plans them once. Nothing else
-- changes: same arguments, results, owners, grants and comments.

create or replace function private.is_deactivated(user_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return exists (select 1 from private.account_deactivations as d where d.user_id = is_deactivated.user_id);
end;
$$;

create or replace function private.session_verified()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return coalesce(auth.jwt() ->> 'aal', '') = 'aal2'
      or exists (select 1 from private.session_assurances as a
                  where a.session_id = private.current_session_id() and a.user_id = auth.uid());
end;
$$;

create or replace function private.has_second_factor(user_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return exists (select 1 from auth.mfa_factors as f
                  where f.user_id = has_second_factor.user_id and f.status = 'verified')
      or exists (select 1 from private.email_factors as e
                  where e.user_id = has_second_factor.user_id);
end;
$$;

create or replace function private.grace_period_ends_at(user_id uuid)
returns timestamptz
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- least() skips the null of a user who was never reset
  return (select least(u.created_at + interval '3 days', r.reset_at)
            from auth.users as u
            left join private.second_factor_resets as r on r.user_id = u.id
           where u.id = grace_period_ends_at.user_id);
end;
$$;

create or replace function private.access_allowed()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return auth.uid() is not null
     and exists (select 1 from auth.sessions as s
                  where s.id = private.current_session_id() and s.user_id = auth.uid())
     and not private.is_deactivated(auth.uid())
     and (private.session_verified()
          or (not private.has_second_factor(auth.uid())
              and coalesce(private.grace_period_ends_at(auth.uid()) > now(), false)));
end;
$$;

create or replace function private.user_is_staff(user_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return exists (select 1 from public.staff as s where s.user_id = user_is_staff.user_id);
end;
$$;

create or replace function private.is_admin()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return exists (select 1 from public.staff as s where s.user_id = auth.uid() and s.is_admin);
end;
$$;
