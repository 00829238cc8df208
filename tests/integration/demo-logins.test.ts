// `make dev` prints every demo login with who it is in the demo firm (from the seeded tables), and
// README.md's first visit lists the same logins with the same roles.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { projectRoot } from '../../devstack/src/config.ts'
import { demoLogins, formatDemoLogins } from '../../devstack/src/db/demo-logins.ts'
import { testEnv } from '../helpers/env.ts'

it('names the role of each demo login, as the README does', async () => {
  const logins = await demoLogins(testEnv.dbUrl)
  expect(logins.map(login => [login.email, login.role])).toEqual([
    ['anwaeltin@kanzlei.example', 'Kanzlei/Admin'],
    ['sekretariat@kanzlei.example', 'Mitarbeiter'],
    ['assistenz@kanzlei.example', 'Mitarbeiter'],
    ['anna.schmidt@example.org', 'Mandant Anna Schmidt'],
    ['k.mueller@mueller-bau.example', 'Mandant Müller Bau GmbH'],
    ['s.wagner@mueller-bau.example', 'Mandant Müller Bau GmbH'],
    ['p.hansen@nordlicht.example', 'Mandant Nordlicht Logistik AG'],
    ['gutachter@ing-richter.example', 'Gast in Bauvorhaben Lindenstraße 12'],
  ])
  expect(formatDemoLogins(logins)[1]).toMatch(/^ {2}anwaeltin@kanzlei\.example +Dr\. Katharina Weber +Kanzlei\/Admin$/)

  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8')
  for (const login of logins) expect(readme).toContain(`| \`${login.email}\` | ${login.name} | ${login.role} |`)
})
