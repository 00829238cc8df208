-- A new thread carries files in its first message (issue 12: "New thread: … body, attachments").
--
-- start_conversation gains attachment_ids: the caller's completed uploads (create_document_upload
-- with matter_id => null) go with the first message in the same transaction, through the one
-- attach helper send_message and tickets use (private.attach_uploads), so a refused file starts no
-- thread and a started thread never lacks its files. A first message may be only files. The
-- signature changes, so the function is dropped and created again (no later migration restates it).

drop function public.start_conversation(text, text, uuid, uuid, uuid[], text);

create function public.start_conversation(
  kind text,
  subject text,
  client_id uuid default null,
  matter_id uuid default null,
  participant_ids uuid[] default '{}',
  first_message text default null,
  attachment_ids uuid[] default null
)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  scope_client uuid := start_conversation.client_id;
  new_id uuid;
  first_id uuid;
  participant uuid;
begin
  if kind is null or kind not in ('thread', 'chat') then
    raise exception using errcode = 'P0001', message = 'invalid_kind';
  end if;
  if kind = 'thread' and nullif(btrim(coalesce(subject, '')), '') is null then
    raise exception using errcode = 'P0001', message = 'subject_required';
  end if;
  if start_conversation.matter_id is not null then
    if not private.user_can_access_matter(uid, start_conversation.matter_id) then
      raise exception using errcode = 'P0001', message = 'matter_not_found';
    end if;
    select m.client_id into scope_client from public.matters as m where m.id = start_conversation.matter_id;
  elsif scope_client is null then
    raise exception using errcode = 'P0001', message = 'scope_required',
      detail = 'A conversation belongs to a client or to a matter.';
  elsif not (private.user_is_staff(uid) or private.user_is_client_member(uid, scope_client)) then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;

  insert into public.conversations (kind, subject, client_id, matter_id, created_by)
  values (kind, nullif(btrim(coalesce(subject, '')), ''), scope_client, start_conversation.matter_id, uid)
  returning id into new_id;

  insert into public.conversation_participants (conversation_id, user_id) values (new_id, uid);
  foreach participant in array coalesce(participant_ids, '{}') loop
    if participant is distinct from uid then
      if not private.user_can_access_conversation_scope(participant, new_id) then
        raise exception using errcode = 'P0001', message = 'participant_not_allowed',
          detail = format('User %s may not see this conversation''s client or matter.', participant);
      end if;
      insert into public.conversation_participants (conversation_id, user_id) values (new_id, participant)
      on conflict do nothing;
    end if;
  end loop;

  if nullif(btrim(coalesce(first_message, '')), '') is not null or coalesce(cardinality(attachment_ids), 0) > 0 then
    insert into public.messages (conversation_id, author_id, body) values (new_id, uid, coalesce(first_message, ''))
    returning id into first_id;
    perform private.attach_uploads(attachment_ids, conversation_id => new_id, message_id => first_id);
  end if;
  return new_id;
end;
$$;
comment on function public.start_conversation(text, text, uuid, uuid, uuid[], text, uuid[]) is
  'Starts a thread or chat for a client or a matter with participants and an optional first message with files (the caller''s completed uploads). Errors: not_authenticated, mfa_required, invalid_kind, subject_required, scope_required, client_not_found, matter_not_found, participant_not_allowed, too_many_attachments, attachment_not_found, attachment_not_uploaded.';
grant execute on function public.start_conversation(text, text, uuid, uuid, uuid[], text, uuid[]) to authenticated;
