-- One definition of "unread" for the thread list and the chat desk: messages of others, not
-- deleted, after the reader's read mark (none: all of them). list_conversations and
-- list_open_chats (same signatures) count through it instead of each spelling it out.

create function private.unread_message_count(conversation_id uuid, reader_id uuid, read_until timestamptz)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select count(*)::integer from public.messages as m
   where m.conversation_id = unread_message_count.conversation_id
     and m.author_id is distinct from unread_message_count.reader_id
     and m.deleted_at is null
     and (unread_message_count.read_until is null or m.created_at > unread_message_count.read_until)
$$;
comment on function private.unread_message_count(uuid, uuid, timestamptz) is
  'How many messages of a conversation a reader has not read: others'' undeleted messages after its read mark.';

create or replace function public.list_conversations(
  kind text default 'thread',
  search text default null,
  scope text default 'mine',
  before_at timestamptz default null,
  before_id uuid default null,
  page_size integer default 25
)
returns table (
  id uuid, subject text, client_id uuid, client_name text, matter_id uuid, matter_title text,
  participants jsonb, activity_at timestamptz, is_participant boolean, preview text, preview_author_name text,
  preview_deleted boolean, unread_count integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  caller_is_staff boolean := private.user_is_staff(uid);
  search_query tsquery;
  size integer := least(greatest(coalesce(page_size, 25), 1), 100);
begin
  if list_conversations.kind is null or list_conversations.kind not in ('thread', 'chat') then
    raise exception using errcode = 'P0001', message = 'invalid_kind';
  end if;
  if scope is null or scope not in ('mine', 'all') or (scope = 'all' and not caller_is_staff) then
    raise exception using errcode = 'P0001', message = 'invalid_scope', detail = 'Only staff list every conversation.';
  end if;
  if (before_at is null) <> (before_id is null) then
    raise exception using errcode = 'P0001', message = 'invalid_cursor';
  end if;
  if nullif(btrim(coalesce(search, '')), '') is not null then
    search_query := websearch_to_tsquery('german', search);
  end if;

  return query
  with visible as (
    select c.*, coalesce(c.last_message_at, c.created_at) as activity
      from public.conversations as c
     where c.kind = list_conversations.kind
       and (scope = 'all' or c.id in (select private.my_conversation_ids()))
       and (before_at is null or (coalesce(c.last_message_at, c.created_at), c.id) < (before_at, before_id))
       and (search_query is null
            or c.subject_search_vector @@ search_query
            or (c.id in (select private.my_conversation_ids())
                and exists (select 1 from public.messages as s where s.conversation_id = c.id and s.search_vector @@ search_query)))
     order by coalesce(c.last_message_at, c.created_at) desc, c.id desc
     limit size
  )
  select v.id, v.subject, v.client_id, cl.name, v.matter_id, mt.title,
         (select coalesce(jsonb_agg(jsonb_build_object('id', p.user_id, 'display_name', pr.display_name,
                                                       'is_staff', private.user_is_staff(p.user_id)) order by pr.display_name), '[]'::jsonb)
            from public.conversation_participants as p join public.profiles as pr on pr.id = p.user_id
           where p.conversation_id = v.id),
         v.activity, me.user_id is not null,
         case when me.user_id is not null then left(last.body, 140) end,
         case when me.user_id is not null then la.display_name end,
         case when me.user_id is not null then last.deleted_at is not null end,
         case when me.user_id is not null then
           private.unread_message_count(v.id, uid, me.last_read_at)
         else 0 end
    from visible as v
    join public.clients as cl on cl.id = v.client_id
    left join public.matters as mt on mt.id = v.matter_id
    left join public.conversation_participants as me on me.conversation_id = v.id and me.user_id = uid
    left join lateral (select m.body, m.author_id, m.deleted_at from public.messages as m
                        where m.conversation_id = v.id order by m.created_at desc, m.id desc limit 1) as last on true
    left join public.profiles as la on la.id = last.author_id
   order by v.activity desc, v.id desc;
end;
$$;

create or replace function public.list_open_chats()
returns table (
  id uuid, client_id uuid, client_name text, started_by uuid, started_by_name text, chat_status text,
  assigned_to uuid, assigned_name text, created_at timestamptz, last_message_at timestamptz,
  waiting_since timestamptz, is_participant boolean, unread_count integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  if not private.user_is_staff(uid) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff see the chat desk.';
  end if;
  return query
  select c.id, c.client_id, cl.name, c.created_by, starter.display_name, c.chat_status, c.assigned_to, assignee.display_name,
         c.created_at, c.last_message_at,
         (select min(m.created_at) from public.messages as m
           where m.conversation_id = c.id and m.event is null and not private.user_is_staff(m.author_id)
             and m.created_at > coalesce((select max(s.created_at) from public.messages as s
                                           where s.conversation_id = c.id and private.user_is_staff(s.author_id)), '-infinity')),
         me.user_id is not null,
         case when me.user_id is null then 0 else private.unread_message_count(c.id, uid, me.last_read_at) end
    from public.conversations as c
    join public.clients as cl on cl.id = c.client_id
    left join public.profiles as starter on starter.id = c.created_by
    left join public.profiles as assignee on assignee.id = c.assigned_to
    left join public.conversation_participants as me on me.conversation_id = c.id and me.user_id = uid
   where c.kind = 'chat' and c.chat_status <> 'closed'
   order by c.chat_status = 'active', c.created_at;
end;
$$;
