// /functions/v1/echo — reflects the caller's request (diagnostics, Functions contract tests).
import { echo } from './echo.ts'

export default { fetch: req => echo(req) } satisfies Deno.ServeDefaultExport
