-- Live messages without content on the wire: conversation:<id> now carries where to look, and
-- the app reads the message itself through list_messages (RLS-checked at that moment).
--
-- Why: Realtime authorizes a channel when it is joined and again only with a new token, so a
-- participant removed from a conversation (or a guest removed from its matter) keeps an open
-- channel up to the token's lifetime (15 minutes). Had the broadcast carried the text, that person
-- would keep reading new messages; now it learns only that a message exists, and fetching it is
-- refused at once. The same fetch is what the app does after a reconnect, so live and caught-up
-- messages take one path and the order is always the database's.
--
-- conversation:<id> events (private):
--   message_created {id, conversation_id, author_id, created_at, event}
--   message_updated {id, conversation_id, edited_at, deleted_at}
--   read            {conversation_id}  (someone's read mark moved: refetch the ticks; who and when
--                                       stay in the database, which tells clients only their own)
-- and, from the clients themselves, presence and `typing` broadcasts (never stored).

create or replace function private.broadcast_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform realtime.send(
      jsonb_build_object('id', new.id, 'conversation_id', new.conversation_id, 'author_id', new.author_id,
                         'created_at', new.created_at, 'event', new.event),
      'message_created', 'conversation:' || new.conversation_id, true);
  elsif (new.body, new.deleted_at) is distinct from (old.body, old.deleted_at) then
    perform realtime.send(
      jsonb_build_object('id', new.id, 'conversation_id', new.conversation_id, 'edited_at', new.edited_at,
                         'deleted_at', new.deleted_at),
      'message_updated', 'conversation:' || new.conversation_id, true);
  end if;
  return null;
end;
$$;
