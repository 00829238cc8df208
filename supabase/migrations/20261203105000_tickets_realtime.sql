-- Live tickets on the existing private topics (20261127100000), without polling.
--
-- ticket:<id> (whoever reads the ticket) carries, besides reply_created and status_changed:
--   ticket_updated  {record: id, number, status, priority, category, assignee_id, last_activity_at}
--                   when the assignee, priority, category or subject changes.
-- user:<id> carries `ticket_activity` {ticket_id, number, kind, at}, content-free, to everyone who
-- may read the ticket, whenever something happens on it (kind: opened, reply, status, updated),
-- so lists, queues and the navigation badge follow all of a person's tickets without joining one
-- channel per ticket. Internal notes (kind note) go to staff only: there is no topic a client or
-- guest can join that ever carries anything about a note. mark_ticket_seen sends kind `seen` to
-- the caller's own topic (other tabs update their markers).
-- Receivers refetch what changed (the database's order wins); the payloads only say where to look.

create function private.announce_ticket_activity(ticket_id uuid, kind text)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  ticket public.tickets%rowtype;
begin
  select * into ticket from public.tickets as t where t.id = announce_ticket_activity.ticket_id;
  perform realtime.send(
            jsonb_build_object('ticket_id', ticket.id, 'number', ticket.number, 'kind', announce_ticket_activity.kind, 'at', now()),
            'ticket_activity', 'user:' || r.user_id, true)
     from (select s.user_id from public.staff as s
           union
           select cm.user_id from public.client_members as cm
            where announce_ticket_activity.kind <> 'note' and cm.client_id = ticket.client_id
           union
           select mm.user_id from public.matter_members as mm
            where announce_ticket_activity.kind <> 'note' and mm.matter_id = ticket.matter_id and mm.role = 'guest') as r;
end;
$$;
comment on function private.announce_ticket_activity(uuid, text) is
  'Sends ticket_activity {ticket_id, number, kind, at} to the user topic of everyone who may read the ticket (notes: staff only).';

create function private.broadcast_ticket_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.announce_ticket_activity(new.id, 'opened');
    return null;
  end if;
  if (new.assignee_id, new.priority, new.category, new.subject) is distinct from (old.assignee_id, old.priority, old.category, old.subject) then
    perform realtime.send(
      jsonb_build_object(
        'record', jsonb_build_object('id', new.id, 'number', new.number, 'status', new.status, 'priority', new.priority,
                                     'category', new.category, 'assignee_id', new.assignee_id,
                                     'last_activity_at', new.last_activity_at),
        'operation', tg_op, 'table', tg_table_name, 'schema', tg_table_schema),
      'ticket_updated', 'ticket:' || new.id, true);
    perform private.announce_ticket_activity(new.id, 'updated');
  end if;
  if new.status is distinct from old.status then
    perform private.announce_ticket_activity(new.id, 'status');
  end if;
  return null;
end;
$$;

create trigger tickets_broadcast_change
  after insert or update of assignee_id, priority, category, subject, status on public.tickets
  for each row execute function private.broadcast_ticket_change();

create function private.broadcast_ticket_text()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'ticket_internal_notes' then
    perform private.announce_ticket_activity(new.ticket_id, 'note');
  -- The first reply is the ticket's own text, announced as "opened".
  elsif exists (select 1 from public.ticket_replies as r where r.ticket_id = new.ticket_id and r.id <> new.id) then
    perform private.announce_ticket_activity(new.ticket_id, 'reply');
  end if;
  return null;
end;
$$;

create trigger ticket_replies_announce
  after insert on public.ticket_replies
  for each row execute function private.broadcast_ticket_text();
create trigger ticket_internal_notes_announce
  after insert on public.ticket_internal_notes
  for each row execute function private.broadcast_ticket_text();
