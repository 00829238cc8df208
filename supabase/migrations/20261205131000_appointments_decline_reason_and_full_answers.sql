-- Appointments, part 2: a decline with a reason reaches the firm, and the coming appointments
-- carry their answers in full.
--
-- * respond_to_appointment: declining with a reason opens a ticket for staff (category
--   `appointments`, "Terminabsage: <title>", the reason as its text), as asking for another time
--   already did; a plain decline stays an answer staff see on the appointment. A retried answer
--   with the same reason still opens nothing twice.
-- * upcoming_appointments: each answer with its note and time, as a page's appointments have them
--   (the overview and /termine show the latest answer), and optionally only one matter's (the
--   matter page links to /termine?matter=<id>).

create or replace function public.respond_to_appointment(
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
  elsif respond_to_appointment.response = 'declined' and clean_note is not null then
    -- A reason is something to read: it reaches staff as a ticket, like a wish for another time.
    ticket := public.open_ticket(
      subject => left('Terminabsage: ' || appointment.title, 200),
      body => 'Absage für „' || appointment.title || '“ am '
              || to_char(appointment.starts_at at time zone appointment.time_zone, 'DD.MM.YYYY, HH24:MI')
              || ' Uhr (' || appointment.time_zone || ').' || E'\n\n' || clean_note,
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
  'A client user answers an appointment for its client: confirmed, declined (with a reason: opens a ticket for staff) or reschedule_requested (opens a ticket for staff). Repeating the same answer is harmless. Errors: invalid_response, note_too_long, appointment_not_found, client_required, appointment_past.';

drop function public.upcoming_appointments(integer);
create function public.upcoming_appointments(max_count integer default 5, matter_id uuid default null)
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
           (select coalesce(jsonb_agg(jsonb_build_object('client_id', r.client_id, 'response', r.response,
                                                        'note', r.note, 'responded_at', r.responded_at)), '[]'::jsonb)
              from public.appointment_responses as r where r.appointment_id = ap.id)
      from public.appointments as ap
      left join public.pages as p on p.id = ap.page_id
     where ap.ends_at >= now()
       and (upcoming_appointments.matter_id is null or ap.matter_id = upcoming_appointments.matter_id)
     order by ap.starts_at, ap.id
     limit least(greatest(coalesce(max_count, 5), 1), 50);
end;
$$;
comment on function public.upcoming_appointments(integer, uuid) is
  'The caller''s next appointments (RLS: its client''s and its pages''), soonest first, with its clients'' answers (note and time); with matter_id only that matter''s.';
revoke all on function public.upcoming_appointments(integer, uuid) from public;
grant execute on function public.upcoming_appointments(integer, uuid) to authenticated;
