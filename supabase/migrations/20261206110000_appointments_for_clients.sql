-- Appointments for a client without a page (issue 13, item 3), written on /termine:
--
-- * save_appointment takes the matter the appointment belongs to (optional, a matter of that
--   client: the existing trigger says appointment_matter_mismatch otherwise; a matter that does not
--   exist is matter_not_found rather than a foreign-key error). Restated with one more argument;
--   everything else as in 20261205120000.
-- * upcoming_appointments also returns the notes, the matter and the client's name, so /termine
--   shows the notes to clients and staff can open an appointment there for editing (and see whose
--   it is) without a second read. Visibility is unchanged: RLS on appointments (security invoker).

drop function public.save_appointment(uuid, text, timestamptz, timestamptz, uuid, uuid, text, text, boolean, text);
create function public.save_appointment(
  appointment_id uuid,
  title text,
  starts_at timestamptz,
  ends_at timestamptz,
  page_id uuid default null,
  client_id uuid default null,
  time_zone text default 'Europe/Berlin',
  location text default null,
  video_call boolean default false,
  description text default null,
  matter_id uuid default null
)
returns public.appointments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_staff();
  clean_title text := btrim(coalesce(save_appointment.title, ''));
  clean_location text := nullif(btrim(coalesce(save_appointment.location, '')), '');
  clean_description text := nullif(btrim(coalesce(save_appointment.description, '')), '');
  existing public.appointments;
  saved public.appointments;
begin
  if save_appointment.appointment_id is null then
    raise exception using errcode = 'P0001', message = 'appointment_id_required', hint = 'Generate the id in the client so a retry saves the same appointment.';
  end if;
  if clean_title = '' then
    raise exception using errcode = 'P0001', message = 'title_required';
  end if;
  if char_length(clean_title) > 300 then
    raise exception using errcode = 'P0001', message = 'title_too_long', detail = 'At most 300 characters.';
  end if;
  if save_appointment.starts_at is null or save_appointment.ends_at is null then
    raise exception using errcode = 'P0001', message = 'appointment_time_required';
  end if;
  if save_appointment.ends_at < save_appointment.starts_at then
    raise exception using errcode = 'P0001', message = 'appointment_ends_before_start';
  end if;
  if char_length(coalesce(clean_location, '')) > 300 then
    raise exception using errcode = 'P0001', message = 'location_too_long', detail = 'At most 300 characters.';
  end if;
  if char_length(coalesce(clean_description, '')) > 5000 then
    raise exception using errcode = 'P0001', message = 'description_too_long', detail = 'At most 5,000 characters.';
  end if;
  if num_nonnulls(save_appointment.page_id, save_appointment.client_id) <> 1 then
    raise exception using errcode = 'P0001', message = 'appointment_target_required', detail = 'A page or a client, not both.';
  end if;
  if save_appointment.page_id is not null and not exists (select 1 from public.pages as p where p.id = save_appointment.page_id) then
    raise exception using errcode = 'P0001', message = 'page_not_found';
  end if;
  if save_appointment.client_id is not null and not exists (select 1 from public.clients as c where c.id = save_appointment.client_id) then
    raise exception using errcode = 'P0001', message = 'audience_not_found';
  end if;
  if save_appointment.matter_id is not null and not exists (select 1 from public.matters as m where m.id = save_appointment.matter_id) then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;

  select * into existing from public.appointments as ap where ap.id = save_appointment.appointment_id;
  -- An id belongs to one page or client for good: a save elsewhere under it is a mistake, not a move.
  if existing.id is not null and (existing.page_id, existing.client_id) is distinct from (save_appointment.page_id, save_appointment.client_id) then
    raise exception using errcode = 'P0001', message = 'appointment_id_conflict';
  end if;

  insert into public.appointments as ap (id, page_id, client_id, matter_id, title, description, starts_at, ends_at, time_zone, location,
                                         video_call, created_by)
  values (save_appointment.appointment_id, save_appointment.page_id, save_appointment.client_id, save_appointment.matter_id, clean_title,
          clean_description, save_appointment.starts_at, save_appointment.ends_at, coalesce(save_appointment.time_zone, 'Europe/Berlin'),
          clean_location, coalesce(save_appointment.video_call, false), uid)
  on conflict (id) do update
    set title = excluded.title, description = excluded.description, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
        time_zone = excluded.time_zone, location = excluded.location, video_call = excluded.video_call, matter_id = excluded.matter_id
    where (ap.title, ap.description, ap.starts_at, ap.ends_at, ap.time_zone, ap.location, ap.video_call, ap.matter_id)
          is distinct from (excluded.title, excluded.description, excluded.starts_at, excluded.ends_at, excluded.time_zone,
                            excluded.location, excluded.video_call, excluded.matter_id)
  returning * into saved;
  return coalesce(saved, (select ap from public.appointments as ap where ap.id = save_appointment.appointment_id));
end;
$$;
comment on function public.save_appointment(uuid, text, timestamptz, timestamptz, uuid, uuid, text, text, boolean, text, uuid) is
  'Staff: creates or changes an appointment on a page or for a client (optionally of one of its matters) under the app''s id (a retry is harmless). Errors: forbidden, appointment_id_required, title_required, title_too_long, appointment_time_required, appointment_ends_before_start, location_too_long, description_too_long, appointment_target_required, page_not_found, audience_not_found, matter_not_found, appointment_matter_mismatch, appointment_id_conflict, invalid_time_zone.';
revoke all on function public.save_appointment(uuid, text, timestamptz, timestamptz, uuid, uuid, text, text, boolean, text, uuid) from public;
grant execute on function public.save_appointment(uuid, text, timestamptz, timestamptz, uuid, uuid, text, text, boolean, text, uuid) to authenticated;

drop function public.upcoming_appointments(integer, uuid);
create function public.upcoming_appointments(max_count integer default 5, matter_id uuid default null)
returns table (
  id uuid, title text, starts_at timestamptz, ends_at timestamptz, time_zone text, location text, video_call boolean,
  page_id uuid, page_slug text, page_title text, client_id uuid, responses jsonb,
  description text, appointment_matter_id uuid, client_name text
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
              from public.appointment_responses as r where r.appointment_id = ap.id),
           ap.description, ap.matter_id, c.name
      from public.appointments as ap
      left join public.pages as p on p.id = ap.page_id
      left join public.clients as c on c.id = ap.client_id
     where ap.ends_at >= now()
       and (upcoming_appointments.matter_id is null or ap.matter_id = upcoming_appointments.matter_id)
     order by ap.starts_at, ap.id
     limit least(greatest(coalesce(max_count, 5), 1), 50);
end;
$$;
comment on function public.upcoming_appointments(integer, uuid) is
  'The caller''s next appointments (RLS: its client''s and its pages''), soonest first, with notes, matter, the client''s name (appointments for a client) and its clients'' answers (note and time); with matter_id only that matter''s.';
revoke all on function public.upcoming_appointments(integer, uuid) from public;
grant execute on function public.upcoming_appointments(integer, uuid) to authenticated;
