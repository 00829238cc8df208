// Turns Auth (GoTrue) and database (PostgREST/RPC) errors into i18n keys. Messages never say
// whether an account exists: every credential problem reads the same.

/** Error codes with their own message (i18n `errors.codes.<code>`). */
export const knownCodes = new Set([
  'invalid_credentials', 'user_banned', 'over_request_rate_limit', 'over_email_send_rate_limit',
  'weak_password', 'same_password', 'otp_expired', 'session_expired', 'session_not_found',
  'mfa_verification_failed', 'mfa_challenge_expired', 'mfa_verification_rejected', 'insufficient_aal',
  'mfa_factor_name_conflict', 'too_many_enrolled_mfa_factors',
  // Raised by the portal's RPCs (message = code; supabase/README.md "Error codes"), and the
  // password hook's refusal (login_throttled, sent as the message of invalid_credentials).
  'email_code_mismatch', 'email_code_rate_limited', 'email_code_invalid_format', 'email_code_not_found',
  'email_code_already_used', 'email_code_expired', 'email_code_attempts_exceeded', 'email_missing',
  'email_factor_not_enrolled', 'mfa_required', 'session_required', 'login_throttled', 'forbidden',
  'invitation_not_found', 'invitation_expired', 'invitation_revoked', 'invitation_already_accepted',
  'invitation_email_mismatch', 'invalid_email', 'client_not_found', 'already_member', 'user_not_found',
  'last_second_factor', 'no_second_factor',
  // backups (Verwaltung → Sicherungen)
  'backup_not_configured',
  // Tickets and their attachments (supabase/README.md "Error codes").
  'idempotency_key_reused', 'subject_required', 'subject_too_long', 'body_required', 'body_too_long', 'invalid_priority',
  'invalid_category', 'invalid_status', 'invalid_cursor', 'scope_required', 'matter_not_found', 'requester_not_allowed',
  'ticket_not_found', 'ticket_closed', 'ticket_status_unchanged', 'ticket_status_forbidden', 'assignee_not_staff',
  'reply_id_conflict', 'note_id_conflict', 'too_many_attachments', 'attachment_not_found', 'attachment_not_uploaded',
  'too_many_pending_uploads', 'document_too_large', 'document_type_not_allowed', 'invalid_file_name', 'invalid_checksum',
  'document_not_found', 'document_object_missing',
  // administration (Verwaltung); group_name_taken is the app's name for the groups' unique name
  'last_admin', 'group_name_taken', 'value_too_long', 'invalid_kind', 'invalid_persona',
  'client_id_required', 'name_required', 'reference_number_required', 'reference_number_taken',
  'member_not_found', 'staff_not_erasable', 'confirmation_mismatch',
  // matters (/akten): the matter form, adding staff, inviting a guest
  'title_required', 'title_too_long', 'reference_required', 'invalid_reference', 'reference_taken',
  'description_too_long', 'matter_closed', 'member_not_staff', 'matter_id_required',
  // documents (/dokumente): uploads, versions, release, undo and restore
  'document_already_released', 'document_already_uploaded', 'document_deleted', 'document_not_checked',
  'document_not_deleted', 'document_not_uploaded', 'document_rejected', 'document_type_mismatch', 'invalid_folder',
  'invalid_page_size', 'invalid_previous_version', 'invalid_selection', 'invalid_size', 'invalid_state',
  'note_too_long', 'undo_expired', 'version_conflict',
  // messages (/nachrichten)
  'conversation_not_found', 'edit_window_passed', 'quoted_message_not_found', 'message_id_conflict',
  'participant_not_allowed', 'quote_unchangeable', 'chat_closed', 'outside_office_hours', 'chat_not_found', 'message_not_editable',
  // pages and appointments (/seiten, /termine): opening a page, answering an appointment
  'page_not_found', 'appointment_not_found', 'appointment_past', 'invalid_response', 'client_required',
  // the page editor (/seiten/neu, /seiten/<slug>/bearbeiten; texts in i18n/lazy/page-editor.json)
  'page_id_required', 'audience_required', 'audience_not_found', 'page_archived', 'preview_user_not_client',
  // the appointment form (the page editor and /termine; texts in i18n/lazy/appointment-editor.json)
  'appointment_id_required', 'appointment_time_required', 'appointment_ends_before_start', 'appointment_target_required',
  'appointment_id_conflict', 'location_too_long', 'invalid_time_zone', 'appointment_matter_mismatch', 'appointment_client_required',
])

/** Codes that only tell the user something exists: shown as a wrong-credentials message. */
const credentialCodes = new Set(['email_not_confirmed', 'user_not_found', 'email_address_invalid'])

interface ErrorLike { code?: unknown, status?: unknown, name?: unknown, message?: unknown }

export function errorMessageKey(error: unknown): string {
  const { code, status, name, message } = (error && typeof error === 'object' ? error : {}) as ErrorLike
  // Auth's own codes that would reveal an account read as wrong credentials (the RPCs' user_not_found,
  // for staff, keeps its meaning).
  if (typeof code === 'string' && credentialCodes.has(code)) return 'errors.codes.invalid_credentials'
  // The message first: RPCs send their code there, and a throttled sign-in is invalid_credentials
  // with the message login_throttled.
  for (const candidate of [message, code]) {
    if (typeof candidate === 'string' && knownCodes.has(candidate)) return `errors.codes.${candidate}`
  }
  if (status === 429) return 'errors.codes.over_request_rate_limit'
  // No answer, a gateway without the service (404) or a server error: the service is unreachable.
  const unreachable = name === 'AuthRetryableFetchError' || name === 'TypeError' || status === 0
    || status === 404 || (typeof status === 'number' && status >= 500)
  return unreachable ? 'errors.unavailable' : 'errors.unexpected'
}
