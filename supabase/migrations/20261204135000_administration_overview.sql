-- Administration, part 6: what needs the staff's attention, in one call for /verwaltung.
--
-- Counts, each of which the app links to where it is handled: open and unassigned tickets, chats
-- whose last message came from a client or guest, documents waiting for release, invitations
-- pending and expired (last 30 days, not replaced), people without a second factor whose deadline
-- is within a day or past, failed mails (last 30 days; content stays in the outbox), and the last
-- backup's state once the backups feature has created ops.backup_runs (looked up by name, so this
-- migration does not depend on it).

create index documents_waiting_for_release_idx on public.documents (uploaded_at)
  where released_at is null and deleted_at is null and uploaded_at is not null;
create index tickets_unassigned_open_idx on public.tickets (created_at) where assignee_id is null and status = 'open';
create index invitations_open_idx on public.invitations (expires_at) where accepted_at is null and revoked_at is null;
create index mail_outbox_failed_idx on ops.mail_outbox (created_at) where status = 'failed';
create index conversations_chats_by_activity_idx on public.conversations (last_message_at desc) where kind = 'chat';

create function public.staff_attention()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  backup_runs regclass := to_regclass('ops.backup_runs');
  backup jsonb;
begin
  perform private.require_staff();
  if backup_runs is not null then
    execute format('select jsonb_build_object(''status'', r.status, ''kind'', r.kind, ''requested_at'', r.requested_at,
                                              ''finished_at'', r.finished_at)
                      from %s as r order by r.seq desc limit 1', backup_runs) into backup;
  end if;
  return jsonb_build_object(
    'tickets_open', (select count(*) from public.tickets as t where t.status = 'open'),
    'tickets_unassigned', (select count(*) from public.tickets as t where t.status = 'open' and t.assignee_id is null),
    'chats_waiting', (select count(*) from public.conversations as c
                       where c.kind = 'chat' and c.last_message_at > now() - interval '7 days'
                         and not private.user_is_staff((select m.author_id from public.messages as m
                                                         where m.conversation_id = c.id and m.deleted_at is null
                                                         order by m.created_at desc limit 1))),
    'documents_unreleased', (select count(*) from public.documents as d
                              where d.released_at is null and d.deleted_at is null and d.uploaded_at is not null),
    'invitations_pending', (select count(*) from public.invitations as i
                             where i.accepted_at is null and i.revoked_at is null and i.expires_at > now()),
    'invitations_expired', (select count(*) from public.invitations as i
                             where i.accepted_at is null and i.revoked_at is null
                               and i.expires_at <= now() and i.expires_at > now() - interval '30 days'),
    'factor_deadline_near', (select count(*) from public.profiles as p
                              where not private.has_second_factor(p.id)
                                and private.grace_period_ends_at(p.id) between now() and now() + interval '1 day'
                                and not private.is_deactivated(p.id)),
    'factor_deadline_past', (select count(*) from public.profiles as p
                              where not private.has_second_factor(p.id)
                                and coalesce(private.grace_period_ends_at(p.id) < now(), true)
                                and not private.is_deactivated(p.id)),
    'mails_failed', (select count(*) from ops.mail_outbox as o where o.status = 'failed' and o.created_at > now() - interval '30 days'),
    'last_backup', backup);
end;
$$;
comment on function public.staff_attention() is
  'Staff: counts of what needs attention (tickets open/unassigned, chats waiting, unreleased documents, invitations pending/expired, second-factor deadlines near/past, failed mails) and the last backup run when backups exist. Errors: forbidden, mfa_required.';
revoke execute on function public.staff_attention() from public;
grant execute on function public.staff_attention() to authenticated;
