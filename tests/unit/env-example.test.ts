// .env.example shows the local defaults the devstack really uses (the Supabase CLI's well-known
// keys) and says beside each that production must never use it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { localDevKeys, projectRoot } from '../../devstack/src/config.ts'

/** Each variable of the file with its value and the comment lines right above it. */
function documentedVariables(text: string): Map<string, { value: string, comment: string }> {
  const variables = new Map<string, { value: string, comment: string }>()
  let comment: string[] = []
  for (const line of text.split('\n')) {
    const assignment = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line)
    if (assignment) variables.set(assignment[1]!, { value: assignment[2]!, comment: comment.join(' ') })
    comment = line.startsWith('#') && !assignment ? [...comment, line.slice(1).trim()] : assignment ? comment : []
  }
  return variables
}

describe('.env.example', () => {
  const variables = documentedVariables(readFileSync(join(projectRoot, '.env.example'), 'utf8'))

  it.each([
    ['SUPABASE_ANON_KEY', localDevKeys.anonKey],
    ['SUPABASE_SERVICE_ROLE_KEY', localDevKeys.serviceRoleKey],
    ['SUPABASE_PUBLISHABLE_KEY', localDevKeys.publishableKey],
    ['SUPABASE_SECRET_KEY', localDevKeys.secretKey],
    ['SUPABASE_JWT_SECRET', localDevKeys.jwtSecret],
  ])('%s carries the devstack\'s well-known local default, marked as never for production', (name, localDefault) => {
    const variable = variables.get(name)
    expect(variable?.value).toBe(localDefault)
    expect(variable?.comment).toMatch(/local default/i)
    expect(variable?.comment).toMatch(/never in production|production must never use it/i)
  })
})
