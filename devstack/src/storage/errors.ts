// Storage's error contract (storage-api src/internal/errors): every handled error is sent with HTTP
// 400 (500 stays 500) and carries the semantic status as a string, a machine code and the legacy
// `error` name, e.g. {"statusCode":"404","code":"NoSuchKey","error":"not_found","message":"Object not found"}.

export class StorageError extends Error {
  readonly code: string
  readonly status: number
  readonly legacyName: string | undefined
  /** The HTTP status actually sent (storage-api maps everything but 500 to 400). */
  httpStatus: number

  constructor(options: { code: string, status: number, message: string, error?: string, httpStatus?: number }) {
    super(options.message)
    this.code = options.code
    this.status = options.status
    this.legacyName = options.error
    this.httpStatus = options.httpStatus ?? (options.status === 500 ? 500 : 400)
  }

  render() {
    return { statusCode: String(this.status), code: this.code, error: this.legacyName ?? this.code, message: this.message }
  }
}

const error = (code: string, status: number, message: string, legacyName?: string) =>
  new StorageError({ code, status, message, error: legacyName })

export const ERRORS = {
  noSuchBucket: () => error('NoSuchBucket', 404, 'Bucket not found', 'Bucket not found'),
  noSuchKey: () => error('NoSuchKey', 404, 'Object not found', 'not_found'),
  accessDenied: (message: string) => error('AccessDenied', 403, message || 'Access denied', 'Unauthorized'),
  invalidJwt: (message: string) => error('InvalidJWT', 400, message || 'Invalid JWT'),
  invalidSignature: () => error('InvalidSignature', 400, 'Invalid signature'),
  expiredSignature: () => error('ExpiredToken', 400, 'The provided token has expired.'),
  resourceAlreadyExists: () => error('ResourceAlreadyExists', 409, 'The resource already exists', 'Duplicate'),
  keyAlreadyExists: () => error('KeyAlreadyExists', 409, 'The resource already exists', 'Duplicate'),
  bucketNotEmpty: () => error('ResourceNotEmpty', 409, 'The bucket you tried to delete is not empty'),
  relatedResourceNotFound: () => error('InvalidRequest', 404, 'The related resource does not exist'),
  entityTooLarge: (entity = 'object') => error('EntityTooLarge', 413, `The ${entity} exceeded the maximum allowed size`, 'Payload too large'),
  invalidMimeType: (mimeType: string) => error('InvalidMimeType', 415, `mime type ${mimeType} is not supported`, 'invalid_mime_type'),
  invalidKey: (key: string) => error('InvalidKey', 400, `Invalid key: ${key}`),
  invalidBucketName: () => error('InvalidBucketName', 400, 'Bucket name invalid', 'Invalid Input'),
  invalidFileSizeLimit: () => error('InvalidRequest', 400, 'Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B'),
  invalidRange: () => new StorageError({ code: 'InvalidRange', status: 416, httpStatus: 416, message: 'invalid range provided', error: 'invalid_range' }),
  noContentProvided: () => error('InvalidRequest', 400, 'No content provided'),
  invalidRequest: (message: string) => error('InvalidRequest', 400, message),
  /**
   * Fastify's schema validation failure (ajv's words, e.g. `body/limit must be >= 1`), which
   * storage-api's error handler renders as any Fastify error: its name and code InternalError.
   */
  badRequest: (message: string) => new StorageError({ code: 'InternalError', status: 400, message, error: 'Error' }),
  invalidParameter: (message: string) => error('InvalidParameter', 400, message),
  /** What the devstack deliberately does not implement: loud, never a silent success. */
  notImplemented: (feature: string) => new StorageError({
    code: 'NotSupported', status: 501, httpStatus: 501, error: 'Not Implemented',
    message: `${feature} is not available on the devstack (see devstack/README.md); use a real Supabase for it`,
  }),
  internal: (message = 'Internal server error') => error('InternalError', 500, message),
}

/** PostgreSQL errors as storage-api's DBError.fromDBError maps them. */
export function fromDatabaseError(cause: unknown): StorageError | undefined {
  const pgError = cause as { code?: string, message?: string, name?: string }
  if (pgError?.name !== 'PostgresError' || !pgError.code) return undefined
  switch (pgError.code) {
    case '42501':
      return ERRORS.accessDenied(pgError.message?.includes('row-level security') ? 'new row violates row-level security policy' : pgError.message ?? '')
    case '23505':
      return ERRORS.resourceAlreadyExists()
    case '23503':
      return ERRORS.relatedResourceNotFound()
    case '55P03':
      return new StorageError({ code: 'ResourceLocked', status: 423, message: 'The resource is locked' })
    case '22P02':
      return ERRORS.invalidParameter(pgError.message || 'Invalid value format or type conversion failed')
    // A NUL or an invalid byte in a value of a JSON body (storage-api: 500 DatabaseError).
    case '22021':
    case '22P05':
      return ERRORS.invalidParameter(pgError.message ?? 'Invalid value')
    // A JWT whose role does not exist, which only the JWT secret can sign (storage-api: 500 DatabaseError).
    case '22023':
      return ERRORS.invalidJwt(pgError.message ?? 'Invalid JWT')
    case '57014':
      return new StorageError({ code: 'DatabaseTimeout', status: 544, httpStatus: 544, message: 'The connection to the database timed out' })
    default:
      return new StorageError({ code: 'DatabaseError', status: 500, message: `database error, code: ${pgError.code}` })
  }
}

export function toStorageError(cause: unknown): StorageError {
  if (cause instanceof StorageError) return cause
  return fromDatabaseError(cause) ?? ERRORS.internal()
}
