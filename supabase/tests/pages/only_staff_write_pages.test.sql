-- Test: only staff create, edit and delete pages; the body is stored exactly as written.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a');
select throws_ok($$insert into public.pages (title) values ('Mine')$$, '42501', null, 'a client cannot create pages');
select results_eq($$with changed as (update public.pages set title = 'x' where id = tests.fixture('page_a') returning 1)
                   select count(*)::int from changed$$, array[0], 'a client cannot edit a page it sees');
select results_eq($$with gone as (delete from public.pages where id = tests.fixture('page_a') returning 1) select count(*)::int from gone$$,
  array[0], 'a client cannot delete a page');
select tests.act_as('staff');
select lives_ok($$insert into public.pages (title, body) values ('Neu', '<script>alert(1)</script> **fett**')$$, 'staff create pages');
select is((select body from public.pages where title = 'Neu'), '<script>alert(1)</script> **fett**',
  'the Markdown is stored as written (sanitized when rendered)');
select is((select published_at from public.pages where title = 'Neu'), null, 'a new page is a draft without publication time');

select * from finish();
rollback;
