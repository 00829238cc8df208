-- Administration, part 4: access review — who can see a client or a matter and why, and
-- everything one person can reach.
--
-- The answers come from the helpers the policies themselves use, never from a second set of rules:
-- * for a client or a matter, the candidates (staff, the client's users, the matter's guests) are
--   confirmed one by one with private.user_is_staff / user_is_client_member / user_can_access_matter;
-- * for a person, the policy helpers that read auth.uid() (my_client_ids, my_matter_ids,
--   my_group_ids, my_page_ids, my_ticket_ids, my_document_ids, my_conversation_ids) run with the
--   person's user id in request.jwt.claims, and the caller's claims are put back at once, also on
--   an error. So a change to a rule changes the review with it.
-- Staff use the review (the audit log and the staff list are admin matters; who sees a client is
-- what every employee must be able to check).

create function public.access_review_client(client_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  target public.clients%rowtype;
begin
  perform private.require_staff();
  select * into target from public.clients as c where c.id = access_review_client.client_id;
  if not found then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;
  return jsonb_build_object(
    'client', jsonb_build_object('id', target.id, 'name', target.name, 'reference_number', target.reference_number),
    'people', coalesce((
      select jsonb_agg(jsonb_build_object('user_id', x.user_id, 'display_name', p.display_name, 'reason', x.reason,
                                          'role', x.role, 'matter_id', x.matter_id, 'matter_title', m.title)
                       order by x.rank, p.display_name, m.title)
        from (select s.user_id, case when s.is_admin then 'admin' else 'staff' end as reason, null::text as role,
                     null::uuid as matter_id, 1 as rank
                from public.staff as s
               where private.user_is_staff(s.user_id)
              union all
              select cm.user_id, 'member', cm.role, null, 2
                from public.client_members as cm
               where cm.client_id = target.id and private.user_is_client_member(cm.user_id, target.id)
              union all
              -- Guests see the matter they were invited into, nothing else of the client.
              select mm.user_id, 'guest', null, mm.matter_id, 3
                from public.matter_members as mm
                join public.matters as mt on mt.id = mm.matter_id
               where mt.client_id = target.id and mm.role = 'guest'
                 and not private.user_is_client_member(mm.user_id, target.id)
                 and private.user_can_access_matter(mm.user_id, mm.matter_id)) as x
        join public.profiles as p on p.id = x.user_id
        left join public.matters as m on m.id = x.matter_id), '[]'::jsonb),
    'groups', coalesce((
      select jsonb_agg(jsonb_build_object('id', g.id, 'name', g.name, 'pages', coalesce((
               select jsonb_agg(jsonb_build_object('id', pg.id, 'title', pg.title, 'published', pg.published) order by pg.title)
                 from public.page_audiences as a join public.pages as pg on pg.id = a.page_id
                where a.group_id = g.id), '[]'::jsonb)) order by g.name)
        from public.client_group_members as gm join public.client_groups as g on g.id = gm.group_id
       where gm.client_id = target.id), '[]'::jsonb));
end;
$$;
comment on function public.access_review_client(uuid) is
  'Staff: who can see the client and why (admin, staff, member with role, guest of one matter) and the groups it is in with the pages each group receives. Confirmed by the policy helpers. Errors: forbidden, client_not_found.';

create function public.access_review_matter(matter_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  target public.matters%rowtype;
begin
  perform private.require_staff();
  select * into target from public.matters as m where m.id = access_review_matter.matter_id;
  if not found then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;
  return jsonb_build_object(
    'matter', jsonb_build_object('id', target.id, 'title', target.title, 'reference', target.reference, 'client_id', target.client_id),
    'people', coalesce((
      select jsonb_agg(jsonb_build_object('user_id', x.user_id, 'display_name', p.display_name, 'reason', x.reason,
                                          'role', x.role, 'invited_by', inviter.display_name, 'since', x.since)
                       order by x.rank, p.display_name)
        from (select s.user_id, case when s.is_admin then 'admin' else 'staff' end as reason, null::text as role,
                     null::uuid as invited_by, s.created_at as since, 1 as rank
                from public.staff as s
              union all
              select cm.user_id, 'member', cm.role, null, cm.created_at, 2
                from public.client_members as cm where cm.client_id = target.client_id
              union all
              select mm.user_id, 'guest', null, mm.added_by, mm.created_at, 3
                from public.matter_members as mm
               where mm.matter_id = target.id and mm.role = 'guest'
                 and not private.user_is_client_member(mm.user_id, target.client_id)) as x
        join public.profiles as p on p.id = x.user_id
        left join public.profiles as inviter on inviter.id = x.invited_by
       where private.user_can_access_matter(x.user_id, target.id)), '[]'::jsonb),
    'open_invitations', coalesce((
      select jsonb_agg(jsonb_build_object('id', i.id, 'email', i.email, 'expires_at', i.expires_at) order by i.created_at)
        from public.invitations as i
       where i.matter_id = target.id and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()), '[]'::jsonb));
end;
$$;
comment on function public.access_review_matter(uuid) is
  'Staff: who can see the matter and why (admin, staff, member of its client with role, guest with who added them) and open guest invitations. Confirmed by private.user_can_access_matter. Errors: forbidden, matter_not_found.';

create function public.access_review_person(target_user_id uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  saved_claims text := current_setting('request.jwt.claims', true);
  saved_sub text := current_setting('request.jwt.claim.sub', true);
  persona text;
  reach jsonb;
begin
  perform private.require_staff();
  if not exists (select 1 from public.profiles as p where p.id = target_user_id) then
    raise exception using errcode = 'P0001', message = 'user_not_found';
  end if;
  persona := private.persona_of(target_user_id);
  begin
    perform set_config('request.jwt.claims', jsonb_build_object('sub', target_user_id, 'role', 'authenticated')::text, true),
            set_config('request.jwt.claim.sub', target_user_id::text, true);
    select jsonb_build_object(
      'clients', coalesce((select jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name, 'role', cm.role) order by c.name)
                             from public.clients as c join public.client_members as cm on cm.client_id = c.id and cm.user_id = target_user_id
                            where c.id in (select private.my_client_ids())), '[]'::jsonb),
      'matters', coalesce((select jsonb_agg(jsonb_build_object('id', m.id, 'title', m.title, 'reference', m.reference,
                                              'client_name', c.name,
                                              'reason', case when m.client_id in (select private.my_client_ids()) then 'member' else 'guest' end)
                                            order by c.name, m.title)
                             from public.matters as m join public.clients as c on c.id = m.client_id
                            where m.id in (select private.my_matter_ids())), '[]'::jsonb),
      'groups', coalesce((select jsonb_agg(jsonb_build_object('id', g.id, 'name', g.name) order by g.name)
                            from public.client_groups as g where g.id in (select private.my_group_ids())), '[]'::jsonb),
      'pages', coalesce((select jsonb_agg(jsonb_build_object('id', pg.id, 'title', pg.title) order by pg.title)
                           from public.pages as pg where pg.id in (select private.my_page_ids())), '[]'::jsonb),
      'tickets', (select count(*) from private.my_ticket_ids()),
      'documents', (select count(*) from private.my_document_ids()),
      'conversations', (select count(*) from private.my_conversation_ids()))
      into reach;
    perform set_config('request.jwt.claims', coalesce(saved_claims, ''), true),
            set_config('request.jwt.claim.sub', coalesce(saved_sub, ''), true);
  exception
    when others then
      perform set_config('request.jwt.claims', coalesce(saved_claims, ''), true),
              set_config('request.jwt.claim.sub', coalesce(saved_sub, ''), true);
      raise;
  end;
  return jsonb_build_object(
    'user_id', target_user_id,
    'display_name', (select p.display_name from public.profiles as p where p.id = target_user_id),
    'persona', persona,
    -- Staff reach every client, matter and page; the lists below are then what they act for.
    'all_as_staff', private.user_is_staff(target_user_id),
    'deactivated', private.is_deactivated(target_user_id)) || reach;
end;
$$;
comment on function public.access_review_person(uuid) is
  'Staff: everything a person can reach (clients with role, matters with reason, groups, pages, and how many tickets, documents and conversations), computed by the policy helpers as that person. all_as_staff: staff reach everything. Errors: forbidden, user_not_found.';

revoke execute on function public.access_review_client(uuid), public.access_review_matter(uuid),
  public.access_review_person(uuid) from public;
grant execute on function public.access_review_client(uuid), public.access_review_matter(uuid),
  public.access_review_person(uuid) to authenticated;
