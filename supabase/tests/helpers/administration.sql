-- Helpers for the administration tests: what each persona gets from one statement, so a test
-- states both sides (who may, who is refused with which code) in one assertion.
-- Loaded in name order before tests_schema.sql: bodies refer to helpers defined there.
create schema if not exists tests;
set check_function_bodies = off;

-- 'ok', or the SQLSTATE and message the statement raised for this persona (its effects stay
-- only when it succeeded). 'anon' is the anonymous key.
create or replace function tests.outcome_as(identifier text, statement text) returns text
language plpgsql
as $$
begin
  if identifier = 'anon' then
    perform tests.authenticate_as_anon();
  else
    perform tests.act_as(identifier);
  end if;
  begin
    execute statement;
    perform tests.clear_authentication();
    return 'ok';
  exception
    when others then
      perform tests.clear_authentication();
      return sqlstate || ' ' || sqlerrm;
  end;
end;
$$;

-- 'persona: outcome' for each persona, in the order given (default: every persona).
create or replace function tests.outcomes(statement text, identifiers text[] default array[
  'lawyer', 'staff', 'client_a', 'client_a2', 'client_b', 'guest', 'past_grace', 'totp_aal1', 'anon'])
returns text[]
language sql
as $$
  select array_agg(i || ': ' || tests.outcome_as(i, statement) order by n)
    from unnest(identifiers) with ordinality as x(i, n)
$$;
