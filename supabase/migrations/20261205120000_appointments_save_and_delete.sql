-- Termine written by the page editor: save_appointment creates or changes one appointment (on a
-- page or for a client) under the app's id, so a retried save lands once; delete_appointment
-- removes one. Staff only, with machine-readable codes for what the form checks too (the table's
-- own constraints would only say "check violation"). Times arrive as timestamptz (UTC on the
-- wire); time_zone says where it takes place, checked by the existing trigger (invalid_time_zone).
-- Answers already given stay with the appointment when it moves: the client sees the new time and
-- may answer again.

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
  description text default null
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

  select * into existing from public.appointments as ap where ap.id = save_appointment.appointment_id;
  -- An id belongs to one page or client for good: a save elsewhere under it is a mistake, not a move.
  if existing.id is not null and (existing.page_id, existing.client_id) is distinct from (save_appointment.page_id, save_appointment.client_id) then
    raise exception using errcode = 'P0001', message = 'appointment_id_conflict';
  end if;

  insert into public.appointments as ap (id, page_id, client_id, title, description, starts_at, ends_at, time_zone, location, video_call, created_by)
  values (save_appointment.appointment_id, save_appointment.page_id, save_appointment.client_id, clean_title, clean_description,
          save_appointment.starts_at, save_appointment.ends_at, coalesce(save_appointment.time_zone, 'Europe/Berlin'), clean_location,
          coalesce(save_appointment.video_call, false), uid)
  on conflict (id) do update
    set title = excluded.title, description = excluded.description, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
        time_zone = excluded.time_zone, location = excluded.location, video_call = excluded.video_call
    where (ap.title, ap.description, ap.starts_at, ap.ends_at, ap.time_zone, ap.location, ap.video_call)
          is distinct from (excluded.title, excluded.description, excluded.starts_at, excluded.ends_at, excluded.time_zone,
                            excluded.location, excluded.video_call)
  returning * into saved;
  return coalesce(saved, (select ap from public.appointments as ap where ap.id = save_appointment.appointment_id));
end;
$$;
comment on function public.save_appointment(uuid, text, timestamptz, timestamptz, uuid, uuid, text, text, boolean, text) is
  'Staff: creates or changes an appointment on a page or for a client under the app''s id (a retry is harmless). Errors: forbidden, appointment_id_required, title_required, title_too_long, appointment_time_required, appointment_ends_before_start, location_too_long, description_too_long, appointment_target_required, page_not_found, audience_not_found, appointment_id_conflict, invalid_time_zone.';

create function public.delete_appointment(appointment_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform private.require_staff();
  delete from public.appointments as ap where ap.id = delete_appointment.appointment_id;
  if not found then
    raise exception using errcode = 'P0001', message = 'appointment_not_found';
  end if;
end;
$$;
comment on function public.delete_appointment(uuid) is
  'Staff: removes an appointment with its answers. Errors: forbidden, appointment_not_found.';

revoke all on function public.save_appointment(uuid, text, timestamptz, timestamptz, uuid, uuid, text, text, boolean, text),
  public.delete_appointment(uuid) from public;
grant execute on function public.save_appointment(uuid, text, timestamptz, timestamptz, uuid, uuid, text, text, boolean, text),
  public.delete_appointment(uuid) to authenticated;
