// What the UI says for each error code, in the language shown. The UI switches on the code, never
// on message text (the `{ code, message }` the backend rejects with); the message is shown only
// where the engine's own words are the point (see below).
import type { ParseKeys } from "i18next";
import type { ErrorCode, UserError } from "../bindings";
import { i18n } from "./index";

/** The catalog key for each code the UI words itself; any other code gets `error.generic`. */
export const ERROR_KEYS: Partial<Record<ErrorCode, ParseKeys>> = {
  wrong_passphrase: "error.wrong_passphrase",
  profile_exists: "error.profile_exists",
  profile_missing: "error.profile_missing",
  profile_in_use: "error.profile_in_use",
  profile_locked: "error.profile_locked",
  invalid_address: "error.invalid_address",
  name_taken: "error.name_taken",
  invitation_required: "error.invitation_required",
  relay_unreachable: "error.relay_unreachable",
  tls_untrusted: "error.tls_untrusted",
  insecure_relay: "error.insecure_relay",
  invalid_relay_url: "error.invalid_relay_url",
  invalid_ca_certificate: "error.invalid_ca_certificate",
  interop_off: "error.interop_off",
  disclosure_outdated: "error.disclosure_outdated",
  first_contact_required: "error.first_contact_required",
  request_pending: "error.request_pending",
  blocked: "error.blocked",
  key_change_unacknowledged: "error.key_change_unacknowledged",
  recipient_busy: "error.recipient_busy",
  first_contact_limit: "error.first_contact_limit",
  attachment_too_large: "error.attachment_too_large",
  attachment_gone: "error.attachment_gone",
  attachment_tampered: "error.attachment_tampered",
  not_downloaded: "error.not_downloaded",
  quota_exceeded: "error.quota_exceeded",
  network_not_peered: "error.network_not_peered",
  rate_limited: "error.rate_limited",
  unauthorized: "error.unauthorized",
  unknown_group: "error.unknown_group",
  not_group_admin: "error.not_group_admin",
  not_group_member: "error.not_group_member",
  invalid_matrix_id: "error.invalid_matrix_id",
  homeserver_unreachable: "error.homeserver_unreachable",
  matrix_account_exists: "error.matrix_account_exists",
};

export function describeError(error: UserError): string {
  // The engine's message says what did and did not happen (sent or not, blocked or not).
  if (error.code === "report_not_sent") return error.message;
  // The engine says why a group name or member list cannot be used (too long, too many, nobody new).
  if (error.code === "invalid_group") return i18n.t("error.invalid_group", { reason: error.message });
  // The Matrix homeserver's own answer (M_USER_DEACTIVATED, a limit) is what the person can act on.
  if (error.code === "homeserver_refused") return i18n.t("error.homeserver_refused", { reason: error.message });
  const key = ERROR_KEYS[error.code];
  return key ? i18n.t(key) : i18n.t("error.generic", { code: error.code });
}
