// The resumable upload's error path (utils/connection, used by putResumable): offline, a broken-off
// upload waits for the browser's `online` event and starts once more (tus then resumes from
// Storage's offset); online, an error fails the upload at once.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { failOrResumeWhenOnline } from '~/utils/connection'

const goOffline = () => vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)

describe('a resumable upload that loses the connection', () => {
  afterEach(() => vi.restoreAllMocks())

  it('waits while offline and starts again once, at the online event', () => {
    const online = goOffline()
    const restart = vi.fn()
    const fail = vi.fn()
    failOrResumeWhenOnline(restart, fail)(new Error('network'))
    expect(restart).not.toHaveBeenCalled()
    expect(fail).not.toHaveBeenCalled()

    online.mockReturnValue(true)
    window.dispatchEvent(new Event('online'))
    window.dispatchEvent(new Event('online'))
    expect(restart).toHaveBeenCalledTimes(1)
    expect(fail).not.toHaveBeenCalled()
  })

  it('fails at once while online', () => {
    const restart = vi.fn()
    const fail = vi.fn()
    const error = new Error('403')
    failOrResumeWhenOnline(restart, fail)(error)
    expect(fail).toHaveBeenCalledWith(error)
    window.dispatchEvent(new Event('online'))
    expect(restart).not.toHaveBeenCalled()
  })

  it('waits again when the connection drops a second time', () => {
    const online = goOffline()
    const restart = vi.fn()
    const fail = vi.fn()
    const onError = failOrResumeWhenOnline(restart, fail)
    onError(new Error('network'))
    online.mockReturnValue(true)
    window.dispatchEvent(new Event('online'))
    online.mockReturnValue(false)
    onError(new Error('network again'))
    online.mockReturnValue(true)
    window.dispatchEvent(new Event('online'))
    expect(restart).toHaveBeenCalledTimes(2)
    expect(fail).not.toHaveBeenCalled()
  })
})
