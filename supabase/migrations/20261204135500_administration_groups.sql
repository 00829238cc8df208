-- Administration, part 7: groups as the Verwaltung edits them.
--
-- Staff already create, rename and delete groups and add or remove clients through the tables'
-- policies (people migration). What was missing is a bound on the description, so a pasted
-- document is refused with a clear code instead of being stored. Which pages a group receives is read from
-- page_audiences by group_id, indexed since the pages migration.
alter table public.client_groups
  add constraint client_groups_description_length check (description is null or char_length(description) <= 2000);
comment on column public.client_groups.description is 'What the group is for, shown to staff only (at most 2,000 characters).';
