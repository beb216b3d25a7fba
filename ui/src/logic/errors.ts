// What the UI says for each error code. The UI switches on the code, never on message text.
import type { ErrorCode, UserError } from "../bindings";

export function describeError(error: UserError): string {
  // The engine's message says what did and did not happen (sent or not, blocked or not).
  if (error.code === "report_not_sent") return error.message;
  // The engine says why a group name or member list cannot be used (too long, too many, nobody new).
  if (error.code === "invalid_group") return `That cannot be done in this group: ${error.message}.`;
  const known: Partial<Record<ErrorCode, string>> = {
    wrong_passphrase: "That passphrase is not right. Try again.",
    profile_exists: "A profile already exists on this computer. Unlock it instead.",
    profile_missing: "There is no profile on this computer yet. Create one.",
    profile_in_use: "Isthmus is already open with this profile in another window.",
    profile_locked: "Isthmus is locked. Unlock it to go on.",
    invalid_address: "That is not a valid address. Addresses look like name@network.",
    name_taken: "That name is taken on this network. Choose another.",
    invitation_required:
      "This network takes new accounts by invitation only. Paste the invitation its operator gave you.",
    relay_unreachable: "The network's server does not answer. Check the address and your connection.",
    tls_untrusted:
      "The network's server did not prove who it is: its certificate is not from an authority this device trusts, has expired, or is for another name. For a private network, add its CA certificate.",
    insecure_relay:
      "That address starts with http:// and is on another computer: nothing would be encrypted. Use https://.",
    invalid_relay_url: "That is not a server address. It looks like https://relay.example.",
    invalid_ca_certificate: 'That file is not a CA certificate (PEM, "-----BEGIN CERTIFICATE-----").',
    interop_off: "Chats with that network are off for this account. Turn them on in Settings first.",
    disclosure_outdated: "The information about this network changed. Read it again before you decide.",
    first_contact_required: "Confirm that you want to write to this person first.",
    request_pending: "Accept the request first.",
    blocked: "You blocked this person. Unblock them to write.",
    key_change_unacknowledged: "This person's safety number changed. Acknowledge it before you send.",
    recipient_busy: "This person cannot receive messages right now. Try again later.",
    first_contact_limit: "You have started many new chats today. Try again tomorrow.",
    attachment_too_large: "That file is too large to send.",
    attachment_gone: "The file is no longer available on the sender's network.",
    attachment_tampered: "The file was changed on the way and was not opened.",
    not_downloaded: "Download the file first.",
    quota_exceeded: "Your network's storage for files is full.",
    network_not_peered: "Your network has no agreement with that network, so you cannot reach it.",
    rate_limited: "Too many attempts. Wait a moment and try again.",
    unauthorized: "The network did not accept this account's credentials.",
    unknown_group: "This group is no longer on this computer.",
    not_group_admin: "Only the group's admins can do that.",
    not_group_member: "You are not a member of this group any more, so you cannot write or change it.",
  };
  return known[error.code] ?? `Something went wrong (${error.code}).`;
}
