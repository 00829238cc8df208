-- Test: the export holds the pages the person opened, the answers they gave, that they have a
-- calendar feed (never its secret), and the message attachments they uploaded with their Storage
-- path, but not the files others attached in the same conversation.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a');
select public.mark_page_read(tests.fixture('page_a'));
select public.respond_to_appointment(tests.fixture('appointment_client_a'), 'declined', 'Da bin ich verreist');
create temporary table feed on commit drop as select public.create_calendar_feed() as x;
select tests.remember('own_file', tests.completed_attachment('Vollmacht.pdf'));
select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'Anbei die Vollmacht.', null, array[tests.fixture('own_file')]);
select tests.act_as('lawyer');
select tests.remember('their_file', tests.completed_attachment('Antwort.pdf'));
select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'Danke, anbei die Antwort.', null, array[tests.fixture('their_file')]);
create temporary table export on commit drop as select public.gdpr_export(tests.get_user_id('client_a')) as x;
select tests.clear_authentication();

select is((select array[x -> 'page_reads' -> 0 ->> 'page', (x -> 'page_reads' -> 0 ->> 'read_at' is not null)::text] from export),
  array['Page for A', 'true'], 'the page they opened, and when');
select is((select array[x -> 'appointment_responses' -> 0 ->> 'appointment', x -> 'appointment_responses' -> 0 ->> 'response',
                        x -> 'appointment_responses' -> 0 ->> 'note'] from export),
  array['Termin A', 'declined', 'Da bin ich verreist'], 'the answer they gave, with its note');
select is((select array(select jsonb_object_keys(x -> 'calendar_feed') order by 1) from export),
  array['created_at', 'last_used_at'], 'the calendar feed by its dates');
select ok((select strpos(x::text, (select f.x ->> 'token' from feed as f)) = 0 from export), 'never the feed''s secret');
select is((select array(select d ->> 'home' || ' ' || (d ->> 'storage_path')
                          from jsonb_array_elements(x -> 'documents') as d where d ->> 'home' = 'conversation') from export),
  array['conversation ' || (select storage_path from public.documents where id = tests.fixture('own_file'))],
  'their own message attachment with its Storage path');
select ok((select strpos(x::text, tests.fixture('their_file')::text) = 0 from export), 'not the file the lawyer attached');

select * from finish();
rollback;
