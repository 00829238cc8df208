// The demo logins `make dev` prints: the seed marks its accounts (app_metadata.demo), and each is
// shown with who it is in the demo firm, read from the portal's tables (firm first, then clients,
// then guests). README.md "First visit" lists the same.
import postgres from 'postgres'

export const demoPassword = 'Demo-Zugang-lokal-2026'

export interface DemoLogin { email: string, name: string, role: string }

export async function demoLogins(databaseUrl: string): Promise<DemoLogin[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    return await sql<DemoLogin[]>`
      select u.email, coalesce(p.display_name, '') as name, coalesce(
        (select case when s.is_admin then 'Kanzlei/Admin' else 'Mitarbeiter' end from public.staff as s where s.user_id = u.id),
        (select 'Mandant ' || string_agg(c.name, ', ' order by c.name)
           from public.client_members as cm join public.clients as c on c.id = cm.client_id where cm.user_id = u.id),
        (select 'Gast in ' || string_agg(m.title, ', ' order by m.title)
           from public.matter_members as mm join public.matters as m on m.id = mm.matter_id
          where mm.user_id = u.id and mm.role = 'guest'),
        'ohne Zugang') as role
      from auth.users as u
      left join public.profiles as p on p.id = u.id
      where u.raw_app_meta_data ->> 'demo' = 'true'
      order by case when exists (select 1 from public.staff as s where s.user_id = u.id and s.is_admin) then 0
                    when exists (select 1 from public.staff as s where s.user_id = u.id) then 1
                    when exists (select 1 from public.client_members as cm where cm.user_id = u.id) then 2
                    else 3 end,
               role, name`
  }
  finally {
    await sql.end()
  }
}

export function formatDemoLogins(logins: DemoLogin[]): string[] {
  const emailWidth = Math.max(...logins.map(login => login.email.length)) + 2
  const nameWidth = Math.max(...logins.map(login => login.name.length)) + 2
  return [
    `Demo logins (local only), password ${demoPassword}:`,
    ...logins.map(login => `  ${login.email.padEnd(emailWidth)}${login.name.padEnd(nameWidth)}${login.role}`),
  ]
}
