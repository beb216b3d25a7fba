// Generated from the Rust types in isthmus-core and isthmus-proto; do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p isthmus-core --features ts bindings

export type Address = { name: UserName, network: NetworkName, device: number, };

export type UserName = string;

export type NetworkName = string;

export type ReportReason = "spam" | "fraud" | "harassment" | "other";

export type Discoverability = "everyone" | "contacts";

export type GroupAdds = "networks" | "contacts" | "nobody";

export type MessageId = string;

export type ConversationId = string;

export type GroupId = string;

export type EnvelopeId = string;

export type Direction = "incoming" | "outgoing";

export type MessageStatus = "pending" | "sent" | "delivered" | "read" | "failed" | "received";

export type Quote = { message_id: MessageId, author: string, text: string, };

export type Reaction = { author: string, emoji: string, };

export type Attachment = { origin_network: string, size: number, content_type: string, file_name: string, width: number, height: number, 
/**
 * A JPEG thumbnail (base64), for images, when it passed the size checks.
 */
thumbnail: string | null, 
/**
 * The encrypted file is in the profile (uploaded by us, or downloaded).
 */
downloaded: boolean, 
/**
 * Something the user should know, e.g. why an image travels as a plain file.
 */
note: string | null, };

export type GroupChangeKind = "created" | "added_you" | "invited_you" | "added" | "removed" | "left" | "renamed" | "made_admin";

export type GroupNotice = { kind: GroupChangeKind, 
/**
 * `name@network` of the member who made the change.
 */
by: string, 
/**
 * The members it is about (added, removed, made admin).
 */
targets: Array<string>, 
/**
 * The group's name after the change.
 */
name: string, };

export type Message = { id: MessageId, conversation: ConversationId, 
/**
 * Position in the conversation's timeline (1, 2, ...), assigned when stored.
 */
seq: number, direction: Direction, 
/**
 * `name@network` of the author.
 */
author: string, body: string, 
/**
 * The author's clock, ms since the epoch.
 */
sent_at: number, 
/**
 * This device's clock when stored, ms since the epoch.
 */
stored_at: number, status: MessageStatus, 
/**
 * For failed messages: the error code (see `ErrorCode`).
 */
failure: string | null, quote: Quote | null, reactions: Array<Reaction>, edited: boolean, deleted: boolean, attachments: Array<Attachment>, 
/**
 * A change of a group's membership or name, shown in its timeline as a line of its own
 * (`body` words it in English for plain front ends).
 */
notice: GroupNotice | null, };

export type Conversation = { id: ConversationId, 
/**
 * The profile's account this conversation belongs to.
 */
account: Address, 
/**
 * The other person.
 */
peer: Address, created_at: number, last_activity: number, 
/**
 * The last message's text (or a note such as "Message deleted"), for the inbox.
 */
last_preview: string, last_status: MessageStatus | null, unread: number, 
/**
 * The next timeline position to assign.
 */
next_seq: number, 
/**
 * A message request: someone new wrote first and the user has not accepted yet. Until
 * then no receipts or typing go back, attachments are not fetched, links are inert.
 */
request: boolean, 
/**
 * Filled in by queries, not stored: the account no longer allows this chat's network, so
 * the chat is read-only.
 */
read_only: boolean, 
/**
 * Filled in by queries, not stored: why the chat may not send now (`interop_off`,
 * `blocked`, `key_change_unacknowledged`, `request_pending`), or `None` when it may. The
 * engine's rule (`may_send.rs`) decides, so front ends only word it.
 */
send_refusal: ErrorCode | null, 
/**
 * A group chat: the group's id (`peer` is then the account itself, and `title` the name).
 */
group: GroupId | null, 
/**
 * The chat's name when it is not the peer's address: a group's name.
 */
title: string | null, 
/**
 * A chat on Matrix, reached through the account's own Matrix client: its room. `None` for
 * an Isthmus chat. `account` and `peer` are then the Matrix ids written as addresses.
 */
matrix: MatrixChat | null, };

export type Page<T> = { items: Array<T>, next_cursor: number | null, };

export type ConnectionState = "connecting" | "connected" | "offline";

export type TransferDirection = "upload" | "download";

export type Event = { "type": "message_added", message: Message, } | { "type": "message_updated", message: Message, } | { "type": "conversation_changed", conversation: Conversation, } | { "type": "typing", conversation: ConversationId, author: string, started: boolean, } | { "type": "connection", account: string, state: ConnectionState, retry_in_ms: number | null, } | { "type": "queue_drained", account: string, } | { "type": "key_changed", account: string, peer: string, } | { "type": "conversation_removed", conversation: ConversationId, } | { "type": "transfer", conversation: ConversationId, message: MessageId, index: number, direction: TransferDirection, done: number, total: number, } | { "type": "consent_recorded", entry: LedgerEntry, };

export type ErrorCode = "wrong_passphrase" | "profile_exists" | "profile_missing" | "profile_in_use" | "profile_locked" | "storage_corrupt" | "storage" | "invalid_address" | "unknown_account" | "unknown_conversation" | "unknown_message" | "unknown_group" | "not_group_admin" | "not_group_member" | "invalid_group" | "interop_off" | "disclosure_outdated" | "first_contact_required" | "request_pending" | "blocked" | "key_change_unacknowledged" | "recipient_busy" | "first_contact_limit" | "attachment_tampered" | "attachment_too_large" | "attachment_gone" | "quota_exceeded" | "not_downloaded" | "name_taken" | "network_not_peered" | "relay_unreachable" | "tls_untrusted" | "insecure_relay" | "invalid_relay_url" | "invalid_ca_certificate" | "relay_rejected" | "report_not_sent" | "invitation_required" | "unauthorized" | "rate_limited" | "too_large" | "crypto" | "protocol" | "invalid_argument" | "invalid_matrix_id" | "homeserver_unreachable" | "homeserver_refused" | "matrix_account_exists" | "internal";

export type UserError = { code: ErrorCode, message: string, };

export type AccountInfo = { address: string, network: string, relay_url: string, interop: Array<string>, 
/**
 * Whether the relay is trusted through a CA certificate the user added.
 */
private_ca: boolean, };

export type MatrixAccountInfo = { 
/**
 * `@name:server`.
 */
user_id: string, 
/**
 * The same id written as an address (`name@server`): the `account` of its chats.
 */
address: string, homeserver: string, device_id: string, enabled: boolean, };

export type MatrixChat = { 
/**
 * `!opaque:server`.
 */
room: string, 
/**
 * The account's own Matrix id, `@name:server`.
 */
account: string, 
/**
 * The other person's Matrix id in a direct chat.
 */
peer: string, encrypted: boolean, };

export type SafetyNumber = { 
/**
 * 60 digits, the same on both sides; shown in groups of five.
 */
digits: string, 
/**
 * The bytes to put in a QR code, hex-encoded; the other side compares them with its own.
 */
scannable: string, };

export type Disclosure = { version: string, 
/**
 * The network the disclosure is about.
 */
network: string, title: string, 
/**
 * The facts, one per item, in the order they are shown.
 */
facts: Array<string>, 
/**
 * What does not work across networks.
 */
not_available: Array<string>, };

export type Decision = "interop_enabled" | "interop_disabled" | "request_accepted" | "request_deleted" | "request_blocked" | "request_reported" | "blocked" | "unblocked" | "first_contact_confirmed" | "key_change_acknowledged" | "verified" | "unverified";

export type LedgerEntry = { 
/**
 * 1, 2, 3, ... in the order decisions were made.
 */
seq: number, 
/**
 * ms since the epoch.
 */
at: number, 
/**
 * The account the decision was made for (`name@network`).
 */
account: string, 
/**
 * The person (`name@network`) or network (`harbor.example`) it was about.
 */
counterpart: string, decision: Decision, 
/**
 * The disclosure the user saw, for interop decisions.
 */
disclosure_version: string | null, };

export type Contact = { 
/**
 * The user compared safety numbers and marked this person verified.
 */
verified: boolean, 
/**
 * Blocked: nothing from this person reaches the user, from any network.
 */
blocked: boolean, 
/**
 * This person's identity key changed and the user has not acknowledged it yet;
 * sending to them waits until they do.
 */
key_change_held: boolean, 
/**
 * The user confirmed writing to this person on another network.
 */
first_contact_confirmed: boolean, };

export type UnopenedSender = { 
/**
 * `name@network`.
 */
address: string, 
/**
 * How many of their envelopes could not be opened.
 */
count: number, 
/**
 * When the last one arrived (ms since the epoch, the relay's time).
 */
last_at_ms: number, };

export type UnsentReport = { 
/**
 * `name@network` of the reported person.
 */
address: string, reason: ReportReason, 
/**
 * How many of their messages the report carries.
 */
messages: number, 
/**
 * When the person asked for it (ms since the epoch, this device's time).
 */
queued_at_ms: number, };

export type InboxLayout = "combined" | "separate";

export type SavedAttachment = { path: string, 
/**
 * The extension does not match the detected type (e.g. a program named `.jpg`).
 */
extension_mismatch: boolean, detected_type: string | null, 
/**
 * A passive type (picture, sound, video, PDF, plain text) whose content is what its name
 * says: the only files a front end hands to the system's opener. Anything else it shows in
 * its folder.
 */
opens: boolean, };

export type Outgoing = { "kind": "text", body: string, quote: MessageId | null, } | { "kind": "reaction", target: MessageId, emoji: string, remove: boolean, } | { "kind": "edit", target: MessageId, body: string, } | { "kind": "delete", target: MessageId, };

export type GroupMember = { 
/**
 * `name@network`.
 */
address: string, admin: boolean, };

export type Membership = { "state": "member" } | { "state": "invited", by: string, } | { "state": "left" } | { "state": "removed" };

export type Group = { id: GroupId, 
/**
 * The profile's account this group belongs to.
 */
account: Address, name: string, 
/**
 * Who created the group; their network is the group's home.
 */
creator: string, 
/**
 * The revision of the state below: every change makes the next one.
 */
revision: number, members: Array<GroupMember>, membership: Membership, conversation: ConversationId, };

export type MemberReceipt = { 
/**
 * `name@network`.
 */
member: string, 
/**
 * `delivered` or `read`.
 */
status: MessageStatus, };

export type Draft = { conversation: ConversationId, text: string, 
/**
 * When it was last changed, ms since the epoch.
 */
updated_at: number, };

export type SnippetPart = { text: string, hit: boolean, };

export type SearchHit = { conversation: ConversationId, message: MessageId, 
/**
 * Its place in the timeline: "jump to message" opens the chat around it.
 */
seq: number, sent_at: number, 
/**
 * `name@network` of the author.
 */
author: string, direction: Direction, snippet: Array<SnippetPart>, };

export type SearchResults = { hits: Array<SearchHit>, 
/**
 * How many messages the index matched in all (a word longer than the index keeps can
 * make this a little more than the results that are shown).
 */
total: number, 
/**
 * Pass back to get the next page; `None` on the last one.
 */
next_cursor: string | null, };
