-- Files on Sonderseiten: images and downloads the page's Markdown embeds, in the private bucket
-- `page-files` at `<page id>/<file name>`. Whoever may see the page may read its files (the one
-- visibility rule, private.page_ids_for: published, not archived, addressed to one of the
-- reader's clients or their groups), so access follows the page's audiences at once; staff read
-- all and upload. Like documents, objects are never overwritten or deleted by signed-in users
-- (a new version is a new name; the backups' file watermark relies on it). Images and common
-- document types only (no HTML, SVG or scripts), 25 MiB each.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('page-files', 'page-files', false, 25 * 1024 * 1024,
        array['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf',
              'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/plain', 'text/csv'])
on conflict (id) do update
  set public = false, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types;

-- The page a file belongs to: its path's first segment, when that is a page's id.
create function private.page_file_page_id(object_name text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  folder text := split_part(object_name, '/', 1);
begin
  if folder !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' or split_part(object_name, '/', 2) = '' then
    return null;
  end if;
  return folder::uuid;
end;
$$;
grant execute on function private.page_file_page_id(text) to authenticated;

create policy "Readers of a page can read its files"
  on storage.objects for select to authenticated
  using (bucket_id = 'page-files'
         and ((select private.is_staff()) or private.page_file_page_id(name) in (select private.my_page_ids())));
create policy "Staff can upload files of a page"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'page-files' and (select private.is_staff())
              and exists (select 1 from public.pages as p where p.id = private.page_file_page_id(name)));
