// Filters built from what a user typed. PostgREST reads `or=(…)` by its own grammar: an unquoted
// value ends at `,` or `)`, so raw text could cut the filter short or add conditions of its own.
// Values go in double quotes with `"` and `\` escaped; inside the pattern, LIKE's own wildcards
// `%` and `_` (and its escape `\`) are escaped too, so the text matches literally. A typed `*`
// stays a wildcard: PostgREST turns every `*` of a like pattern into `%`, quoted or not.

/** A value PostgREST reads back exactly, wherever its grammar allows a quoted value. */
export function quotedFilterValue(value: string): string {
  return `"${value.replace(/["\\]/g, char => `\\${char}`)}"`
}

/** `or` filter text: any of the columns contains the text, case-insensitively. */
export function containsAnyFilter(columns: readonly string[], text: string): string {
  const pattern = `*${text.replace(/[%_\\]/g, char => `\\${char}`)}*`
  return columns.map(column => `${column}.ilike.${quotedFilterValue(pattern)}`).join(',')
}
