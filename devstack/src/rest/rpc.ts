// Functions as RPC (PostgREST's findProc and CallPlan, written anew): choose the overload by argument
// names, call it with named arguments (JSON body through json_to_record, or GET parameters cast to
// the parameter types), or hand the whole body to a function whose only parameter is unnamed.
import { closest, RestError } from './errors.ts'
import type { Routine, SchemaCache } from './schema-cache.ts'
import { qualified } from './schema-cache.ts'
import { ident, type Params, qualifiedIdent } from './sql-text.ts'

export type RpcArguments
  = | { kind: 'json', text: string, keys: string[] }
    | { kind: 'query', values: Array<[string, string]> }

/** A single unnamed parameter takes the whole body (JSON bodies only reach here: json or jsonb). */
const takesWholeBody = (routine: Routine) =>
  routine.params.length === 1 && routine.params[0]!.name === '' && (routine.params[0]!.type === 'json' || routine.params[0]!.type === 'jsonb')

/**
 * PostgREST's matchesParams: without parameters, no arguments; otherwise every required parameter
 * named and nothing but parameters (an unnamed parameter is the key "").
 */
function matchesParams(routine: Routine, keys: Set<string>): boolean {
  if (routine.params.length === 0) return keys.size === 0
  const required = routine.params.filter(param => !param.hasDefault).map(param => param.name)
  const optional = new Set(routine.params.filter(param => param.hasDefault).map(param => param.name))
  const rest = [...keys].filter(key => !optional.has(key))
  return rest.length === new Set(required).size && required.every(name => keys.has(name))
}

/** findProc: the overloads named by the arguments, else the one taking the whole body; more than one is 300 PGRST203. */
export function findRoutine(cache: SchemaCache, schema: string, name: string, args: RpcArguments): Routine {
  const overloads = cache.routines.get(qualified(schema, name)) ?? []
  const keys = args.kind === 'json' ? args.keys : args.values.map(([key]) => key)
  const isPost = args.kind === 'json'
  const keySet = new Set(keys)
  const named = overloads.filter(routine => matchesParams(routine, keySet))
  const wholeBody = overloads.filter(routine => !matchesParams(routine, keySet) && isPost && takesWholeBody(routine))
  const candidates = named.length ? named : wholeBody
  if (candidates.length === 1) return candidates[0]!
  if (candidates.length > 1) {
    const list = candidates.map(routine => `${routine.schema}.${routine.name}(${routine.params.map(param => `${param.name} => ${param.type}`).join(', ')})`).join(', ')
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
  if (args.kind === 'json' && routine.params.length === 1 && routine.params[0]!.name === '') {
    // OnePosParam: the body itself is the argument.
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
