// The admin's GDPR export of one person: the `gdpr-export` function streams a ZIP.
export function useGdprExport() {
  const { busy, errorKey, save } = useFunctionFile()
  const download = (userId: string) => save('gdpr-export', `dsgvo-export-${userId}.zip`, { method: 'POST', json: { user_id: userId } })
  return { busy, errorKey, download }
}
