-- Test: deactivating bans the account in Auth, records who and why, ends every session at once
-- (the open app is told), and is audited; reactivating lifts the ban and is audited too.
begin;
select plan(8);

select tests.create_portal_world();
select tests.create_session('staff');
select tests.act_as('lawyer');
select is(public.deactivate_account(tests.get_user_id('staff'), 'Ausgeschieden') - 'user_id',
  '{"sessions_ended": 1, "already": false}'::jsonb, 'the employee''s session ended');
select is(public.deactivate_account(tests.get_user_id('staff')) ->> 'already', 'true', 'a retry is harmless');
select tests.clear_authentication();
select ok((select banned_until > now() + interval '99 years' from auth.users where id = tests.get_user_id('staff')), 'Auth refuses its sign-in and refresh');
select is((select reason from private.account_deactivations where user_id = tests.get_user_id('staff')), 'Ausgeschieden', 'the reason is kept');
select ok(exists (select 1 from realtime.messages where topic = 'user:' || tests.get_user_id('staff') and event = 'session_ended'),
  'the open app is told');
select ok(exists (select 1 from ops.audit_events where action = 'account.deactivated' and entity_id = tests.get_user_id('staff')::text
                   and actor_id = tests.get_user_id('lawyer')), 'audited with the admin');
select tests.act_as('lawyer');
select ok(public.reactivate_account(tests.get_user_id('staff')), 'the admin reactivates');
select tests.clear_authentication();
select ok((select banned_until is null from auth.users where id = tests.get_user_id('staff'))
          and not exists (select 1 from private.account_deactivations where user_id = tests.get_user_id('staff')),
  'the ban and the record are gone');

select * from finish();
rollback;
