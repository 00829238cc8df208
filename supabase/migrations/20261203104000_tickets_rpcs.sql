-- The RPCs the ticket pages call: opening (idempotent, with attachments, on a client's behalf),
-- replying and internal notes (idempotent by client-generated ids, with attachments), marking a
-- ticket seen, and the lists: list_tickets (keyset pages, every filter of the staff queue, German
-- full-text search), ticket_status_counts and my_unread_ticket_count (the navigation badge).
--
-- The lists are security definer with the scope spelled out (staff: every ticket; others: exactly
-- private.my_ticket_ids(), the rule of the tickets policies) so the planner may use every index,
-- the full-text ones included (under RLS it may not: @@ is not leakproof). pgTAP proves the scope
-- persona by persona. Filters are added to the statement only when given (dynamic SQL with bound
-- values), so each call gets the plan of its own filters.
--
-- Priority is triage: only staff set it when opening. Clients and guests always open for
-- themselves; staff open for a user of the client or a guest of the matter (requester_id).

drop function public.open_ticket(text, text, uuid, uuid, text, text);

-- The text of a ticket, reply or note as stored: trimmed, not empty, at most 20,000 characters.
create function private.ticket_text(body text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if nullif(btrim(coalesce(body, '')), '') is null then
    raise exception using errcode = 'P0001', message = 'body_required';
  end if;
  if char_length(btrim(body)) > 20000 then
    raise exception using errcode = 'P0001', message = 'body_too_long', detail = 'At most 20,000 characters.';
  end if;
  return btrim(body);
end;
$$;

create function public.open_ticket(
  subject text,
  body text,
  client_id uuid default null,
  matter_id uuid default null,
  priority text default 'normal',
  category text default 'general',
  idempotency_key uuid default null,
  requester_id uuid default null,
  attachment_ids uuid[] default null
)
returns public.tickets
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  caller_is_staff boolean := private.user_is_staff(uid);
  scope_client uuid := open_ticket.client_id;
  requester uuid := coalesce(open_ticket.requester_id, case when not private.user_is_staff(uid) then uid end);
  created public.tickets%rowtype;
  first_reply uuid;
begin
  if open_ticket.idempotency_key is not null then
    select * into created from public.tickets as t
     where t.created_by = uid and t.idempotency_key = open_ticket.idempotency_key;
    if found then
      if created.subject is distinct from btrim(open_ticket.subject) then
        raise exception using errcode = 'P0001', message = 'idempotency_key_reused',
          detail = 'This key already opened another ticket.';
      end if;
      return created;
    end if;
  end if;
  if nullif(btrim(coalesce(subject, '')), '') is null then
    raise exception using errcode = 'P0001', message = 'subject_required';
  end if;
  if char_length(btrim(subject)) > 300 then
    raise exception using errcode = 'P0001', message = 'subject_too_long', detail = 'At most 300 characters.';
  end if;
  perform private.ticket_text(body);
  if priority is null or priority not in ('low', 'normal', 'high', 'urgent') then
    raise exception using errcode = 'P0001', message = 'invalid_priority';
  end if;
  if priority <> 'normal' and not caller_is_staff then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff set a priority.';
  end if;
  if category is null or category not in ('general', 'documents', 'appointments', 'billing', 'technical') then
    raise exception using errcode = 'P0001', message = 'invalid_category';
  end if;

  if open_ticket.matter_id is not null then
    if not private.user_can_access_matter(uid, open_ticket.matter_id) then
      raise exception using errcode = 'P0001', message = 'matter_not_found';
    end if;
    select m.client_id into scope_client from public.matters as m where m.id = open_ticket.matter_id;
  elsif scope_client is null then
    -- A client user with exactly one client need not name it.
    select min(c.id::text)::uuid into scope_client from private.my_client_ids() as c(id)
    having count(*) = 1;
    if scope_client is null then
      raise exception using errcode = 'P0001', message = 'scope_required',
        detail = 'Name the client or, for guests, the matter.';
    end if;
  elsif not (caller_is_staff or private.user_is_client_member(uid, scope_client)) then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;

  if requester is distinct from uid and requester is not null then
    if not caller_is_staff then
      raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff open tickets for someone else.';
    end if;
    if private.user_is_staff(requester)
       or not (private.user_is_client_member(requester, scope_client)
               or (open_ticket.matter_id is not null and private.user_can_access_matter(requester, open_ticket.matter_id))) then
      raise exception using errcode = 'P0001', message = 'requester_not_allowed',
        detail = 'The requester must be a user of the client or a guest of the matter.';
    end if;
  end if;

  insert into public.tickets (subject, priority, category, client_id, matter_id, created_by, requester_id, idempotency_key)
  values (btrim(subject), priority, category, scope_client, open_ticket.matter_id, uid, requester, open_ticket.idempotency_key)
  on conflict on constraint tickets_one_per_idempotency_key do nothing
  returning * into created;
  if not found then
    -- A concurrent call with the same key won: return its ticket.
    select * into created from public.tickets as t where t.created_by = uid and t.idempotency_key = open_ticket.idempotency_key;
    return created;
  end if;
  insert into public.ticket_replies (id, ticket_id, author_id, body)
  values (gen_random_uuid(), created.id, uid, private.ticket_text(body))
  returning id into first_reply;
  perform private.attach_ticket_documents(created.id, first_reply, attachment_ids);
  select * into created from public.tickets as t where t.id = created.id;
  return created;
end;
$$;
comment on function public.open_ticket(text, text, uuid, uuid, text, text, uuid, uuid, uuid[]) is
  'Opens a ticket with its first reply and attachments (uploads prepared with create_document_upload(matter_id => null)). The same idempotency_key returns the same ticket. Guests must name a matter; staff may open for requester_id (a user of the client or a guest of the matter) and set the priority. Errors: not_authenticated, session_required, mfa_required, forbidden, idempotency_key_reused, subject_required, subject_too_long, body_required, body_too_long, invalid_priority, invalid_category, scope_required, client_not_found, matter_not_found, requester_not_allowed, too_many_attachments, attachment_not_found, attachment_not_uploaded.';

create function public.reply_to_ticket(
  ticket_id uuid,
  body text,
  reply_id uuid default null,
  attachment_ids uuid[] default null
)
returns public.ticket_replies
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  reply public.ticket_replies%rowtype;
begin
  if not private.user_can_see_ticket(uid, reply_to_ticket.ticket_id) then
    raise exception using errcode = 'P0001', message = 'ticket_not_found';
  end if;
  if reply_to_ticket.reply_id is not null then
    select * into reply from public.ticket_replies as r where r.id = reply_to_ticket.reply_id;
    if found then
      if reply.author_id is distinct from uid or reply.ticket_id <> reply_to_ticket.ticket_id then
        raise exception using errcode = 'P0001', message = 'reply_id_conflict';
      end if;
      return reply;
    end if;
  end if;
  insert into public.ticket_replies (id, ticket_id, author_id, body)
  values (coalesce(reply_to_ticket.reply_id, gen_random_uuid()), reply_to_ticket.ticket_id, uid, private.ticket_text(body))
  returning * into reply;
  perform private.attach_ticket_documents(reply.ticket_id, reply.id, attachment_ids);
  return reply;
end;
$$;
comment on function public.reply_to_ticket(uuid, text, uuid, uuid[]) is
  'Replies to a ticket the caller may read, with attachments; a client''s or guest''s reply reopens a pending ticket, closed tickets take none. The same reply_id returns the same reply. Errors: not_authenticated, session_required, mfa_required, ticket_not_found, reply_id_conflict, body_required, body_too_long, ticket_closed, too_many_attachments, attachment_not_found, attachment_not_uploaded.';

create function public.add_internal_note(ticket_id uuid, body text, note_id uuid default null)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  existing public.ticket_internal_notes%rowtype;
  created uuid;
begin
  if not private.user_is_staff(uid) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if not exists (select 1 from public.tickets as t where t.id = add_internal_note.ticket_id) then
    raise exception using errcode = 'P0001', message = 'ticket_not_found';
  end if;
  if add_internal_note.note_id is not null then
    select * into existing from public.ticket_internal_notes as n where n.id = add_internal_note.note_id;
    if found then
      if existing.author_id is distinct from uid or existing.ticket_id <> add_internal_note.ticket_id then
        raise exception using errcode = 'P0001', message = 'note_id_conflict';
      end if;
      return existing.id;
    end if;
  end if;
  insert into public.ticket_internal_notes (id, ticket_id, author_id, body)
  values (coalesce(add_internal_note.note_id, gen_random_uuid()), add_internal_note.ticket_id, uid, private.ticket_text(body))
  returning id into created;
  return created;
end;
$$;
comment on function public.add_internal_note(uuid, text, uuid) is
  'Staff: an internal note on a ticket (never visible to clients or guests; read with read_internal_notes). The same note_id returns the same note. Errors: not_authenticated, session_required, mfa_required, forbidden, ticket_not_found, note_id_conflict, body_required, body_too_long.';

create function public.mark_ticket_seen(ticket_id uuid)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  if not private.user_can_see_ticket(uid, mark_ticket_seen.ticket_id) then
    raise exception using errcode = 'P0001', message = 'ticket_not_found';
  end if;
  perform private.mark_ticket_seen_by(uid, mark_ticket_seen.ticket_id);
  perform private.cancel_notification_mails(uid, 'ticket', mark_ticket_seen.ticket_id);
  -- The caller's other tabs and devices update their unread markers.
  perform realtime.send(jsonb_build_object('ticket_id', mark_ticket_seen.ticket_id, 'kind', 'seen'),
                        'ticket_activity', 'user:' || uid, true);
  return now();
end;
$$;
comment on function public.mark_ticket_seen(uuid) is
  'The caller has seen the ticket as it is now: clears its unread state and cancels the caller''s pending notification mail about it. Errors: not_authenticated, session_required, mfa_required, ticket_not_found.';

-- ---------------------------------------------------------------------------------------------
-- Lists
-- ---------------------------------------------------------------------------------------------

-- The tickets a staff search finds (subject, replies, internal notes; or the number), through the
-- GIN indexes, up to 2,000. As an array the planner knows how many there are and fetches them by
-- key, so a rare word never walks every ticket. Null when there are more: so common a word is
-- found faster walking the tickets in activity order and checking each.
create function private.staff_search_hits(search_query tsquery, searched_number bigint)
returns uuid[]
language sql
stable
security definer
set search_path = ''
as $$
  select case when cardinality(hits) <= 2000 then hits end
    from (select array(select s.ticket_id from private.ticket_search as s
                        where s.conversation @@ search_query or s.internal_notes @@ search_query
                       union
                       select t.id from public.tickets as t where t.number = searched_number
                       limit 2001) as hits) as found
$$;

-- The FROM and WHERE shared by list_tickets and ticket_status_counts. Parameters of the statement:
-- $1 caller, $2 statuses, $3 assignee, $4 client, $5 matter, $6 category, $7 priority,
-- $8 search query, $9 ticket number searched for, $10/$11 cursor (activity, id), $12 page size,
-- $13 a staff search's hits (hit_list: given; else the search checks each ticket walked). A
-- client's or guest's own tickets (few) are the source, looked up first and searched one by one
-- (the lists run with join_collapse_limit = 1).
create function private.ticket_list_source(
  caller_is_staff boolean, statuses text[], assignee_id uuid, unassigned boolean, client_id uuid, matter_id uuid,
  category text, priority text, search_query tsquery, searched_number bigint, cursor_given boolean, oldest_first boolean,
  hit_list boolean
)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  source text := 'public.tickets as t';
  conditions text[] := '{}'::text[];
  searching boolean := search_query is not null or searched_number is not null;
begin
  if not caller_is_staff then
    source := '(select private.my_ticket_ids() as id) as mine join public.tickets as t on t.id = mine.id';
    if searching then
      conditions := array_append(conditions, format('(exists (select 1 from private.ticket_search as s where s.ticket_id = t.id and s.conversation @@ $8)%s)',
        case when searched_number is not null then ' or t.number = $9' else '' end));
    end if;
  elsif searching and hit_list then
    conditions := array_append(conditions, 't.id = any ($13)');
  elsif searching then
    conditions := array_append(conditions, format('(exists (select 1 from private.ticket_search as s where s.ticket_id = t.id and (s.conversation @@ $8 or s.internal_notes @@ $8))%s)',
      case when searched_number is not null then ' or t.number = $9' else '' end));
  end if;
  -- One status as an equality, so an index on (…, status, last_activity_at) yields the order.
  if cardinality(statuses) = 1 then
    conditions := array_append(conditions, 't.status = ($2)[1]');
  elsif statuses is not null then
    conditions := array_append(conditions, 't.status = any ($2)');
  end if;
  if unassigned then
    conditions := array_append(conditions, 't.assignee_id is null');
  elsif assignee_id is not null then
    conditions := array_append(conditions, 't.assignee_id = $3');
  end if;
  if client_id is not null then
    conditions := array_append(conditions, 't.client_id = $4');
  end if;
  if matter_id is not null then
    conditions := array_append(conditions, 't.matter_id = $5');
  end if;
  if category is not null then
    conditions := array_append(conditions, 't.category = $6');
  end if;
  if priority is not null then
    conditions := array_append(conditions, 't.priority = $7');
  end if;
  if cursor_given then
    conditions := array_append(conditions, case when oldest_first then '(t.last_activity_at, t.id) > ($10, $11)' else '(t.last_activity_at, t.id) < ($10, $11)' end);
  end if;
  return format('%s where %s', source, case when cardinality(conditions) = 0 then 'true' else array_to_string(conditions, ' and ') end);
end;
$$;

-- Checks the filters every list takes; raises the codes list_tickets documents.
create function private.check_ticket_filters(statuses text[], category text, priority text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if statuses is not null and not statuses <@ array['open', 'pending', 'resolved', 'closed'] then
    raise exception using errcode = 'P0001', message = 'invalid_status';
  end if;
  if category is not null and category not in ('general', 'documents', 'appointments', 'billing', 'technical') then
    raise exception using errcode = 'P0001', message = 'invalid_category';
  end if;
  if priority is not null and priority not in ('low', 'normal', 'high', 'urgent') then
    raise exception using errcode = 'P0001', message = 'invalid_priority';
  end if;
end;
$$;

create function public.list_tickets(
  filter_statuses text[] default null,
  filter_assignee uuid default null,
  filter_unassigned boolean default false,
  filter_client uuid default null,
  filter_matter uuid default null,
  filter_category text default null,
  filter_priority text default null,
  search text default null,
  oldest_first boolean default false,
  after_activity_at timestamptz default null,
  after_id uuid default null,
  max_rows integer default 25
)
returns table (
  id uuid, number bigint, subject text, status text, priority text, category text,
  client_id uuid, client_name text, matter_id uuid, matter_title text, matter_reference text,
  requester_id uuid, requester_name text, assignee_id uuid, assignee_name text,
  created_at timestamptz, last_activity_at timestamptz, unread boolean
)
language plpgsql
stable
security definer
set search_path = ''
set join_collapse_limit = 1
as $$
declare
  uid uuid := private.require_access();
  caller_is_staff boolean := private.user_is_staff(uid);
  search_query tsquery := private.ticket_search_query(search);
  searched_number bigint := case when btrim(coalesce(search, '')) ~ '^#?[0-9]{1,18}$' then ltrim(btrim(search), '#')::bigint end;
  hits uuid[] := case when caller_is_staff and (search_query is not null or searched_number is not null)
                      then private.staff_search_hits(search_query, searched_number) end;
begin
  perform private.check_ticket_filters(filter_statuses, filter_category, filter_priority);
  if (after_activity_at is null) <> (after_id is null) then
    raise exception using errcode = 'P0001', message = 'invalid_cursor', detail = 'Give both after_activity_at and after_id, or neither.';
  end if;
  -- The page of tickets first, then the names for just those rows: the planner then weighs a
  -- handful of joins instead of all of them at once (planning dominated the call otherwise), and
  -- join_collapse_limit keeps the lookups in the order written.
  return query execute format(
    'select t.id, t.number, t.subject, t.status, t.priority, t.category,
            t.client_id, %1$s, t.matter_id, m.title, m.reference,
            t.requester_id, rq.display_name, t.assignee_id, asg.display_name,
            t.created_at, t.last_activity_at,
            (rd.seen_at is null or rd.seen_at < t.last_activity_at
             %2$s)
       from (select t.* from %3$s
              order by t.last_activity_at %4$s, t.id %4$s
              limit $12) as t
       join public.clients as c on c.id = t.client_id
       left join public.matters as m on m.id = t.matter_id
       left join public.profiles as rq on rq.id = t.requester_id
       left join public.profiles as asg on asg.id = t.assignee_id
       left join public.ticket_reads as rd on rd.ticket_id = t.id and rd.user_id = $1
      order by t.last_activity_at %4$s, t.id %4$s',
    case when caller_is_staff then 'c.name' else 'null::text' end,
    case when caller_is_staff then 'or exists (select 1 from public.ticket_internal_notes as n where n.ticket_id = t.id and n.author_id is distinct from $1 and n.created_at > coalesce(rd.seen_at, ''-infinity''))' else '' end,
    private.ticket_list_source(caller_is_staff, filter_statuses, filter_assignee, filter_unassigned, filter_client,
                               filter_matter, filter_category, filter_priority, search_query, searched_number,
                               after_id is not null, oldest_first, hits is not null),
    case when oldest_first then 'asc' else 'desc' end)
  using uid, filter_statuses, filter_assignee, filter_client, filter_matter, filter_category, filter_priority,
        search_query, searched_number, after_activity_at, after_id, greatest(least(coalesce(max_rows, 25), 100), 1), hits;
end;
$$;
comment on function public.list_tickets(text[], uuid, boolean, uuid, uuid, text, text, text, boolean, timestamptz, uuid, integer) is
  'The caller''s tickets (staff: all), newest activity first (oldest_first: longest waiting first), filtered, max_rows (≤ 100) after the cursor (after_activity_at, after_id = the last row''s last_activity_at and id). search: German full-text over subject and replies (staff: also internal notes), or a ticket number. unread: activity the caller has not seen. client_name only for staff. Errors: not_authenticated, session_required, mfa_required, invalid_status, invalid_category, invalid_priority, invalid_cursor.';

create function public.ticket_status_counts(
  filter_assignee uuid default null,
  filter_unassigned boolean default false,
  filter_client uuid default null,
  filter_matter uuid default null,
  filter_category text default null,
  filter_priority text default null,
  search text default null
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
set join_collapse_limit = 1
as $$
declare
  uid uuid := private.require_access();
  caller_is_staff boolean := private.user_is_staff(uid);
  search_query tsquery := private.ticket_search_query(search);
  searched_number bigint := case when btrim(coalesce(search, '')) ~ '^#?[0-9]{1,18}$' then ltrim(btrim(search), '#')::bigint end;
  hits uuid[] := case when caller_is_staff and (search_query is not null or searched_number is not null)
                      then private.staff_search_hits(search_query, searched_number) end;
  counts jsonb;
begin
  perform private.check_ticket_filters(null, filter_category, filter_priority);
  execute format(
    'select jsonb_build_object(''open'', count(*) filter (where t.status = ''open''), ''pending'', count(*) filter (where t.status = ''pending''),
                               ''resolved'', count(*) filter (where t.status = ''resolved''), ''closed'', count(*) filter (where t.status = ''closed''))
       from %s',
    private.ticket_list_source(caller_is_staff, null, filter_assignee, filter_unassigned, filter_client, filter_matter,
                               filter_category, filter_priority, search_query, searched_number, false, false, hits is not null))
  into counts
  using uid, null::text[], filter_assignee, filter_client, filter_matter, filter_category, filter_priority, search_query, searched_number,
        null::timestamptz, null::uuid, null::integer, hits;
  return counts;
end;
$$;
comment on function public.ticket_status_counts(uuid, boolean, uuid, uuid, text, text, text) is
  'How many of the caller''s tickets (staff: all) are in each status, for the same filters as list_tickets: {"open": n, "pending": n, "resolved": n, "closed": n}. Errors: not_authenticated, session_required, mfa_required, invalid_category, invalid_priority.';

create function public.my_unread_ticket_count()
returns integer
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  -- Counted up to 100: the badge shows "99+" beyond, and a long queue costs no more than that.
  if private.user_is_staff(uid) then
    -- Staff: their own tickets and the open ones nobody has taken yet.
    return (select count(*) from (
              select 1 from (select t.id, t.last_activity_at from public.tickets as t where t.assignee_id = uid and t.status <> 'closed'
                             union all
                             select t.id, t.last_activity_at from public.tickets as t where t.assignee_id is null and t.status = 'open') as t
                left join public.ticket_reads as rd on rd.ticket_id = t.id and rd.user_id = uid
               where rd.seen_at is null or rd.seen_at < t.last_activity_at
                  or exists (select 1 from public.ticket_internal_notes as n
                              where n.ticket_id = t.id and n.author_id is distinct from uid
                                and n.created_at > coalesce(rd.seen_at, '-infinity'))
               limit 100) as news);
  end if;
  return (select count(*) from (
            select 1 from public.tickets as t
              left join public.ticket_reads as rd on rd.ticket_id = t.id and rd.user_id = uid
             where t.id in (select private.my_ticket_ids())
               and (rd.seen_at is null or rd.seen_at < t.last_activity_at)
             limit 100) as news);
end;
$$;
comment on function public.my_unread_ticket_count() is
  'The navigation badge: tickets with news the caller has not seen, at most 100. Clients and guests: all of theirs; staff: those assigned to them (not closed) and the open ones nobody is assigned to. Errors: not_authenticated, session_required, mfa_required.';

grant execute on function
  public.open_ticket(text, text, uuid, uuid, text, text, uuid, uuid, uuid[]),
  public.reply_to_ticket(uuid, text, uuid, uuid[]), public.add_internal_note(uuid, text, uuid),
  public.mark_ticket_seen(uuid),
  public.list_tickets(text[], uuid, boolean, uuid, uuid, text, text, text, boolean, timestamptz, uuid, integer),
  public.ticket_status_counts(uuid, boolean, uuid, uuid, text, text, text), public.my_unread_ticket_count()
  to authenticated;
