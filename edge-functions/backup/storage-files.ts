// File contents come through the Storage API with the service-role key (the function cannot see
// Storage's disk or bucket), streamed: never a whole file in memory.

export class UnavailableFile extends Error {}

export interface StorageObject { bucket: string, name: string, size: number | null }

export type DownloadObject = (object: StorageObject) => Promise<ReadableStream<Uint8Array>>

export function storageDownloader(apiUrl: string, serviceKey: string): DownloadObject {
  return async (object) => {
    const path = [object.bucket, ...object.name.split('/')].map(encodeURIComponent).join('/')
    const response = await fetch(`${apiUrl.replace(/\/$/, '')}/storage/v1/object/${path}`, {
      headers: { Authorization: `Bearer ${serviceKey}`, apikey: serviceKey },
    })
    // Deleted or replaced since the snapshot: the next run sees what became of it.
    if (response.status === 400 || response.status === 404) {
      await response.body?.cancel()
      throw new UnavailableFile(`${object.bucket}/${object.name} is gone`)
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel()
      throw new Error(`Storage answered ${response.status} for an object of bucket ${object.bucket}`)
    }
    const length = response.headers.get('content-length')
    if (object.size !== null && length !== null && Number(length) !== object.size) {
      await response.body.cancel()
      throw new UnavailableFile(`${object.bucket}/${object.name} changed since the snapshot`)
    }
    return response.body
  }
}
