-- Test: a new thread's first message carries the starter's completed uploads in the same
-- transaction, readable by the recipients only; another person's upload is refused and no
-- thread is left behind.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('staff');
select tests.remember('draft', tests.completed_attachment('Mängelanzeige.pdf'));
select tests.remember('with_file', public.start_conversation('thread', 'Mängelanzeige', tests.fixture('client_a_org'), null,
  array[tests.fixture('client_a')], 'Der Entwurf anbei.', array[tests.fixture('draft')]));
select results_eq($$select m.body, a ->> 'name' from public.list_messages(tests.fixture('with_file')) as m, jsonb_array_elements(m.attachments) as a$$,
  $$values ('Der Entwurf anbei.', 'Mängelanzeige.pdf')$$, 'the first message carries the file');
select is(tests.visible_as('client_a', $$select id from public.documents where id = tests.fixture('draft')$$), array['draft'],
  'the recipient reads it');
select is(tests.visible_as('client_a2', $$select id from public.documents where id = tests.fixture('draft')$$), '{}'::text[],
  'a colleague who is not a recipient does not');

select tests.act_as('staff');
select tests.remember('only_file', tests.completed_attachment('Vollmacht.pdf'));
select lives_ok($$select public.start_conversation('thread', 'Vollmacht', tests.fixture('client_a_org'), null,
  array[tests.fixture('client_a')], null, array[tests.fixture('only_file')])$$, 'a first message may be only a file');

select tests.remember('foreign', tests.completed_attachment('Fremd.pdf'));
select tests.act_as('client_a');
select throws_ok($$select public.start_conversation('thread', 'Fremd', tests.fixture('client_a_org'), null,
  array[tests.fixture('staff')], 'Hier', array[tests.fixture('foreign')])$$, 'P0001', 'attachment_not_found',
  'nobody starts a thread with another person''s upload');
select tests.clear_authentication();
select is((select count(*)::int from public.conversations where subject = 'Fremd'), 0, 'and no thread is left behind');

select * from finish();
rollback;
