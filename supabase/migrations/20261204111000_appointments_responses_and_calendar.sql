-- Termine: how they are shown and answered, the private calendar feed, and the reminder mail.
--
-- Times are stored in UTC (timestamptz); time_zone says where the appointment takes place
-- (Europe/Berlin unless staff choose otherwise) so the app and the .ics show it there. A place or
-- "per Videoanruf" (video_call).
--
-- Answers are per client (a company's users answer for the company; the latest answer counts and
-- records who gave it): confirmed, declined, or reschedule_requested, which opens a ticket
-- (category appointments) for staff with the requested time in its text. Only the users of a client
-- the appointment concerns may answer, through respond_to_appointment.
--
-- Calendar feed: a person creates a secret feed address (256-bit token, only its SHA-256 is kept);
-- creating a new one revokes the old, revoke_calendar_feed ends it. The `calendar-feed` edge function
-- (verify_jwt off: calendar apps send no token) calls calendar_feed(token) as the service role and
-- gets exactly that person's appointments (the same rule as RLS, minus those their client declined).
--
-- Reminders: every hour a job queues one content-free mail (`appointment_reminder`: "you have an
-- appointment tomorrow", a link, no title, place or notes) per person for appointments on the next
-- Berlin calendar day, once, from 08:00 Berlin time.

alter table public.appointments
  add column time_zone text not null default 'Europe/Berlin',
  add column video_call boolean not null default false;

-- Inline rather than a helper: a trigger function needs no EXECUTE grant for the staff who insert
-- through REST, a helper would. The zone list is read only for zones other than the default.
create function private.check_appointment_time_zone()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.time_zone <> 'Europe/Berlin'
     and not exists (select 1 from pg_catalog.pg_timezone_names as z where z.name = new.time_zone) then
    raise exception using errcode = 'P0001', message = 'invalid_time_zone', detail = new.time_zone;
  end if;
  return new;
end;
$$;
create trigger appointments_check_time_zone
  before insert or update of time_zone on public.appointments
  for each row execute function private.check_appointment_time_zone();

grant update (time_zone, video_call) on public.appointments to authenticated;

-- Who an appointment concerns: its client, or the clients its page addresses.
create function private.appointment_client_ids(appointment_id uuid)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select ap.client_id from public.appointments as ap where ap.id = appointment_client_ids.appointment_id and ap.client_id is not null
  union
  select a.client_id from public.appointments as ap join public.page_audiences as a on a.page_id = ap.page_id
   where ap.id = appointment_client_ids.appointment_id and a.client_id is not null
  union
  select gm.client_id from public.appointments as ap join public.page_audiences as a on a.page_id = ap.page_id
    join public.client_group_members as gm on gm.group_id = a.group_id
   where ap.id = appointment_client_ids.appointment_id
$$;

-- The appointments a person sees: the policy's rule, for any user (the feed has no JWT).
create function private.appointment_ids_for(user_id uuid)
returns setof uuid
language plpgsql
stable
security definer
rows 20
set search_path = ''
as $$
begin
  return query
    select ap.id from public.appointments as ap where ap.client_id in (select private.user_client_ids(appointment_ids_for.user_id))
    union
    select ap.id from public.appointments as ap where ap.page_id in (select private.page_ids_for(appointment_ids_for.user_id));
end;
$$;

create function private.my_appointment_ids()
returns setof uuid
language plpgsql
stable
security definer
rows 20
set search_path = ''
as $$
begin
  return query
    select private.appointment_ids_for(auth.uid());
end;
$$;
grant execute on function private.my_appointment_ids() to authenticated;

drop policy "Client users can read appointments of their client and pages" on public.appointments;
create policy "Client users can read appointments of their client and pages"
  on public.appointments for select to authenticated
  using (id in (select private.my_appointment_ids()));

-- ---------------------------------------------------------------------------------------------
-- Answers
-- ---------------------------------------------------------------------------------------------

create table public.appointment_responses (
  appointment_id uuid not null references public.appointments (id) on delete cascade,
  client_id      uuid not null references public.clients (id) on delete cascade,
  response       text not null check (response in ('confirmed', 'declined', 'reschedule_requested')),
  note           text check (char_length(note) <= 2000),
  responded_by   uuid references public.profiles (id) on delete set null,
  responded_at   timestamptz not null default now(),
  ticket_id      uuid references public.tickets (id) on delete set null,
  primary key (appointment_id, client_id)
);
comment on table public.appointment_responses is 'A client''s answer to an appointment (the latest counts); written by respond_to_appointment only.';
create index appointment_responses_client_id_idx on public.appointment_responses (client_id);
create index appointment_responses_responded_by_idx on public.appointment_responses (responded_by);
create index appointment_responses_ticket_id_idx on public.appointment_responses (ticket_id);
alter table public.appointment_responses enable row level security;
create policy "Only sessions that passed the second factor get access"
  on public.appointment_responses as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all appointment responses"
  on public.appointment_responses for select to authenticated
  using ((select private.is_staff()));
create policy "Client users can read their client's appointment responses"
  on public.appointment_responses for select to authenticated
  using (client_id in (select private.my_client_ids()));
revoke all on public.appointment_responses from anon, authenticated;
grant all on public.appointment_responses to service_role;
grant select on public.appointment_responses to authenticated;

create function public.respond_to_appointment(
  appointment_id uuid,
  response text,
  note text default null,
  client_id uuid default null
)
returns public.appointment_responses
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  appointment public.appointments;
  answering_client uuid := respond_to_appointment.client_id;
  candidates uuid[];
  clean_note text := nullif(btrim(coalesce(note, '')), '');
  previous public.appointment_responses;
  saved public.appointment_responses;
  ticket public.tickets;
begin
  if response is null or response not in ('confirmed', 'declined', 'reschedule_requested') then
    raise exception using errcode = 'P0001', message = 'invalid_response';
  end if;
  if char_length(coalesce(clean_note, '')) > 2000 then
    raise exception using errcode = 'P0001', message = 'note_too_long', detail = 'At most 2,000 characters.';
  end if;
  select * into appointment from public.appointments as ap
   where ap.id = respond_to_appointment.appointment_id and ap.id in (select private.appointment_ids_for(uid));
  if appointment.id is null then
    raise exception using errcode = 'P0001', message = 'appointment_not_found';
  end if;
  candidates := array(select c.id from private.appointment_client_ids(appointment.id) as c(id)
                       where c.id in (select private.user_client_ids(uid)));
  if answering_client is null and cardinality(candidates) = 1 then
    answering_client := candidates[1];
  elsif answering_client is null then
    raise exception using errcode = 'P0001', message = 'client_required', detail = 'You act for several clients this appointment concerns.';
  elsif answering_client <> all (candidates) then
    raise exception using errcode = 'P0001', message = 'appointment_not_found';
  end if;
  if appointment.ends_at < now() then
    raise exception using errcode = 'P0001', message = 'appointment_past';
  end if;

  select * into previous from public.appointment_responses as r
   where r.appointment_id = appointment.id and r.client_id = answering_client for update;
  -- A retried request (same answer, same note) changes nothing and opens no second ticket.
  if previous.appointment_id is not null and previous.response = respond_to_appointment.response
     and previous.note is not distinct from clean_note then
    return previous;
  end if;

  if respond_to_appointment.response = 'reschedule_requested' then
    ticket := public.open_ticket(
      subject => left('Terminanfrage: ' || appointment.title, 200),
      body => 'Bitte um einen anderen Termin für „' || appointment.title || '“ am '
              || to_char(appointment.starts_at at time zone appointment.time_zone, 'DD.MM.YYYY, HH24:MI')
              || ' Uhr (' || appointment.time_zone || ').' || coalesce(E'\n\n' || clean_note, ''),
      client_id => answering_client,
      category => 'appointments');
  end if;

  insert into public.appointment_responses as r (appointment_id, client_id, response, note, responded_by, responded_at, ticket_id)
  values (appointment.id, answering_client, respond_to_appointment.response, clean_note, uid, now(), ticket.id)
  on conflict on constraint appointment_responses_pkey do update
    set response = excluded.response, note = excluded.note, responded_by = excluded.responded_by,
        responded_at = excluded.responded_at, ticket_id = coalesce(excluded.ticket_id, r.ticket_id)
  returning * into saved;
  return saved;
end;
$$;
comment on function public.respond_to_appointment(uuid, text, text, uuid) is
  'A client user answers an appointment for its client: confirmed, declined or reschedule_requested (opens a ticket for staff). Repeating the same answer is harmless. Errors: invalid_response, note_too_long, appointment_not_found, client_required, appointment_past.';

-- The appointments on a page or for the viewer, with the viewer's clients' answers (RLS applies:
-- invoker), for the page view and the overview.
create function private.appointments_as_seen(page_id uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  return (
    select coalesce(jsonb_agg(jsonb_build_object(
             'id', ap.id, 'title', ap.title, 'description', ap.description, 'starts_at', ap.starts_at, 'ends_at', ap.ends_at,
             'time_zone', ap.time_zone, 'location', ap.location, 'video_call', ap.video_call,
             'responses', (select coalesce(jsonb_agg(jsonb_build_object('client_id', r.client_id, 'response', r.response,
                                                                         'note', r.note, 'responded_at', r.responded_at)), '[]'::jsonb)
                             from public.appointment_responses as r where r.appointment_id = ap.id))
             order by ap.starts_at), '[]'::jsonb)
      from public.appointments as ap
     where ap.page_id = appointments_as_seen.page_id);
end;
$$;
grant execute on function private.appointments_as_seen(uuid) to authenticated;

-- A page as the viewer sees it, through the viewer's RLS (get_page, preview_page_as).
create function private.page_as_seen(page public.pages, viewer uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  return (
    select to_jsonb(page) - 'created_by' - 'updated_by'
           || jsonb_build_object(
                'audiences', coalesce((select seen.audiences from private.page_audiences_as_seen(array[page.id]) as seen), '[]'::jsonb),
                'appointments', private.appointments_as_seen(page.id),
                'unread', page.published and not exists (select 1 from public.page_reads as r
                                                          where r.user_id = viewer and r.page_id = page.id
                                                            and r.read_at >= page.content_changed_at)));
end;
$$;
grant execute on function private.page_as_seen(public.pages, uuid) to authenticated;

create function public.upcoming_appointments(max_count integer default 5)
returns table (
  id uuid, title text, starts_at timestamptz, ends_at timestamptz, time_zone text, location text, video_call boolean,
  page_id uuid, page_slug text, page_title text, client_id uuid, responses jsonb
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform private.require_access();
  return query
    select ap.id, ap.title, ap.starts_at, ap.ends_at, ap.time_zone, ap.location, ap.video_call,
           ap.page_id, p.slug, p.title, ap.client_id,
           (select coalesce(jsonb_agg(jsonb_build_object('client_id', r.client_id, 'response', r.response)), '[]'::jsonb)
              from public.appointment_responses as r where r.appointment_id = ap.id)
      from public.appointments as ap
      left join public.pages as p on p.id = ap.page_id
     where ap.ends_at >= now()
     order by ap.starts_at, ap.id
     limit least(greatest(coalesce(max_count, 5), 1), 50);
end;
$$;
comment on function public.upcoming_appointments(integer) is 'The caller''s next appointments (RLS: its client''s and its pages''), soonest first, with its clients'' answers.';

-- ---------------------------------------------------------------------------------------------
-- Calendar feed
-- ---------------------------------------------------------------------------------------------

create table private.calendar_feeds (
  user_id      uuid primary key references auth.users (id) on delete cascade,
  token_hash   bytea not null unique,
  created_at   timestamptz not null default now(),
  last_used_at timestamptz
);
comment on table private.calendar_feeds is 'One secret calendar feed address per person: only the SHA-256 of its token.';
alter table private.calendar_feeds enable row level security;
revoke all on private.calendar_feeds from public, anon, authenticated, service_role;

create function public.create_calendar_feed()
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  token text := translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/=', '-_');
begin
  insert into private.calendar_feeds (user_id, token_hash, created_at, last_used_at)
  values (uid, extensions.digest(token, 'sha256'), now(), null)
  on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = excluded.created_at, last_used_at = null;
  perform private.audit('calendar_feed.created', 'user', uid::text);
  return jsonb_build_object('token', token, 'path', '/functions/v1/calendar-feed/' || token || '.ics', 'created_at', now());
end;
$$;
comment on function public.create_calendar_feed() is
  'Creates the caller''s secret calendar feed address (shown once; any earlier one stops working): {token, path, created_at}.';

create function public.revoke_calendar_feed()
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  removed integer;
begin
  delete from private.calendar_feeds as f where f.user_id = uid;
  get diagnostics removed = row_count;
  if removed > 0 then
    perform private.audit('calendar_feed.revoked', 'user', uid::text);
  end if;
  return removed > 0;
end;
$$;
comment on function public.revoke_calendar_feed() is 'Ends the caller''s calendar feed address; true when there was one.';

create function public.my_calendar_feed()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  feed private.calendar_feeds;
begin
  select * into feed from private.calendar_feeds as f where f.user_id = uid;
  return jsonb_build_object('active', feed.user_id is not null, 'created_at', feed.created_at, 'last_used_at', feed.last_used_at);
end;
$$;
comment on function public.my_calendar_feed() is 'Whether the caller has a calendar feed address, since when and when a calendar last fetched it (the token is never shown again).';

-- For the calendar-feed function (service role): the person's appointments, their client's
-- declines left out, or null for an unknown or revoked token.
create function public.calendar_feed(token text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  owner uuid;
begin
  update private.calendar_feeds as f set last_used_at = now()
   where f.token_hash = extensions.digest(coalesce(calendar_feed.token, ''), 'sha256')
  returning f.user_id into owner;
  if owner is null then
    return null;
  end if;
  return jsonb_build_object('user_id', owner, 'events', private.calendar_events_for(owner, null));
end;
$$;
comment on function public.calendar_feed(text) is 'Service role (calendar-feed function): the events of the feed token''s owner, or null.';

create function private.calendar_events_for(user_id uuid, appointment_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', ap.id, 'title', ap.title, 'description', ap.description, 'starts_at', ap.starts_at, 'ends_at', ap.ends_at,
           'time_zone', ap.time_zone, 'location', ap.location, 'video_call', ap.video_call, 'page_slug', p.slug,
           'updated_at', ap.updated_at,
           'confirmed', exists (select 1 from public.appointment_responses as r
                                 where r.appointment_id = ap.id and r.response = 'confirmed'
                                   and r.client_id in (select private.user_client_ids(calendar_events_for.user_id))))
           order by ap.starts_at), '[]'::jsonb)
    from public.appointments as ap
    left join public.pages as p on p.id = ap.page_id
   where ap.id in (select private.appointment_ids_for(calendar_events_for.user_id))
     and (calendar_events_for.appointment_id is null or ap.id = calendar_events_for.appointment_id)
     and ap.ends_at > now() - interval '90 days'
     and not exists (select 1 from public.appointment_responses as r
                      where r.appointment_id = ap.id and r.response = 'declined'
                        and r.client_id in (select private.user_client_ids(calendar_events_for.user_id)))
$$;

-- The caller's own calendar entry for one appointment (the .ics download).
create function public.appointment_calendar_entry(appointment_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  events jsonb;
begin
  if not exists (select 1 from private.appointment_ids_for(uid) as v(id) where v.id = appointment_calendar_entry.appointment_id) then
    raise exception using errcode = 'P0001', message = 'appointment_not_found';
  end if;
  events := private.calendar_events_for(uid, appointment_calendar_entry.appointment_id);
  if jsonb_array_length(events) = 0 then
    -- Declined by the caller's client or long past: the entry is still the caller's to download.
    select jsonb_build_array(jsonb_build_object(
             'id', ap.id, 'title', ap.title, 'description', ap.description, 'starts_at', ap.starts_at, 'ends_at', ap.ends_at,
             'time_zone', ap.time_zone, 'location', ap.location, 'video_call', ap.video_call, 'updated_at', ap.updated_at,
             'confirmed', false))
      into events from public.appointments as ap where ap.id = appointment_calendar_entry.appointment_id;
  end if;
  return jsonb_build_object('user_id', uid, 'events', events);
end;
$$;
comment on function public.appointment_calendar_entry(uuid) is 'The caller''s calendar entry for one appointment it may see, as calendar_feed shapes it. Errors: appointment_not_found.';

-- ---------------------------------------------------------------------------------------------
-- Reminder mails
-- ---------------------------------------------------------------------------------------------

create table ops.appointment_reminders (
  appointment_id uuid not null references public.appointments (id) on delete cascade,
  user_id        uuid not null references auth.users (id) on delete cascade,
  starts_at      timestamptz not null,
  queued_at      timestamptz not null default now(),
  primary key (appointment_id, user_id, starts_at)
);
comment on table ops.appointment_reminders is 'Reminder mails already queued (per start time: a moved appointment is reminded again).';
create index appointment_reminders_user_id_idx on ops.appointment_reminders (user_id);
alter table ops.appointment_reminders enable row level security;
revoke all on ops.appointment_reminders from public, anon, authenticated, service_role;
grant select on ops.appointment_reminders to service_role;

create function private.queue_appointment_reminders(at_time timestamptz default now())
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  berlin_now timestamp := at_time at time zone 'Europe/Berlin';
  queued integer;
begin
  if extract(hour from berlin_now) < 8 then
    return 0;
  end if;
  with due as (
    select ap.id as appointment_id, ap.starts_at, ap.page_id, cm.user_id
      from public.appointments as ap
      join public.client_members as cm on cm.client_id in (select private.appointment_client_ids(ap.id))
     where ap.starts_at >= (date_trunc('day', berlin_now) + interval '1 day') at time zone 'Europe/Berlin'
       and ap.starts_at < (date_trunc('day', berlin_now) + interval '2 days') at time zone 'Europe/Berlin'
       and ap.id in (select private.appointment_ids_for(cm.user_id))
       and not exists (select 1 from public.appointment_responses as r
                        where r.appointment_id = ap.id and r.client_id = cm.client_id and r.response = 'declined')
  ),
  fresh as (
    insert into ops.appointment_reminders (appointment_id, user_id, starts_at)
    select distinct due.appointment_id, due.user_id, due.starts_at from due
    on conflict do nothing
    returning appointment_id, user_id
  )
  insert into ops.mail_outbox (template, locale, recipient, user_id, data)
  select 'appointment_reminder', p.locale, u.email, fresh.user_id,
         -- No page slug: it spells the page's title.
         jsonb_build_object('display_name', p.display_name, 'appointment_id', fresh.appointment_id)
    from fresh
    join auth.users as u on u.id = fresh.user_id
    join public.profiles as p on p.id = fresh.user_id
   where u.email is not null;
  get diagnostics queued = row_count;
  return queued;
end;
$$;
comment on function private.queue_appointment_reminders(timestamptz) is
  'Hourly (pg_cron): one content-free reminder mail per person for each appointment on the next Berlin day, from 08:00 Berlin time, once per start time.';

select cron.schedule('portal-appointment-reminders', '5 * * * *', 'select private.queue_appointment_reminders()');

revoke all on function public.respond_to_appointment(uuid, text, text, uuid), public.upcoming_appointments(integer),
  public.create_calendar_feed(), public.revoke_calendar_feed(), public.my_calendar_feed(), public.calendar_feed(text),
  public.appointment_calendar_entry(uuid) from public;
grant execute on function public.respond_to_appointment(uuid, text, text, uuid), public.upcoming_appointments(integer),
  public.create_calendar_feed(), public.revoke_calendar_feed(), public.my_calendar_feed(),
  public.appointment_calendar_entry(uuid) to authenticated;
grant execute on function public.calendar_feed(text) to service_role;
