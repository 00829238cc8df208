-- A page's list excerpt is stored with the page (issue 13, benchmark). Measured on the bench-pages
-- dataset as a client user (bench/README.md "Pages"): list_pages took 6.9 ms in the database, of
-- which computing the excerpt (three regular expressions over up to 2,000 characters of Markdown,
-- per listed row and on every read) was about 4 ms; RLS and the gate were under 2 ms. The same
-- expression, now immutable (it depends on the text alone), feeds a stored generated column, so a
-- page's excerpt is computed once per write instead of once per reader and read.
-- Backups leave generated columns out and restores compute them again (edge-functions/backup/catalog.ts).

create or replace function private.page_excerpt(body text)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- Markdown signs and link targets out, whitespace folded: a plain preview line for lists.
  select left(btrim(regexp_replace(regexp_replace(regexp_replace(left(coalesce(body, ''), 2000),
           '!?\[([^\]]*)\]\([^)]*\)', '\1', 'g'), '[#*_>`~|-]+', ' ', 'g'), '\s+', ' ', 'g')), 160)
$$;

alter table public.pages add column excerpt text generated always as (private.page_excerpt(body)) stored;
comment on column public.pages.excerpt is 'The list''s preview line of the body (private.page_excerpt), stored so lists do not compute it per read.';

-- As in 20261204110000, with the stored excerpt.
create or replace function private.page_list_items(pages public.pages[], viewer uuid)
returns setof public.page_list_item
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  return query
    select l.id, l.slug, l.title, l.excerpt, l.pinned, l.published, l.published_at,
           l.listed_at, l.updated_at, l.archived_at, l.content_changed_at,
           l.published and not exists (select 1 from public.page_reads as r
                                        where r.user_id = viewer and r.page_id = l.id and r.read_at >= l.content_changed_at),
           coalesce(seen.audiences, '[]'::jsonb)
      from unnest(page_list_items.pages) with ordinality as l
      left join private.page_audiences_as_seen(array(select x.id from unnest(page_list_items.pages) as x)) as seen on seen.page_id = l.id
     order by l.ordinality;
end;
$$;
