// Live verdict on a new password: the policy's hard rules at once, the zxcvbn score (German and
// English dictionaries, common passwords) as soon as the dictionaries have loaded. They are large,
// so they load on the pages that set a password and never with the app shell.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { contextWords, judgePassword, type PasswordContext } from '~/utils/password-policy'

let zxcvbn: Promise<ZxcvbnFactory> | undefined

function loadZxcvbn(): Promise<ZxcvbnFactory> {
  zxcvbn ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-de'),
    import('@zxcvbn-ts/language-en'),
  ]).then(([core, common, de, en]) => new core.ZxcvbnFactory({
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...de.dictionary, ...en.dictionary },
    useLevenshteinDistance: true,
  }))
  return zxcvbn
}

export function usePasswordStrength(password: Ref<string>, context: MaybeRefOrGetter<PasswordContext>) {
  const score = ref(0)
  const ready = ref(false)

  watch([password, () => toValue(context)], async ([value, ctx]) => {
    // The dictionaries load with the first character typed, not with the page.
    if (!value) return
    const factory = await loadZxcvbn()
    ready.value = true
    // A newer keystroke may have arrived while the dictionaries loaded.
    if (value === password.value) score.value = factory.check(value, contextWords(ctx)).score
  })

  const verdict = computed(() => judgePassword(password.value, toValue(context), ready.value ? score.value : 0))
  return { verdict, ready }
}
