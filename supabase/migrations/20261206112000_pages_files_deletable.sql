-- Staff delete a page's files (issue 13, the editor's file list). Until now no signed-in user
-- deleted Storage objects; page files differ from documents: they are not records of a matter
-- with versions and a history (documents stay soft-deleted, 20261127080000), they are the
-- images and downloads of a text staff write, and a wrong upload or an outdated leaflet should go.
-- Only staff, only in page-files, and only what they can read there (all of it); the second-factor
-- gate on storage.objects (restrictive) applies as everywhere. Backups record a deleted object as
-- such (edge-functions/backup/run.ts, change 'deleted'); a restore point from before keeps it.

create policy "Staff can delete files of a page"
  on storage.objects for delete to authenticated
  using (bucket_id = 'page-files' and (select private.is_staff()));
