-- Realtime: database triggers broadcast new and changed messages, ticket replies and status
-- changes, and new notifications to private channels; RLS on realtime.messages decides who may
-- join (receive), track presence and send on each topic.
--
-- Topics and rights:
--   conversation:<id>  receive + presence + send (typing indicators): participants with access
--   ticket:<id>        receive only: whoever may read the ticket (staff, client users, guests)
--   user:<id>          receive only: that user (its notifications)
-- Nobody may send on ticket or user topics from a client; only the triggers (security definer,
-- owned by postgres, which bypasses RLS) write there. Internal notes are never broadcast.
-- Updated messages are sent without old_record so a deleted message's text does not travel again.
-- Access is checked when a client joins; a member removed later keeps an open channel at most
-- until its access token expires (auth.jwt_expiry, 15 minutes).

create function private.topic_id(topic text, prefix text)
returns uuid
language sql
immutable
set search_path = ''
as $$
  select case when topic ~ ('^' || prefix || ':[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
              then substr(topic, char_length(prefix) + 2)::uuid end
$$;

create function private.is_my_conversation_topic(topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(private.topic_id(topic, 'conversation') in (select private.my_conversation_ids()), false)
$$;

create function private.is_my_ticket_topic(topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
           (private.is_staff()
            and exists (select 1 from public.tickets as t where t.id = private.topic_id(topic, 'ticket')))
           or private.topic_id(topic, 'ticket') in (select private.my_ticket_ids()),
           false)
$$;

create function private.is_my_user_topic(topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(private.topic_id(topic, 'user') = auth.uid(), false)
$$;

grant execute on function private.is_my_conversation_topic(text), private.is_my_ticket_topic(text),
  private.is_my_user_topic(text) to authenticated;

create policy "Only sessions that passed the second factor get access"
  on realtime.messages as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Participants can receive and see presence on conversations"
  on realtime.messages for select to authenticated
  using (topic = (select realtime.topic())
         and extension in ('broadcast', 'presence')
         and (select private.is_my_conversation_topic((select realtime.topic()))));
create policy "Ticket readers can receive broadcasts on ticket topics"
  on realtime.messages for select to authenticated
  using (topic = (select realtime.topic())
         and extension = 'broadcast'
         and (select private.is_my_ticket_topic((select realtime.topic()))));
create policy "Users can receive broadcasts on their own user topic"
  on realtime.messages for select to authenticated
  using (topic = (select realtime.topic())
         and extension = 'broadcast'
         and (select private.is_my_user_topic((select realtime.topic()))));
create policy "Participants can send typing and presence on conversations"
  on realtime.messages for insert to authenticated
  with check (topic = (select realtime.topic())
              and extension in ('broadcast', 'presence')
              and (select private.is_my_conversation_topic((select realtime.topic()))));

-- ---------------------------------------------------------------------------------------------
-- Broadcasting triggers
-- ---------------------------------------------------------------------------------------------

create function private.broadcast_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform realtime.broadcast_changes('conversation:' || new.conversation_id, 'message_created',
      tg_op, tg_table_name, tg_table_schema, new, old);
  else
    perform realtime.send(
      jsonb_build_object('record', to_jsonb(new), 'old_record', null, 'operation', tg_op,
                         'table', tg_table_name, 'schema', tg_table_schema),
      'message_updated', 'conversation:' || new.conversation_id, true);
  end if;
  return null;
end;
$$;

create trigger messages_broadcast
  after insert or update on public.messages
  for each row execute function private.broadcast_message();

create function private.broadcast_ticket_reply()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.broadcast_changes('ticket:' || new.ticket_id, 'reply_created',
    tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end;
$$;

create trigger ticket_replies_broadcast
  after insert on public.ticket_replies
  for each row execute function private.broadcast_ticket_reply();

create function private.broadcast_ticket_status()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status is distinct from old.status then
    perform realtime.send(
      jsonb_build_object(
        'record', jsonb_build_object('id', new.id, 'number', new.number, 'status', new.status,
                                     'updated_at', new.updated_at, 'closed_at', new.closed_at),
        'old_record', jsonb_build_object('id', old.id, 'status', old.status),
        'operation', tg_op, 'table', tg_table_name, 'schema', tg_table_schema),
      'status_changed', 'ticket:' || new.id, true);
  end if;
  return null;
end;
$$;

create trigger tickets_broadcast_status
  after update of status on public.tickets
  for each row execute function private.broadcast_ticket_status();

create function private.broadcast_notification()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.broadcast_changes('user:' || new.user_id, 'notification_created',
    tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end;
$$;

create trigger notifications_broadcast
  after insert on public.notifications
  for each row execute function private.broadcast_notification();
