// Functions as RPC (PostgREST's CallPlan, written anew): choose the overload by argument names,
// call it with named arguments (JSON body through json_to_record, or GET parameters cast to the
// parameter types), or hand the whole body to a single unnamed json/jsonb parameter.
import { closest, RestError } from './errors.ts'
import type { Routine, SchemaCache } from './schema-cache.ts'
import { qualified } from './schema-cache.ts'
import { ident, type Params, qualifiedIdent } from './sql-text.ts'

export type RpcArguments
  = | { kind: 'json', text: string, keys: string[] }
    | { kind: 'query', values: Array<[string, string]> }

const isSingleJsonParam = (routine: Routine) =>
  routine.params.length === 1 && routine.params[0]!.name === '' && (routine.params[0]!.type === 'json' || routine.params[0]!.type === 'jsonb')

function accepts(routine: Routine, keys: string[], isPost: boolean): boolean {
  if (isPost && isSingleJsonParam(routine)) return true
  const names = new Set(routine.params.map(param => param.name))
  return keys.every(key => names.has(key)) && routine.params.every(param => param.hasDefault || keys.includes(param.name))
}

export function findRoutine(cache: SchemaCache, schema: string, name: string, args: RpcArguments): Routine {
  const overloads = cache.routines.get(qualified(schema, name)) ?? []
  const keys = args.kind === 'json' ? args.keys : args.values.map(([key]) => key)
  const isPost = args.kind === 'json'
  const matching = overloads.filter(routine => accepts(routine, keys, isPost))
  if (matching.length === 1) return matching[0]!
  if (matching.length > 1) {
    // Named arguments that fit several overloads: the one taking exactly these arguments wins.
    const exact = matching.filter(routine => routine.params.length === keys.length && !isSingleJsonParam(routine))
    if (exact.length === 1) return exact[0]!
    const list = matching.map(routine => `${routine.schema}.${routine.name}(${routine.params.map(param => `${param.name} => ${param.type}`).join(', ')})`).join(', ')
    throw new RestError(300, 'PGRST203', `Could not choose the best candidate function between: ${list}`, null,
      'Try renaming the parameters or the function itself in the database so function overloading can be resolved')
  }
  const sorted = [...new Set(keys)].sort()
  const func = `${schema}.${name}`
  const message = `Could not find the function ${func}${sorted.length ? `(${sorted.join(', ')})` : ' without parameters'} in the schema cache`
  const withParams = sorted.length ? ` with parameter${sorted.length > 1 ? 's' : ''} ${sorted.join(', ')}` : ' without parameters'
  const details = `Searched for the function ${func}${withParams}${isPost ? ' or with a single unnamed json/jsonb parameter' : ''}, but no matches were found in the schema cache.`
  let hint: string | null = null
  if (overloads.length === 0) {
    const names = [...cache.routines.keys()].filter(key => key.startsWith(`${schema}\u0000`)).map(key => key.slice(schema.length + 1))
    const candidate = closest(name, names, 0.75)
    if (candidate) hint = `Perhaps you meant to call the function ${schema}.${candidate}`
  }
  else {
    const asList = (names: string[]) => `(${[...names].sort().join(', ')})`
    const candidate = closest(asList(sorted), overloads.map(routine => asList(routine.params.map(param => param.name))), 0.33)
    if (candidate) hint = `Perhaps you meant to call the function ${schema}.${name}${candidate}`
  }
  throw new RestError(404, 'PGRST202', message, details, hint)
}

/** The SELECT producing the function's rows: `pgrst_scalar` for scalar results, else its columns. */
export function callSql(routine: Routine, args: RpcArguments, params: Params): string {
  const fn = qualifiedIdent(routine.schema, routine.name)
  let from = ''
  let call: string
  if (args.kind === 'json' && isSingleJsonParam(routine)) {
    call = `${fn}(${params.bind(args.text)}::${routine.params[0]!.type})`
  }
  else if (args.kind === 'json') {
    const given = routine.params.filter(param => args.keys.includes(param.name))
    if (given.length) {
      const definitions = given.map(param => `${ident(param.name)} ${param.type}`).join(', ')
      from = `json_to_record(${params.bind(args.text)}::json) AS pgrst_args(${definitions})`
    }
    call = `${fn}(${given.map(param => `${param.mode === 'v' ? 'VARIADIC ' : ''}${ident(param.name)} := pgrst_args.${ident(param.name)}`).join(', ')})`
  }
  else {
    const byName = new Map(args.values)
    const given = routine.params.filter(param => byName.has(param.name))
    call = `${fn}(${given.map(param => `${param.mode === 'v' ? 'VARIADIC ' : ''}${ident(param.name)} := ${params.bind(byName.get(param.name)!)}::${param.type}`).join(', ')})`
  }
  if (routine.returnsScalar || routine.returnsVoid) return `SELECT ${call} AS pgrst_scalar${from ? ` FROM ${from}` : ''}`
  return from ? `SELECT pgrst_call.* FROM ${from}, LATERAL ${call} AS pgrst_call` : `SELECT pgrst_call.* FROM ${call} AS pgrst_call`
}
