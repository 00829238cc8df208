// Building SQL text safely: identifiers are always double-quoted, request values are always bound
// parameters. The only request text ever placed in SQL unquoted is a cast type name, which the
// parser restricts to letters, digits, `_`, `$` and spaces inside CAST( … AS … ).
import { RestError } from './errors.ts'

const nul = '\u0000'

function refuseNul(text: string): void {
  if (text.includes(nul)) throw new RestError(400, '22021', 'invalid byte sequence for encoding "UTF8": 0x00')
}

export function ident(name: string): string {
  refuseNul(name)
  return `"${name.replaceAll('"', '""')}"`
}

export function qualifiedIdent(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`
}

/** A string literal (standard_conforming_strings is on: backslashes are plain characters). */
export function literal(text: string): string {
  refuseNul(text)
  return `'${text.replaceAll('\'', '\'\'')}'`
}

/** A Postgres array literal (`{"a","b\"c"}`) for one bound parameter. */
export function arrayLiteral(values: string[]): string {
  return `{${values.map(value => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`
}

const castName = /^[\p{L}0-9_ $]+$/u

export function castType(type: string): string {
  if (!castName.test(type)) throw new RestError(400, 'PGRST100', `"failed to parse cast (${type})"`, 'unexpected character in type name')
  return type
}

/** The bound values of one statement; `$n` placeholders are handed out in order. */
export class Params {
  values: string[] = []

  bind(value: string): string {
    refuseNul(value)
    this.values.push(value)
    return `$${this.values.length}`
  }
}
