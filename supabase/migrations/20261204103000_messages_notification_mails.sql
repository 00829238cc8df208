-- Notification mails for messages and chats, on the deferred mails of 20261203103000: a
-- participant who does not read a new message within private.notification_mail_delay() gets one
-- mail ("you have 3 new messages in the portal", with a link), never the text, the subject or
-- who wrote. Every message of a conversation until then joins the same mail (data.count adds
-- up); moving one's read mark (mark_conversation_read) cancels it, so whoever has the
-- conversation open never gets one.
-- Chat events (taken, closed) and the author's own messages mail nobody; a participant who lost
-- access before the mail is due gets none (user_can_see_entity).
--
-- Template `message_activity`, data {conversation_id, chat, count, kinds: ["message"]}.

alter table ops.notification_mails drop constraint notification_mails_entity_type_check;
alter table ops.notification_mails add constraint notification_mails_entity_type_check
  check (entity_type in ('ticket', 'conversation'));

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
           else false
         end
$$;

-- Generic: besides uniting data.kinds, a second mail about the same entity adds up data.count,
-- so a mail can say how many things happened while it waited.
create or replace function private.defer_notification_mail(template text, user_id uuid, entity_type text, entity_id uuid, data jsonb)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into ops.notification_mails (user_id, entity_type, entity_id, template, data, due_at)
  select defer_notification_mail.user_id, defer_notification_mail.entity_type, defer_notification_mail.entity_id,
         defer_notification_mail.template, coalesce(defer_notification_mail.data, '{}'::jsonb),
         now() + private.notification_mail_delay()
   where exists (select 1 from auth.users as u where u.id = defer_notification_mail.user_id and u.email is not null)
  on conflict on constraint notification_mails_one_per_entity do update
    set data = ops.notification_mails.data || excluded.data
               || jsonb_build_object('kinds', (select coalesce(jsonb_agg(distinct k.kind), '[]'::jsonb)
                                                 from jsonb_array_elements_text(coalesce(ops.notification_mails.data -> 'kinds', '[]'::jsonb)
                                                                                || coalesce(excluded.data -> 'kinds', '[]'::jsonb)) as k(kind)))
               || case when excluded.data ? 'count'
                       then jsonb_build_object('count', coalesce((ops.notification_mails.data ->> 'count')::integer, 0)
                                                        + (excluded.data ->> 'count')::integer)
                       else '{}'::jsonb end
$$;
comment on function private.defer_notification_mail(text, uuid, text, uuid, jsonb) is
  'Queues one notification mail per recipient and entity, due after the delay; a second call before then merges data (kinds are united, counts added up).';

create function private.mail_about_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  conversation public.conversations%rowtype;
begin
  select * into conversation from public.conversations as c where c.id = new.conversation_id;
  perform private.defer_notification_mail('message_activity', p.user_id, 'conversation', conversation.id,
            jsonb_build_object('conversation_id', conversation.id, 'chat', conversation.kind = 'chat', 'count', 1,
                               'kinds', jsonb_build_array('message')))
     from public.conversation_participants as p
    where p.conversation_id = conversation.id and p.user_id is distinct from new.author_id
      and private.user_can_access_conversation_scope(p.user_id, conversation.id);
  return null;
end;
$$;

create trigger messages_mail
  after insert on public.messages
  for each row when (new.event is null)
  execute function private.mail_about_message();

-- Whenever a read mark moves (mark_conversation_read), the reader's waiting mail about the
-- conversation goes: whoever has it open is never mailed.
create function private.cancel_mail_on_read()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.cancel_notification_mails(new.user_id, 'conversation', new.conversation_id);
  return null;
end;
$$;

create trigger conversation_participants_cancel_mail_on_read
  after update of last_read_at on public.conversation_participants
  for each row when (new.last_read_at is distinct from old.last_read_at)
  execute function private.cancel_mail_on_read();
