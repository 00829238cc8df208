-- A page's appointment belongs to the page, never to a matter (review of 20261206110000).
--
-- private.check_appointment_matter skipped page appointments entirely, so staff could file a page
-- appointment under any client's matter (through save_appointment's new matter_id or a direct
-- update of the column): the page's readers then saw a foreign matter's id, and matter_overview
-- counted an appointment the matter's own people could not open. A page reaches many clients and
-- the app never links its appointments to a matter, so the trigger now refuses the pair; for a
-- client's appointment the rule is unchanged (a matter of that client only). Being a trigger, it
-- covers the RPC and a direct PATCH alike.

create or replace function private.check_appointment_matter()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.matter_id is null then
    return new;
  end if;
  if new.page_id is not null then
    raise exception using errcode = 'P0001', message = 'appointment_matter_mismatch',
      detail = 'An appointment on a page belongs to the page, not to a matter.';
  end if;
  if new.client_id is distinct from (select m.client_id from public.matters as m where m.id = new.matter_id) then
    raise exception using errcode = 'P0001', message = 'appointment_matter_mismatch',
      detail = 'An appointment for a client may only belong to a matter of that client.';
  end if;
  return new;
end;
$$;

-- The trigger looked at matter_id and client_id only; page_id joins them so no column change slips by.
drop trigger appointments_check_matter on public.appointments;
create trigger appointments_check_matter
  before insert or update of matter_id, client_id, page_id on public.appointments
  for each row execute function private.check_appointment_matter();
