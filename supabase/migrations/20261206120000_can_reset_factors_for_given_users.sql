-- can_reset_factors() answered with every resettable account in the firm, and the app loaded all
-- of them for the list it showed: with 10,000 clients that grows without bound. Now the caller
-- names the people on screen (one page, at most 100 ids, the lists' page limit) and hears which of
-- them it may reset. The rules are unchanged: private.factor_reset_refusal() decides, as for
-- reset_user_factors(); callers without a verified staff session still get nobody, or
-- mfa_required.

drop function public.can_reset_factors();

create function public.can_reset_factors(user_ids uuid[])
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_access();
  if cardinality(user_ids) > 100 then
    raise exception using errcode = 'P0001', message = 'too_many_ids', detail = 'Ask for at most 100 people at a time.';
  end if;
  return query
    select u.id from auth.users as u
     where u.id = any (user_ids) and private.factor_reset_refusal(u.id) is null;
end;
$$;
comment on function public.can_reset_factors(uuid[]) is
  'Which of the given users (at most 100) the caller may reset the second factors of now (what reset_user_factors would allow); none for everyone but verified staff. Errors: not_authenticated, session_required, mfa_required, too_many_ids.';
revoke execute on function public.can_reset_factors(uuid[]) from public;
grant execute on function public.can_reset_factors(uuid[]) to authenticated;
