// Turns Deno's output of a failed install or worker start into the one reason a developer needs,
// with what to do about it.

// eslint-disable-next-line no-control-regex
const ansi = /\u001B\[[0-9;]*m/g

const hints: Array<[RegExp, string]> = [
  [/lockfile is out of date/i,
    'edge-functions/deno.lock does not match the imports (deno.json or an npm: specifier in the code). After changing an import, update the lockfile with `make deno-lock` and commit it.'],
  [/not found in cache|--cached-only/i,
    'The edge functions\' npm packages are not in the project\'s Deno cache: run `make deps` (it installs them from edge-functions/deno.lock).'],
  [/invalid peer certificate|UnknownIssuer|certificate/i,
    'Deno does not trust the npm registry\'s TLS certificate. It uses the Mozilla and the system certificate stores and npm\'s `cafile`; if this network needs another CA, set DENO_CERT=<PEM file>.'],
  [/error sending request|dns error|Connect/i,
    'Deno could not reach the npm registry (it uses npm\'s `registry` and `https-proxy` settings, or NPM_CONFIG_REGISTRY and HTTPS_PROXY).'],
]

/** The error, its causes and where it happened; then a hint when the cause is a known one. */
export function describeDenoFailure(output: string[]): string {
  const lines = output.map(line => line.replace(ansi, '').trimEnd())
  const start = lines.findIndex(line => /^error:/i.test(line))
  const relevant: string[] = []
  if (start >= 0) {
    relevant.push(lines[start]!.replace(/^error:\s*/i, ''))
    for (const line of lines.slice(start + 1)) {
      if (/^Stack backtrace/i.test(line)) break
      if (/^\s+\d+: /.test(line)) relevant.push(line.trim())
      else if (/^\s+at (async )?file:/.test(line) && !line.includes('/devstack/src/functions/deno/')) {
        relevant.push(line.trim())
        break
      }
    }
  }
  else {
    relevant.push(...lines.filter(Boolean).slice(-5))
  }
  const text = relevant.join('\n')
  const hint = hints.find(([pattern]) => pattern.test(text))?.[1]
  return hint ? `${text}\n${hint}` : text
}
