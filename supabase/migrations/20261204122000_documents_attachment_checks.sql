-- Attachment uploads (matter_id null: tickets, later messages) hear their content check: the
-- uploader's form waits for `document_changed {kind: checked}` on its user topic before the text
-- can be sent, since the database refuses to attach a file that has not passed. Everything else
-- about an attachment still travels with its ticket.

create or replace function private.announce_document_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  kind text;
  readers uuid[];
begin
  -- Attachments (no matter) travel with their ticket; only the uploader hears their check.
  if new.matter_id is null then
    if old.content_check is distinct from new.content_check and new.content_check in ('passed', 'failed')
       and new.uploaded_by is not null then
      perform realtime.send(jsonb_build_object('document_id', new.id, 'matter_id', null, 'kind', 'checked'),
                            'document_changed', 'user:' || new.uploaded_by, true);
    end if;
    return null;
  end if;
  kind := case
    when old.uploaded_at is null and new.uploaded_at is not null then 'uploaded'
    when old.content_check is distinct from new.content_check then 'checked'
    when old.deleted_at is null and new.deleted_at is not null then 'deleted'
    when old.deleted_at is not null and new.deleted_at is null then 'restored'
    when old.released_at is null and new.released_at is not null then 'released'
    when old.folder is distinct from new.folder then 'filed'
    when old.staff_seen_at is null and new.staff_seen_at is not null then 'seen'
  end;
  if kind is null then
    return null;
  end if;
  -- A deleted document is no longer readable: tell those who could read it a moment ago.
  readers := array(select private.document_reader_ids(new.id));
  if kind = 'deleted' then
    readers := readers || array(select s.user_id from public.staff as s) || new.uploaded_by;
  end if;
  perform realtime.send(jsonb_build_object('document_id', new.id, 'matter_id', new.matter_id, 'kind', kind),
                        'document_changed', 'user:' || r.user_id, true)
     from (select distinct unnest(readers) as user_id) as r
    where r.user_id is not null;
  return null;
end;
$$;
comment on function private.announce_document_change() is
  'Sends document_changed {document_id, matter_id, kind} to the user topic of everyone who may read the document now; for an attachment (no matter) only its check, to its uploader.';
