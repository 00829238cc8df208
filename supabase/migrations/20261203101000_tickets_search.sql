-- Full-text search over tickets with PostgreSQL's German configuration.
--
-- private.ticket_search holds two documents per ticket: `conversation` (the subject, weight A, and
-- every reply) and `internal_notes` (staff-only notes). Both live outside `public`, so no client
-- can read the lexemes of a note through the API, and the tickets rows stay small. Triggers keep
-- them current: a reply or note appends its vector (no re-reading of the whole ticket), a new
-- subject rebuilds the conversation. list_tickets (20261203103000) searches `conversation` for
-- everyone and `internal_notes` only for staff, always inside the caller's tickets.

create table private.ticket_search (
  ticket_id      uuid primary key references public.tickets (id) on delete cascade,
  conversation   tsvector not null default ''::tsvector,
  internal_notes tsvector not null default ''::tsvector
);
comment on table private.ticket_search is
  'Search documents per ticket (German): subject and replies; internal notes separately (staff search only).';
create index ticket_search_conversation_idx on private.ticket_search using gin (conversation);
create index ticket_search_internal_notes_idx on private.ticket_search using gin (internal_notes);
alter table private.ticket_search enable row level security;
revoke all on private.ticket_search from public, anon, authenticated, service_role;

create function private.ticket_conversation_vector(ticket_id uuid)
returns tsvector
language sql
stable
set search_path = ''
as $$
  select setweight(to_tsvector('german', t.subject), 'A')
         || to_tsvector('german', coalesce((select string_agg(r.body, E'\n' order by r.created_at)
                                              from public.ticket_replies as r where r.ticket_id = t.id), ''))
    from public.tickets as t
   where t.id = ticket_conversation_vector.ticket_id
$$;

insert into private.ticket_search (ticket_id, conversation, internal_notes)
select t.id, private.ticket_conversation_vector(t.id),
       to_tsvector('german', coalesce((select string_agg(n.body, E'\n') from public.ticket_internal_notes as n where n.ticket_id = t.id), ''))
  from public.tickets as t;

create function private.index_ticket_subject()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.ticket_search (ticket_id, conversation)
  values (new.id, private.ticket_conversation_vector(new.id))
  on conflict (ticket_id) do update set conversation = excluded.conversation;
  return null;
end;
$$;

create trigger tickets_index_subject
  after insert or update of subject on public.tickets
  for each row execute function private.index_ticket_subject();

create function private.index_ticket_text()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'ticket_replies' then
    update private.ticket_search as s set conversation = s.conversation || to_tsvector('german', new.body)
     where s.ticket_id = new.ticket_id;
  else
    update private.ticket_search as s set internal_notes = s.internal_notes || to_tsvector('german', new.body)
     where s.ticket_id = new.ticket_id;
  end if;
  return null;
end;
$$;

create trigger ticket_replies_index_text
  after insert on public.ticket_replies
  for each row execute function private.index_ticket_text();
create trigger ticket_internal_notes_index_text
  after insert on public.ticket_internal_notes
  for each row execute function private.index_ticket_text();

-- The search text as a query: web-search syntax ("…", or, -) with German stemming; null when
-- nothing searchable is left (empty, or stop words only).
create function private.ticket_search_query(search text)
returns tsquery
language sql
immutable
set search_path = ''
as $$
  select case when numnode(q) > 0 then q end
    from (select websearch_to_tsquery('german', btrim(search)) as q where btrim(coalesce(search, '')) <> '') as parsed
$$;
