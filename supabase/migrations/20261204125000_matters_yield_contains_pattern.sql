-- Matters and documents meet administration: both define private.contains_pattern(text) (the
-- same body: a trimmed search as an escaped LIKE pattern), and 20261204130000_administration_clients
-- creates it without `or replace`. This drops the matters copy just before, so that migration
-- owns the one helper; list_matters and list_documents (plpgsql) resolve it when they run.
-- private.require_staff(uuid) stays beside administration's require_staff(): callers here pass
-- the uid they already hold, that one derives it.

drop function private.contains_pattern(text);
