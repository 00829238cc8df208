-- Test: a published page defers one content-free mail per newly reached person (not to those who
-- turned page mails off); opening the page first cancels it; when it is due it goes only to those
-- who may still see the page, without the page's title.
begin;
select plan(6);

select tests.create_portal_world();
delete from ops.notification_mails;  -- only this test's mails (the world's pages defer some)
update public.profiles set mail_on_new_pages = false where id = tests.get_user_id('client_a2');
create temporary view page_mails as
  select f.name from ops.notification_mails as m join tests.fixtures as f on f.id = m.user_id
   where m.entity_type = 'page' and m.entity_id = '33333333-3333-4333-8333-333333333333' and m.template = 'page_published';

select tests.act_as('staff');
select public.save_page('33333333-3333-4333-8333-333333333333', 'Vertraulicher Vergleich', 'Text', false, array[tests.fixture('client_b_org')]);
select tests.clear_authentication();
select is((select count(*)::int from page_mails), 0, 'a draft mails nobody');

select tests.act_as('staff');
select public.set_page_published('33333333-3333-4333-8333-333333333333', true);
select tests.clear_authentication();
select is(array(select name from page_mails order by 1), array['client_b'], 'publishing defers a mail to the user of client B');

select tests.act_as('staff');
select public.save_page('33333333-3333-4333-8333-333333333333', 'Vertraulicher Vergleich', 'Text', false,
                        array[tests.fixture('client_b_org')], array[tests.fixture('group_g')]);
select tests.clear_authentication();
select is(array(select name from page_mails order by 1), array['client_a', 'client_b', 'past_grace', 'totp_aal1'],
  'adding group G reaches client A''s users, except the one who turned page mails off');

select tests.act_as('client_b');
select public.mark_page_read('33333333-3333-4333-8333-333333333333');
select tests.clear_authentication();
select is(array(select name from page_mails order by 1), array['client_a', 'past_grace', 'totp_aal1'],
  'opening the page before the mail is due cancels it');

delete from public.client_members where user_id = tests.get_user_id('totp_aal1');
select private.send_due_notification_mails(now() + interval '1 hour');
select is(array(select f.name from ops.mail_outbox as o join tests.fixtures as f on f.id = o.user_id
                 where o.template = 'page_published' order by 1),
  array['client_a', 'past_grace'], 'when due, only those who may still see the page get the mail');
select is((select count(*)::int from ops.mail_outbox where template = 'page_published' and data::text ~ 'Vergleich'), 0,
  'the mail carries no title');

select * from finish();
rollback;
