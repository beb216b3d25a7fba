// The one contract between the UI and the app (GitButler's backend.ts pattern).
//
// Every operation the UI can ask for is one async method here. Two implementations exist:
//   - TauriBackend (tauri.ts): the desktop app, over isthmus-core through src-tauri.
//   - DemoBackend (demo.ts): fixture data and simulated peers, so the whole UI runs in a plain
//     browser for designers and browser tests.
//
// Wire convention for the Tauri implementation (the shell implements exactly this):
//   - Each method `fooBar(a, b)` calls `invoke("foo_bar", { a, b })`: the command name is the
//     method name in snake_case, the argument object uses the parameter names below in
//     camelCase (Tauri 2 maps them to the Rust snake_case parameters). Optional arguments are
//     passed as `null`, never omitted.
//   - Addresses cross as strings `name@network` (Rust: `Address::from_str` / `Display`).
//   - Results are the types from bindings.ts (generated from the Rust types; never edited here).
//   - Errors reject with a `UserError` `{ code, message }`; the UI switches on `code` only,
//     never on the message text.
//   - Engine events are emitted on the Tauri event name "isthmus://events" with an array of
//     `Event` (bindings.ts) as payload, gathered over about a frame with superseded updates
//     left out; `subscribe` hands them on one at a time, in order. When events were lost on the way
//     (more than the engine's channel holds), "isthmus://resync" says so, and `subscribe`
//     hands the listener `{ type: "resync" }`: query again everything shown.
//
// Everything UI-owned that the engine does not store (theme, language, privacy toggles, notifications,
// pin/mute/archive) is the `Settings` type below; the shell stores it as an opaque JSON value
// in the profile (encrypted at rest like everything else) via `settings` / `set_settings`.

import settingsDefaults from "./settings-defaults.json";
import type { LanguageSetting } from "../i18n/language";
import type { MuteEntry } from "../logic/mute";
import type {
  AccountInfo,
  Contact,
  Conversation,
  ConversationId,
  Disclosure,
  Discoverability,
  Draft,
  SearchResults,
  Event,
  Group,
  GroupAdds,
  GroupId,
  InboxLayout,
  LedgerEntry,
  MatrixAccountInfo,
  MemberReceipt,
  Message,
  MessageId,
  Outgoing,
  Page,
  SafetyNumber,
  SavedAttachment,
  UnopenedSender,
  UnsentReport,
  UserError,
} from "../bindings";

/** `name@network`, e.g. `ada@meadow.example`. */
export type AddressText = string;

/** An engine event, or word that some were lost on the way and what is shown must be queried again. */
export type BackendEvent = Event | { type: "resync" };

/** A file waiting in the app's staging area to be sent (src-tauri/src/staging.rs `StagedFile`):
 * `id` is what `sendFile` / `sendGroupFile` take as `path`. */
export type StagedFile = { id: string; name: string; size: number };

/** A file waiting in the composer: picked or pasted in the page (a `File`, staged when sent),
 * or dropped on the desktop window (staged already by the shell). */
export type PendingFile = File | StagedFile;

export function isStaged(file: PendingFile): file is StagedFile {
  return "id" in file && typeof file.id === "string";
}

/** Files dragged over the window (src-tauri/src/file_drop.rs `FileDrop`): `hover` while over it,
 * `leave` when they went away, `dropped` with the files staged and those refused, with why. */
export type FileDrop =
  | { type: "hover" }
  | { type: "leave" }
  | { type: "dropped"; files: StagedFile[]; refused: { name: string; error: UserError }[] };

/** Whether a profile exists on this machine and whether it is open. */
export type ProfileState = "missing" | "locked" | "unlocked";

export type ThemeSetting = "system" | "light" | "dark";

/** UI-owned preferences, stored by the backend as one opaque JSON document in the profile. */
export type Settings = {
  theme: ThemeSetting;
  /** The UI's language: the system's, or one chosen (src/i18n/language.ts). */
  language: LanguageSetting;
  /** Send read receipts (never sent for pending requests, whatever this says). */
  readReceipts: boolean;
  /** Send typing indicators (never sent for pending requests). */
  typingIndicators: boolean;
  /** Desktop notifications for new messages. */
  notifications: boolean;
  /** Show the message text in notifications (never for pending requests). */
  notificationPreview: boolean;
  /** Check the spelling of what is typed in the composer. */
  spellCheck: boolean;
  /** Desktop: closing the window hides it in the tray instead of quitting (the shell reads it). */
  closeToTray: boolean;
  /** Chat list state the engine does not keep (yet). */
  pinned: ConversationId[];
  /** A chat id (muted always, as older settings have it) or `{ id, until }` (src/logic/mute.ts). */
  muted: MuteEntry[];
  archived: ConversationId[];
};

/** The defaults, in one file that the desktop shell reads too (src-tauri/src/commands/settings.rs). */
export const defaultSettings: Settings = settingsDefaults as Settings;

/** Why a report is filed: the relay's one list, generated from the Rust contract. */
import type { ReportReason } from "../bindings";
export type { ReportReason };

export interface Backend {
  /** Which implementation this is: "tauri" or "demo" (shown nowhere but in diagnostics). */
  readonly kind: "tauri" | "demo";

  // --- Profile and app lock ---------------------------------------------------------------
  /** Whether a profile exists and is unlocked. */
  profileState(): Promise<ProfileState>;
  /** Creates the profile, encrypted with `passphrase`, and unlocks it. Rejects `profile_exists`. */
  createProfile(passphrase: string): Promise<void>;
  /** Unlocks the profile and brings its accounts online. Rejects `wrong_passphrase`, `profile_missing`, `profile_in_use`. */
  unlock(passphrase: string): Promise<void>;
  /** Takes every account offline and forgets the data key (app lock). */
  lock(): Promise<void>;
  /** Rewraps the data key. Rejects `wrong_passphrase` when `oldPassphrase` is wrong. */
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void>;

  // --- Accounts ---------------------------------------------------------------------------
  accounts(): Promise<AccountInfo[]>;
  /**
   * Registers `name` on the relay at `relayUrl`. `caPem` is the PEM text of a private deployment's CA
   * certificate (trusted for this account besides the usual roots). Rejects `name_taken`,
   * `relay_unreachable`, `tls_untrusted`, `insecure_relay`, `invalid_relay_url`, `invalid_ca_certificate`,
   * `invalid_address`, `invitation_required` (the network registers by invitation: pass the operator's
   * token as `invite`); nothing is stored then.
   */
  addAccount(relayUrl: string, name: string, caPem?: string, invite?: string): Promise<AccountInfo>;
  /** Who may find the account (its directory entry and key bundle), on every network. */
  discoverability(account: AddressText): Promise<Discoverability>;
  setDiscoverability(account: AddressText, discoverableBy: Discoverability): Promise<void>;
  /** People whose first contacts could not be opened (random bytes, a broken client), with how
   * many: they hold no request slot, and are shown so the person can block them. */
  unopenedFirstContacts(account: AddressText): Promise<UnopenedSender[]>;
  /** Reports the relay could not take yet (unreachable, busy), oldest first: kept in the profile
   * and sent after the next connection, since "report and block" deleted their messages. */
  unsentReports(account: AddressText): Promise<UnsentReport[]>;

  // --- Conversations and messages ---------------------------------------------------------
  /** Every conversation of every account (requests included, flagged `request`), most recent first. */
  conversations(): Promise<Conversation[]>;
  conversation(conversationId: ConversationId): Promise<Conversation | null>;
  /**
   * The conversation between `account` and `peer`, to start writing. For a peer on another
   * network that the user has not written to yet this rejects `first_contact_required` (ask,
   * then `confirmFirstContact`); `interop_off` when the account does not allow that network.
   * The shell may return a not-yet-stored conversation (no messages) for a new peer.
   */
  startConversation(account: AddressText, peer: AddressText): Promise<Conversation>;
  /** A page of the timeline, newest first, before the `seq` cursor when given. */
  messages(conversationId: ConversationId, before: number | null, limit: number): Promise<Page<Message>>;
  /**
   * Sends text, a reply, a reaction, an edit or a delete. Returns the new message for text
   * (stored as pending), null otherwise. Rejects `request_pending`, `blocked`, `interop_off`,
   * `key_change_unacknowledged`, `first_contact_required`...
   */
  send(account: AddressText, peer: AddressText, outgoing: Outgoing): Promise<Message | null>;
  /**
   * Copies bytes the user dropped, pasted or picked into the profile's staging area and
   * returns its staged id for `sendFile`. (The webview sees File objects, not paths.) The bytes
   * cross as a raw body; over 100 MiB rejects `attachment_too_large`.
   */
  stageFile(fileName: string, bytes: Uint8Array): Promise<string>;
  /** Sends the file at `path` (images lose their metadata and get a thumbnail unless `asFile`). */
  sendFile(account: AddressText, peer: AddressText, path: string, caption: string, asFile: boolean): Promise<Message>;
  /** Marks a conversation read (read receipts go out if the settings allow and it is no request). */
  markRead(conversationId: ConversationId): Promise<void>;
  /** Marks a conversation unread, a reminder: its unread count becomes at least 1 (a
   * `conversation_changed` follows). Nothing is sent. */
  markUnread(conversationId: ConversationId): Promise<void>;
  sendTyping(account: AddressText, peer: AddressText, started: boolean): Promise<void>;
  /** Fetches an attachment through the own relay. Rejects `request_pending` for requests. */
  downloadAttachment(conversationId: ConversationId, messageId: MessageId, index: number): Promise<Message>;
  /** Decrypts a downloaded attachment into the user's Downloads folder. Rejects `not_downloaded`. */
  saveAttachment(conversationId: ConversationId, messageId: MessageId, index: number): Promise<SavedAttachment>;
  /** Saves a downloaded attachment, then opens it with the system's default app when it is a
   * passive file whose content matches its name (`opens`), else shows it in its folder. */
  openAttachment(conversationId: ConversationId, messageId: MessageId, index: number): Promise<SavedAttachment>;
  /** Opens an http(s) link in the system browser; the UI asks the user first. */
  openLink(url: string): Promise<void>;

  // --- Search -----------------------------------------------------------------------------
  // Over all history, every account and network, in the engine's sealed index: the page never
  // loads chats to search them. Every word of the query must start a word of the message (case
  // and accents ignored); results come newest first, a page at a time.
  /** A page of results; `conversationId` limits it to one chat, `cursor` is a previous page's
   * `next_cursor` (a cursor from elsewhere rejects `invalid_argument`). */
  search(
    query: string,
    conversationId: ConversationId | null,
    cursor: string | null,
    limit: number,
  ): Promise<SearchResults>;
  /** The messages after `seq`, oldest first: with `messages` (before it), a chat opened around a hit. */
  messagesAfter(conversationId: ConversationId, after: number, limit: number): Promise<Page<Message>>;
  /** Builds the index afresh from every stored message; resolves to how many it indexed. */
  rebuildSearchIndex(): Promise<number>;

  // --- Drafts -----------------------------------------------------------------------------
  // What the user started writing in a chat, sealed in the profile: kept across chat switches,
  // restarts and locks. Sending text in the chat removes its draft (the engine does it).
  /** Keeps `text` as the chat's draft; an empty or blank text removes it. Durable once it resolves. */
  saveDraft(conversationId: ConversationId, text: string): Promise<void>;
  draft(conversationId: ConversationId): Promise<Draft | null>;
  /** Every draft, most recently changed first (the inbox's "Draft:" previews). */
  drafts(): Promise<Draft[]>;

  // --- Groups -----------------------------------------------------------------------------
  // A group chat is a `Conversation` with `group` set (`peer` is the account itself, `title` the
  // group's name). Only admins change a group (else `not_group_admin`); an account that is invited,
  // left or was removed cannot write (`not_group_member`, the chat is read-only).
  /** The account's groups: those it is in, invited to, left or was removed from, by name. */
  groups(account: AddressText): Promise<Group[]>;
  group(account: AddressText, groupId: GroupId): Promise<Group | null>;
  /**
   * Creates a group with the account as its admin. Each member's own network decides, by their
   * "who can add me" setting, whether they become a member or get an invitation. Rejects
   * `invalid_group` (no name, too many members), `interop_off` (a member on a network the account
   * does not allow), `blocked` (a member the user blocked).
   */
  createGroup(account: AddressText, name: string, members: AddressText[]): Promise<Group>;
  addGroupMembers(account: AddressText, groupId: GroupId, members: AddressText[]): Promise<Group>;
  /** Removes a member (admins only): they cannot read what follows. */
  removeGroupMember(account: AddressText, groupId: GroupId, member: AddressText): Promise<Group>;
  renameGroup(account: AddressText, groupId: GroupId, name: string): Promise<Group>;
  makeGroupAdmin(account: AddressText, groupId: GroupId, member: AddressText): Promise<Group>;
  /** Leaves the group: the members are told, and the chat stays, read-only. */
  leaveGroup(account: AddressText, groupId: GroupId): Promise<Group>;
  /** `send` for a group: encrypted once, one copy per member. */
  sendGroup(account: AddressText, groupId: GroupId, outgoing: Outgoing): Promise<Message | null>;
  /** `sendFile` for a group: uploaded once to the account's own network. */
  sendGroupFile(
    account: AddressText,
    groupId: GroupId,
    path: string,
    caption: string,
    asFile: boolean,
  ): Promise<Message>;
  /** `sendTyping` for a group (dropped with typing indicators off, while offline, and in groups
   * of more than 20). */
  sendGroupTyping(account: AddressText, groupId: GroupId, started: boolean): Promise<void>;
  /** Each member's state (`delivered` or `read`) of one of the user's messages in the group;
   * members without an entry have not received it yet. Asked on demand, not for every message. */
  groupMessageReceipts(account: AddressText, groupId: GroupId, messageId: MessageId): Promise<MemberReceipt[]>;
  /** Invitations waiting for an answer (their chats are requests, flagged `request`). */
  groupInvitations(account: AddressText): Promise<Group[]>;
  acceptGroupInvitation(account: AddressText, groupId: GroupId): Promise<Group>;
  /** Declines an invitation: its chat goes, and the group is told nothing. */
  declineGroupInvitation(account: AddressText, groupId: GroupId): Promise<void>;
  /** `report` for a member of the group, or the person who invited the account to it: with the
   * chosen messages of theirs in the group's chat; optionally blocks them. */
  reportGroupMember(
    account: AddressText,
    groupId: GroupId,
    member: AddressText,
    messageIds: MessageId[],
    reason: ReportReason,
    note: string,
    andBlock: boolean,
  ): Promise<void>;
  /** Who may add the account to groups (anyone else's add arrives as an invitation). */
  groupAdds(account: AddressText): Promise<GroupAdds>;
  setGroupAdds(account: AddressText, whoCanAdd: GroupAdds): Promise<void>;

  // --- Requests, blocking, reports ----------------------------------------------------------
  /** Pending message requests, most recent first. */
  requests(): Promise<Conversation[]>;
  acceptRequest(conversationId: ConversationId): Promise<Conversation>;
  deleteRequest(conversationId: ConversationId): Promise<void>;
  block(account: AddressText, peer: AddressText): Promise<void>;
  unblock(account: AddressText, peer: AddressText): Promise<void>;
  /** Reports the person of a conversation with the chosen messages (theirs only); optionally blocks. */
  report(
    conversationId: ConversationId,
    messageIds: MessageId[],
    reason: ReportReason,
    note: string,
    andBlock: boolean,
  ): Promise<void>;

  // --- Interop consent ----------------------------------------------------------------------
  /** The networks `account`'s relay is peered with: the ones interop can be offered for. */
  peeredNetworks(account: AddressText): Promise<string[]>;
  /** The disclosure to show before interop with `network` is turned on. */
  disclosure(network: string): Promise<Disclosure>;
  /** Lets `network` reach `account`. Rejects `disclosure_outdated` unless `disclosureVersion` is current. */
  enableInterop(account: AddressText, network: string, disclosureVersion: string): Promise<AccountInfo>;
  /**
   * The networks `account` allowed under an older disclosure than the current one (which says
   * what groups do across networks): until the person allows them again with `enableInterop` and
   * the current version (which works for a network already allowed), people there cannot add
   * them to groups.
   */
  interopToReview(account: AddressText): Promise<string[]>;
  /** Stops `network` reaching `account`; chats with it become read-only. */
  disableInterop(account: AddressText, network: string): Promise<AccountInfo>;
  /** The user confirmed writing to `peer` on another network for the first time. */
  confirmFirstContact(account: AddressText, peer: AddressText): Promise<Conversation>;
  inboxLayout(): Promise<InboxLayout>;
  setInboxLayout(layout: InboxLayout): Promise<void>;
  /** Every consent decision ever made, oldest first. */
  ledger(): Promise<LedgerEntry[]>;
  /** The ledger as a JSON document for the user to keep. */
  exportLedger(): Promise<string>;

  // --- Matrix accounts ------------------------------------------------------------------------
  // A Matrix account's chats are ordinary conversations with `matrix` set: their `account` and
  // `peer` are the Matrix ids written as addresses (`@vic:example.org` is `vic@example.org`), so
  // send, markRead, requests, block, report and typing go through the methods above unchanged.
  // A stranger's invitation is a request. An account is off until the user turns it on under the
  // Matrix disclosure; while off (or once signed out) its chats are read-only (`interop_off`).
  /** The profile's Matrix accounts, oldest first. */
  matrixAccounts(): Promise<MatrixAccountInfo[]>;
  /** What turning Matrix on means, with the version `matrixSetEnabled` must be given. */
  matrixDisclosure(): Promise<Disclosure>;
  /**
   * Signs in to a Matrix account (`@name:server`) and adds it to the profile, off. `homeserver` is
   * the homeserver's URL, or null to discover it from the id's server. Rejects `invalid_matrix_id`,
   * `matrix_account_exists`, `homeserver_unreachable`, `homeserver_refused`, `unauthorized` (the
   * password), `invalid_relay_url` (the homeserver URL); nothing is stored then.
   */
  matrixSignIn(userId: string, password: string, homeserver: string | null): Promise<MatrixAccountInfo>;
  /** Turns Matrix on (with the version of the Matrix disclosure shown, else `disclosure_outdated`)
   * or off (`disclosureVersion` null) for an account; either is recorded in the ledger. */
  matrixSetEnabled(userId: string, enabled: boolean, disclosureVersion: string | null): Promise<MatrixAccountInfo>;
  /** Signs the account out of this profile: the homeserver forgets this device; its chats stay, read-only. */
  matrixSignOut(userId: string): Promise<void>;
  /** The direct chat with the Matrix user `peer` (`@name:server`), opened (an encrypted room with
   * them invited) if there is none. Rejects `interop_off` while Matrix is off for the account,
   * `invalid_matrix_id`, `blocked`. */
  openMatrixChat(userId: string, peer: string): Promise<Conversation>;

  // --- Contacts and safety ------------------------------------------------------------------
  contact(account: AddressText, peer: AddressText): Promise<Contact>;
  safetyNumber(account: AddressText, peer: AddressText): Promise<SafetyNumber>;
  setVerified(account: AddressText, peer: AddressText, verified: boolean): Promise<void>;
  /** The user saw the key change; sending to `peer` resumes. */
  acknowledgeKeyChange(account: AddressText, peer: AddressText): Promise<void>;

  // --- UI-owned settings and notifications -------------------------------------------------
  settings(): Promise<Settings>;
  setSettings(settings: Settings): Promise<Settings>;
  /** Shows a desktop notification (the UI never passes a pending request's content); a click
   * on it brings the window forward and, with `conversationId`, opens that chat
   * (`onOpenConversation`). */
  notify(title: string, body: string, conversationId?: ConversationId): Promise<void>;

  // --- Desktop ------------------------------------------------------------------------------
  /** The unread total the page shows (muted chats left out): the desktop shows it in the window
   * title, on the tray icon and on the launcher's badge. Call it whenever it changes. */
  setUnreadCount(count: number): Promise<void>;
  /** Turns spell checking on or off at once (kept as `Settings.spellCheck`, which the desktop
   * applies again at every unlock). */
  setSpellCheck(on: boolean): Promise<void>;
  /** Calls `listener` with a chat to select: a notification about it was clicked. Returns the
   * unsubscribe function. */
  onOpenConversation(listener: (conversationId: ConversationId) => void): () => void;
  /** Calls `listener` for files dragged over and dropped on the window (the desktop stages
   * dropped files itself; in a browser the page's own drop handling stays). Returns the
   * unsubscribe function. */
  onFileDrop(listener: (drop: FileDrop) => void): () => void;

  // --- Events -------------------------------------------------------------------------------
  /** Calls `listener` for every engine event, and with `resync` when some were lost; returns
   * the unsubscribe function. */
  subscribe(listener: (event: BackendEvent) => void): () => void;
  /** `subscribe`, resolved once the listener is registered (Tauri registers listeners
   * asynchronously): every event emitted after it resolves reaches the listener. To read
   * something and follow its changes without a gap, listen first (`openTimeline`). */
  listen(listener: (event: BackendEvent) => void): Promise<() => void>;
}

/** Narrows an unknown rejection to a `UserError` (anything else becomes `internal`). */
export function asUserError(error: unknown): UserError {
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    const { code, message } = error as { code: unknown; message: unknown };
    if (typeof code === "string" && typeof message === "string") {
      return { code: code as UserError["code"], message };
    }
  }
  return { code: "internal", message: error instanceof Error ? error.message : String(error) };
}
