-- Page mails: publishing a page, or adding an audience to a published one, tells the people it
-- newly reaches in-app (notify_page_audience, 20261127090000) and, unless they turned it off
-- (profiles.mail_on_new_pages), by a content-free mail (`page_published`: "there is a new page for
-- you", a link to the list, no title or slug) through the tickets feature's deferred notification
-- mails: due after the delay, cancelled when the person opens the page first (mark_page_read),
-- sent only while they may still see it. Only the newly reached: whoever was told about the page
-- once (in-app) is never told again, also after unpublishing and publishing again.

alter table public.profiles add column mail_on_new_pages boolean not null default true;
comment on column public.profiles.mail_on_new_pages is 'Mail me when a page is published for me (the in-app notice comes either way).';
grant update (mail_on_new_pages) on public.profiles to authenticated;

alter table ops.notification_mails drop constraint notification_mails_entity_type_check,
  add constraint notification_mails_entity_type_check check (entity_type in ('ticket', 'conversation', 'page'));

create or replace function private.user_can_see_entity(user_id uuid, entity_type text, entity_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select case user_can_see_entity.entity_type
           when 'ticket' then private.user_can_see_ticket(user_can_see_entity.user_id, user_can_see_entity.entity_id)
           when 'conversation' then
             exists (select 1 from public.conversation_participants as p
                      where p.conversation_id = user_can_see_entity.entity_id and p.user_id = user_can_see_entity.user_id)
             and private.user_can_access_conversation_scope(user_can_see_entity.user_id, user_can_see_entity.entity_id)
           when 'page' then user_can_see_entity.entity_id in (select private.page_ids_for(user_can_see_entity.user_id))
           else false
         end
$$;

create or replace function private.notify_page_audience(page_id uuid, audience_ids uuid[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  page public.pages%rowtype;
  newly_reached uuid[];
begin
  select * into page from public.pages as p where p.id = notify_page_audience.page_id;
  newly_reached := array(
    select distinct cm.user_id
      from public.page_audiences as a
      join public.client_members as cm
        on cm.client_id = a.client_id
        or cm.client_id in (select gm.client_id from public.client_group_members as gm where gm.group_id = a.group_id)
     where a.id = any (audience_ids)
       and cm.user_id is distinct from auth.uid()
       and not exists (select 1 from public.notifications as n
                        where n.user_id = cm.user_id and n.kind = 'page.published' and n.entity_id = page.id));
  perform private.notify(newly_reached, 'page.published', page.title, 'page', page.id, null, null,
                         jsonb_build_object('pinned', page.pinned));
  perform private.defer_notification_mail('page_published', r.user_id, 'page', page.id, '{}'::jsonb)
     from unnest(newly_reached) as r(user_id)
     join public.profiles as p on p.id = r.user_id
    where p.mail_on_new_pages;
end;
$$;
