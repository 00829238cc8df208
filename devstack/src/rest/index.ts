// The REST API at /rest/v1: a twin of PostgREST v14 as the Supabase CLI runs it (settings from
// config.toml [api]: schemas, extra_search_path, max_rows). One connection pool as
// `authenticator`, a schema cache reloaded on `NOTIFY pgrst`, every request one transaction as
// the caller's role.
import { tomlValue } from '../config.ts'
import type { ModuleFactory } from '../modules.ts'
import { connect } from '../shared/db.ts'
import { handleRest, type RestContext, type RestSettings } from './handler.ts'
import { loadSchemaCache, type SchemaCache } from './schema-cache.ts'

// Request values are bound as text for the server to parse by the type it infers. postgres.js
// would otherwise re-encode them by that type (JSON-encode a json value, turn 'true' into 'f').
const verbatimParameters = Object.fromEntries([16, 17, 114, 1082, 1114, 1184, 3802].map(oid => [
  `verbatim_${oid}`,
  { to: oid, from: [] as number[], serialize: (value: unknown) => String(value), parse: (value: string) => value },
]))

export const restModule: ModuleFactory = ({ config, jwt, commits }) => {
  const settings: RestSettings = {
    schemas: tomlValue(config.toml, 'api.schemas', ['public', 'graphql_public']),
    extraSearchPath: tomlValue(config.toml, 'api.extra_search_path', ['public', 'extensions']),
    maxRows: tomlValue<number | null>(config.toml, 'api.max_rows', 1000),
    anonRole: 'anon',
  }
  const sql = connect(config, 'authenticator', { max: 10, types: verbatimParameters })
  let cache: SchemaCache | undefined
  let loading: Promise<void> | null = null
  let reloadAgain = false
  let timezones: Promise<Set<string>> | undefined

  // Bursts of DDL (a migration) send many notifications: reload once more after the current load.
  const reload = async (): Promise<void> => {
    if (loading) {
      reloadAgain = true
      return loading
    }
    loading = (async () => {
      try {
        do {
          reloadAgain = false
          cache = await loadSchemaCache(sql, settings.schemas)
        } while (reloadAgain)
      }
      catch (error) {
        console.error('[rest] loading the schema cache failed:', error)
      }
      finally {
        loading = null
      }
    })()
    return loading
  }

  const context: RestContext = {
    sql,
    jwt,
    settings,
    cache: () => cache!,
    committed: () => commits?.notify(),
    timezones: () => (timezones ??= sql<Array<{ name: string }>>`select name from pg_timezone_names`.then(rows => new Set(rows.map(row => row.name)))),
  }

  return {
    name: 'rest',
    async start() {
      await reload()
      if (!cache) throw new Error('the REST schema cache could not be loaded')
      let listening = false
      await sql.listen('pgrst', (payload) => {
        // The in-database configuration (pgrst.* on authenticator) comes with the schema cache here.
        if (payload === '' || payload === 'reload schema' || payload === 'reload config') void reload()
      }, () => {
        // Notifications sent while the listener was reconnecting are lost: reload to catch up.
        if (listening) void reload()
        listening = true
      })
    },
    async stop() {
      await sql.end({ timeout: 5 })
    },
    describe: () => [`rest       ${config.apiUrl}/rest/v1 (PostgREST v14 twin, schemas ${settings.schemas.join(', ')})`],
    services: [{
      prefix: '/rest/v1',
      checksApiKey: true,
      handle: (req, res, path) => handleRest(context, req, res, path),
    }],
  }
}
