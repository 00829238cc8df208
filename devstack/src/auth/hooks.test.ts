import { describe, expect, it } from 'vitest'
import { AuthError } from './errors.ts'
import { validateTokenClaims } from './hooks.ts'

const required = { aud: 'authenticated', exp: 1_900_000_900, iat: 1_900_000_000, sub: 'u-1', email: '', phone: '', role: 'authenticated', aal: 'aal1', session_id: 's-1', is_anonymous: false }

function refusal(claims: unknown): { status: number, message: string } {
  try {
    validateTokenClaims(claims)
  }
  catch (error) {
    if (error instanceof AuthError) return { status: error.status, message: error.message }
    throw error
  }
  throw new Error('accepted')
}

describe('the custom access token hook\'s claims, checked as GoTrue checks them', () => {
  it('accepts the required claims alone, and the optional ones when their type fits', () => {
    expect(validateTokenClaims(required)).toBe(required)
    const full = { ...required, aud: ['authenticated'], app_metadata: {}, amr: ['password', { method: 'totp', timestamp: 1 }], portal_role: 'custom' }
    expect(validateTokenClaims(full)).toBe(full)
  })

  it('lists every missing claim and every wrong type in gojsonschema\'s words', () => {
    const { aud: _aud, session_id: _sessionId, ...missing } = required
    expect(refusal({ ...missing, exp: '1900000900', user_metadata: [], amr: [1] })).toEqual({
      status: 500,
      message: 'output claims do not conform to the expected schema: \n'
        + '- (root): aud is required\n- (root): session_id is required\n'
        + '- exp: Invalid type. Expected: integer, given: string\n- user_metadata: Invalid type. Expected: object, given: array\n'
        + '- amr.0: Must validate at least one schema (anyOf)\n',
    })
    expect(refusal({ ...required, aud: 7 }).message).toContain('- aud: Invalid type. Expected: [string,array], given: integer\n')
    expect(refusal({ ...required, iat: 1.5 }).message).toContain('- iat: Invalid type. Expected: integer, given: number\n')
  })

  it('refuses claims that are not an object', () => {
    expect(refusal(null).message).toBe('output claims do not conform to the expected schema: \n- (root): Invalid type. Expected: object, given: null\n')
  })
})
