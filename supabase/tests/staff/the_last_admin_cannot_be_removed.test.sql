-- Test: the firm cannot lock itself out of staff management.
begin;
select plan(2);

select tests.create_portal_world();
-- Only the persona world's staff remain (the demo seed has an admin of its own).
delete from public.staff where user_id not in (tests.fixture('lawyer'), tests.fixture('staff'));
select tests.act_as('lawyer');
select throws_ok($$delete from public.staff where user_id = auth.uid()$$, 'P0001', 'last_admin', 'the only admin cannot remove itself');
select throws_ok($$update public.staff set is_admin = false where user_id = auth.uid()$$, 'P0001', 'last_admin',
  'nor drop its own admin flag');

select * from finish();
rollback;
