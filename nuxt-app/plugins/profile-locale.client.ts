// Signed in, the portal speaks the profile's language; before that (the sign-in page) it follows
// the browser or the language picked there. The database's security state names the profile's
// language, at sign-in and whenever the profile is saved, and the UI switches to it at once.
export default defineNuxtPlugin((nuxtApp) => {
  const sessionStore = useSessionStore()
  watch(() => sessionStore.security?.locale, (locale) => {
    if (locale === 'de' || locale === 'en') void nuxtApp.$i18n.setLocale(locale)
  }, { immediate: true })
})
