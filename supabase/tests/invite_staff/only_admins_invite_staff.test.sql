-- Test: only an admin invites employees; accepting makes the account staff.
begin;
select plan(4);

select tests.create_portal_world();
select tests.act_as('staff');
select throws_ok($$select public.invite_staff('neu@kanzlei.example')$$, 'P0001', 'forbidden', 'an employee cannot invite staff');
select tests.act_as('client_a');
select throws_ok($$select public.invite_staff('me@example.org')$$, 'P0001', 'forbidden', 'a client cannot invite staff');
select tests.act_as('lawyer');
select tests.remember('invitation', public.invite_staff('neu@kanzlei.example'));
select tests.clear_authentication();
select tests.create_user('new_employee', 'neu@kanzlei.example');
select tests.act_as('new_employee');
select lives_ok(format('select public.accept_invitation(%L)', tests.mailed_token(tests.fixture('invitation'))), 'the employee accepts');
select is(tests.visible_as('new_employee', 'select id from public.clients'), array['client_a_org', 'client_b_org'],
  'and now sees every client as staff');

select * from finish();
rollback;
