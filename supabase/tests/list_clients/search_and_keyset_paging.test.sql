-- Test: staff find clients by a part of the name or the reference number, page through them by
-- (name, id) without gaps or repeats, and archived clients appear only when asked for.
begin;
select plan(6);

select tests.create_portal_world();
insert into public.clients (kind, name, reference_number)
select 'person', 'Zeta ' || n, 'Z-' || lpad(n::text, 3, '0') from generate_series(1, 5) as n;
update public.clients set archived_at = now() where name = 'Zeta 5';

select tests.act_as('staff');
select is(array(select name from public.list_clients(search => 'alpha')), array['Alpha Bau GmbH'], 'a part of the name, any case');
select is(array(select name from public.list_clients(search => 'T-B')), array['Berta Beta'], 'the reference number');
select is(array(select name from public.list_clients(search => 'zeta', max_rows => 2)), array['Zeta 1', 'Zeta 2'], 'the first page');
select is(array(select c.name from public.list_clients(search => 'zeta', max_rows => 10,
                  after_name => 'Zeta 2', after_id => (select id from public.clients where name = 'Zeta 2')) as c),
  array['Zeta 3', 'Zeta 4'], 'the next page starts after the cursor; the archived client is left out');
select is((select count(*)::int from public.list_clients(search => 'zeta', include_archived => true)), 5, 'archived on request');
select throws_ok($$select * from public.list_clients(after_name => 'x')$$, 'P0001', 'invalid_cursor', 'half a cursor is refused');

select * from finish();
rollback;
