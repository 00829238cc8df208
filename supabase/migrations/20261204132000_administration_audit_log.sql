-- Administration, part 3: the audit log made tamper-evident, readable in words, filterable by
-- person, and exportable.
--
-- Hash chain: every event gets a gapless chain_position, the previous event's hash and its own
-- hash = sha256(previous hash || canonical text of its content). A before-insert trigger takes
-- the next position from ops.audit_chain_head (a single row, locked by the update, so concurrent
-- inserts chain one after the other and a rolled-back insert leaves no gap). Changing a row,
-- deleting one (a gap, or a head that no longer matches the last row), or inserting one with the
-- trigger disabled all fail verify_audit_chain(), also when a superuser did it past the
-- append-only trigger. A superuser who rewrites the whole chain and its head is caught only by
-- comparing the head with a copy kept elsewhere: verify_audit_chain() returns the head for that.
--
-- list_audit_events() gains the person filter (events by them or about them), a keyset cursor and
-- what the app needs to say an event in words (the actor's name, a label for the object: a
-- document's name and version, a client's name, a person's name). Erased people have no profile
-- any more: actor_name is null with an actor_id, which the app shows as "ehemaliger Nutzer".
-- audit_events_csv() exports the same filters as CSV and is itself audited.

alter table ops.audit_events
  add column chain_position bigint unique,
  add column previous_hash bytea,
  add column hash bytea;
comment on column ops.audit_events.hash is
  'sha256(previous_hash || private.audit_event_content(...)): changes to any field break the chain (verify_audit_chain).';

create table ops.audit_chain_head (
  singleton boolean primary key default true check (singleton),
  position  bigint not null,
  hash      bytea not null
);
comment on table ops.audit_chain_head is 'The last link of the audit hash chain: its position and hash. One row, written only by the chaining trigger.';
alter table ops.audit_chain_head enable row level security;
revoke all on ops.audit_chain_head from public, anon, authenticated, service_role;
grant select on ops.audit_chain_head to service_role;

create index audit_events_actor_time_idx on ops.audit_events (actor_id, occurred_at desc, id desc);
create index audit_events_entity_id_time_idx on ops.audit_events (entity_id, occurred_at desc, id desc);
drop index ops.audit_events_actor_id_idx;

-- The hashed text: a JSON array of the fields in a fixed order, times in UTC (independent of the
-- session's TimeZone), jsonb in its normalised form.
create function private.audit_event_content(
  chain_position bigint, occurred_at timestamptz, actor_id uuid, actor_role text, action text,
  entity_type text, entity_id text, details jsonb, request_id text, ip inet
)
returns bytea
language sql
immutable
set search_path = ''
as $$
  select convert_to(jsonb_build_array(chain_position, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                      actor_id, actor_role, action, entity_type, entity_id, details, request_id,
                                      host(ip))::text, 'UTF8')
$$;

create function private.audit_chain_genesis()
returns bytea
language sql
immutable
set search_path = ''
as $$
  select extensions.digest('mandantenportal audit chain', 'sha256')
$$;

create function private.chain_audit_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  head ops.audit_chain_head%rowtype;
begin
  select * into head from ops.audit_chain_head as h for update;
  new.chain_position := head.position + 1;
  new.previous_hash := head.hash;
  new.hash := extensions.digest(head.hash || private.audit_event_content(new.chain_position, new.occurred_at,
    new.actor_id, new.actor_role, new.action, new.entity_type, new.entity_id, new.details, new.request_id, new.ip), 'sha256');
  update ops.audit_chain_head set position = new.chain_position, hash = new.hash;
  return new;
end;
$$;

-- Chain the events recorded before this migration, in their order. The append-only trigger is
-- lifted for exactly this one backfill.
insert into ops.audit_chain_head (position, hash) values (0, private.audit_chain_genesis());
alter table ops.audit_events disable trigger audit_events_are_append_only;
do $$
declare
  event ops.audit_events%rowtype;
  head ops.audit_chain_head%rowtype;
begin
  for event in select * from ops.audit_events order by occurred_at, id loop
    select * into head from ops.audit_chain_head;
    update ops.audit_events as e
       set chain_position = head.position + 1, previous_hash = head.hash,
           hash = extensions.digest(head.hash || private.audit_event_content(head.position + 1, event.occurred_at,
             event.actor_id, event.actor_role, event.action, event.entity_type, event.entity_id, event.details,
             event.request_id, event.ip), 'sha256')
     where e.id = event.id
    returning e.chain_position, e.hash into head.position, head.hash;
    update ops.audit_chain_head set position = head.position, hash = head.hash;
  end loop;
end;
$$;
alter table ops.audit_events enable trigger audit_events_are_append_only;
alter table ops.audit_events alter column chain_position set not null,
  alter column previous_hash set not null, alter column hash set not null;

create trigger audit_events_chain
  before insert on ops.audit_events
  for each row execute function private.chain_audit_event();

create function public.verify_audit_chain()
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  head ops.audit_chain_head%rowtype;
  broken_position bigint;
  problem text;
  checked bigint;
  last_position bigint;
  last_hash bytea;
begin
  perform private.require_admin();
  select * into head from ops.audit_chain_head;
  -- The first event whose position, link or content does not add up.
  select x.expected_position,
         case when x.chain_position is distinct from x.expected_position then 'missing_event'
              when x.previous_hash is distinct from x.expected_previous then 'broken_link'
              else 'changed_event' end
    into broken_position, problem
    from (select e.*, row_number() over w as expected_position,
                 coalesce(lag(e.hash) over w, private.audit_chain_genesis()) as expected_previous
            from ops.audit_events as e
          window w as (order by e.chain_position nulls last, e.id)) as x
   where x.chain_position is distinct from x.expected_position
      or x.previous_hash is distinct from x.expected_previous
      or x.hash is distinct from extensions.digest(x.previous_hash || private.audit_event_content(x.chain_position,
           x.occurred_at, x.actor_id, x.actor_role, x.action, x.entity_type, x.entity_id, x.details, x.request_id, x.ip), 'sha256')
   order by x.expected_position
   limit 1;
  select count(*) into checked from ops.audit_events;
  select e.chain_position, e.hash into last_position, last_hash
    from ops.audit_events as e order by e.chain_position desc nulls first limit 1;
  -- Rows gone from the end show only against the head.
  if problem is null and (coalesce(last_position, 0) <> head.position
                          or coalesce(last_hash, private.audit_chain_genesis()) <> head.hash) then
    broken_position := coalesce(last_position, 0) + 1;
    problem := 'missing_event';
  end if;
  perform private.audit('audit.verified', 'audit_log', null,
    jsonb_build_object('intact', problem is null, 'checked', checked));
  return jsonb_build_object(
    'intact', problem is null,
    'checked', checked,
    'first_broken_position', broken_position,
    'problem', problem,
    'head_position', head.position,
    'head_hash', encode(head.hash, 'hex'));
end;
$$;
comment on function public.verify_audit_chain() is
  'Admins: recomputes the audit hash chain. intact false names the first broken position and the problem (changed_event, broken_link, missing_event). head_hash can be compared with a copy kept elsewhere. Errors: forbidden, mfa_required.';

-- ---------------------------------------------------------------------------------------------
-- Reading: filters, keyset paging, names and labels for the sentence
-- ---------------------------------------------------------------------------------------------

drop function public.list_audit_events(timestamptz, timestamptz, text, text, text, integer);

-- What the event is about, for people: a document as "name (version n)", a client, a matter, a
-- person, a ticket, an invitation's address.
create function private.audit_entity_label(entity_type text, entity_id text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  target_id uuid;
  label text;
begin
  if entity_id is null or entity_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return null;
  end if;
  target_id := entity_id::uuid;
  label := case entity_type
    when 'document' then (select jsonb_build_object('name', d.name, 'version', d.version)::text from public.documents as d where d.id = target_id)
    when 'client' then (select c.name from public.clients as c where c.id = target_id)
    when 'matter' then (select m.title from public.matters as m where m.id = target_id)
    when 'ticket' then (select '#' || t.number || ' ' || t.subject from public.tickets as t where t.id = target_id)
    when 'invitation' then (select i.email from public.invitations as i where i.id = target_id)
    else (select p.display_name from public.profiles as p where p.id = target_id)
  end;
  return label;
end;
$$;

create function private.audit_filter_conditions(
  since timestamptz, until timestamptz, action_prefix text, for_entity_type text, for_entity_id text,
  before_occurred_at timestamptz, before_id bigint
)
returns text
language sql
immutable
set search_path = ''
as $$
  select concat_ws(' and ', 'true',
    case when since is not null then format('e.occurred_at >= %L', since) end,
    case when until is not null then format('e.occurred_at < %L', until) end,
    case when action_prefix is not null then format('e.action like %L', replace(replace(action_prefix, '%', '\%'), '_', '\_') || '%') end,
    case when for_entity_type is not null then format('e.entity_type = %L', for_entity_type) end,
    case when for_entity_id is not null then format('e.entity_id = %L', for_entity_id) end,
    case when before_id is not null then format('(e.occurred_at, e.id) < (%L::timestamptz, %s)', before_occurred_at, before_id) end)
$$;

-- The work of list_audit_events and audit_events_csv, without the caller checks (they do those).
create function private.audit_events_page(
  since timestamptz, until timestamptz, action_prefix text, for_entity_type text, for_entity_id text,
  row_limit integer, for_person uuid, before_occurred_at timestamptz, before_id bigint
)
returns table (
  id bigint, occurred_at timestamptz, actor_id uuid, actor_name text, actor_role text, action text,
  entity_type text, entity_id text, entity_label text, details jsonb, request_id text, ip inet, chain_position bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  conditions text;
  source text;
begin
  if (before_occurred_at is null) <> (before_id is null) then
    raise exception using errcode = 'P0001', message = 'invalid_cursor', detail = 'Give both before_occurred_at and before_id, or neither.';
  end if;
  conditions := private.audit_filter_conditions(since, until, action_prefix, for_entity_type, for_entity_id,
                                                before_occurred_at, before_id);
  -- By a person or about them: two index range scans (actor, object), each already in order.
  source := case when for_person is null
    then format('select * from ops.audit_events as e where %s order by e.occurred_at desc, e.id desc limit %s', conditions, row_limit)
    else format('(select * from ops.audit_events as e where e.actor_id = %1$L and %2$s order by e.occurred_at desc, e.id desc limit %3$s)
                 union
                 (select * from ops.audit_events as e where e.entity_id = %1$L and %2$s order by e.occurred_at desc, e.id desc limit %3$s)',
                for_person, conditions, row_limit) end;
  return query execute format(
    'select e.id, e.occurred_at, e.actor_id, p.display_name, e.actor_role, e.action, e.entity_type, e.entity_id,
            private.audit_entity_label(e.entity_type, e.entity_id), e.details, e.request_id, e.ip, e.chain_position
       from (select * from (%s) as u order by u.occurred_at desc, u.id desc limit %s) as e
       left join public.profiles as p on p.id = e.actor_id
      order by e.occurred_at desc, e.id desc', source, row_limit);
end;
$$;

create function public.list_audit_events(
  since timestamptz default null,
  until timestamptz default null,
  action_prefix text default null,
  for_entity_type text default null,
  for_entity_id text default null,
  max_rows integer default 200,
  for_person uuid default null,
  before_occurred_at timestamptz default null,
  before_id bigint default null
)
returns table (
  id bigint, occurred_at timestamptz, actor_id uuid, actor_name text, actor_role text, action text,
  entity_type text, entity_id text, entity_label text, details jsonb, request_id text, ip inet, chain_position bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_access();
  if not private.is_admin() then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only admins read the audit log.';
  end if;
  return query select * from private.audit_events_page(since, until, action_prefix, for_entity_type, for_entity_id,
    greatest(least(coalesce(max_rows, 200), 1000), 1), for_person, before_occurred_at, before_id);
end;
$$;
comment on function public.list_audit_events(timestamptz, timestamptz, text, text, text, integer, uuid, timestamptz, bigint) is
  'Admins: the audit log, newest first, filtered by time, action prefix, object and person (events by or about them), keyset-paged by (occurred_at, id) before the cursor; with the actor''s name and a label of the object. Errors: not_authenticated, mfa_required, forbidden, invalid_cursor.';

-- One CSV field (RFC 4180 quoting). A text a spreadsheet would run as a formula gets a leading
-- apostrophe (OWASP's advice against CSV injection).
create function private.csv_field(value text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when value is null then ''
              else '"' || replace(case when value ~ '^[-=+@\t\r]' then '''' || value else value end, '"', '""') || '"' end
$$;

create function public.audit_events_csv(
  since timestamptz default null,
  until timestamptz default null,
  action_prefix text default null,
  for_entity_type text default null,
  for_entity_id text default null,
  for_person uuid default null
)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  csv text;
  exported integer;
begin
  perform private.require_admin();
  -- At most 100,000 events in one file; narrower filters for more.
  select count(*)::integer,
         coalesce(string_agg(concat_ws(',',
           private.csv_field(to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
           private.csv_field(e.chain_position::text), private.csv_field(e.actor_id::text), private.csv_field(e.actor_name),
           private.csv_field(e.actor_role), private.csv_field(e.action), private.csv_field(e.entity_type),
           private.csv_field(e.entity_id), private.csv_field(e.entity_label), private.csv_field(e.details::text),
           private.csv_field(host(e.ip)), private.csv_field(e.request_id)), E'\r\n' order by e.occurred_at desc, e.id desc), '')
    into exported, csv
    from private.audit_events_page(since, until, action_prefix, for_entity_type, for_entity_id, 100000, for_person, null, null) as e;
  perform private.audit('audit.exported', 'audit_log', null, jsonb_build_object('rows', exported, 'filters',
    jsonb_strip_nulls(jsonb_build_object('since', since, 'until', until, 'action_prefix', action_prefix,
      'entity_type', for_entity_type, 'entity_id', for_entity_id, 'person', for_person))));
  return 'occurred_at,chain_position,actor_id,actor_name,actor_role,action,entity_type,entity_id,entity_label,details,ip,request_id'
         || E'\r\n' || csv || case when csv = '' then '' else E'\r\n' end;
end;
$$;
comment on function public.audit_events_csv(timestamptz, timestamptz, text, text, text, uuid) is
  'Admins: the filtered audit log (at most 100,000 events, newest first, times in UTC) as RFC 4180 CSV with a header row; the export is audited. Errors: forbidden, mfa_required.';

revoke execute on function private.audit_event_content(bigint, timestamptz, uuid, text, text, text, text, jsonb, text, inet),
  private.audit_chain_genesis(), private.chain_audit_event(), private.audit_entity_label(text, text),
  private.audit_filter_conditions(timestamptz, timestamptz, text, text, text, timestamptz, bigint),
  private.audit_events_page(timestamptz, timestamptz, text, text, text, integer, uuid, timestamptz, bigint),
  private.csv_field(text) from public;
revoke execute on function public.verify_audit_chain(),
  public.list_audit_events(timestamptz, timestamptz, text, text, text, integer, uuid, timestamptz, bigint),
  public.audit_events_csv(timestamptz, timestamptz, text, text, text, uuid) from public;
grant execute on function public.verify_audit_chain(),
  public.list_audit_events(timestamptz, timestamptz, text, text, text, integer, uuid, timestamptz, bigint),
  public.audit_events_csv(timestamptz, timestamptz, text, text, text, uuid) to authenticated;
