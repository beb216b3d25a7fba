// TauriBackend: the Backend over the desktop shell (src-tauri). Each method invokes the command
// named after it in snake_case with its arguments in camelCase; events arrive in batches on "isthmus://events".
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
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
} from "../bindings";
import {
  asUserError,
  type AddressText,
  type Backend,
  type BackendEvent,
  type FileDrop,
  type ProfileState,
  type ReportReason,
  type Settings,
} from "./backend";

/** Engine events, an array per Tauri event, in the engine's order (src-tauri/src/events.rs). */
export const EVENT_NAME = "isthmus://events";
/** Events were lost on the way (src-tauri/src/events.rs): query again what is shown. */
export const RESYNC_EVENT = "isthmus://resync";
/** A clicked notification asks to select its chat; the payload is its id (src-tauri/src/notification_click.rs). */
export const OPEN_CONVERSATION_EVENT = "isthmus://open-conversation";
/** Files dragged over or dropped on the window, staged by the shell (src-tauri/src/file_drop.rs). */
export const FILE_DROP_EVENT = "isthmus://file-drop";
/** The header naming a file whose bytes are `stage_file`'s raw body (src-tauri/src/commands/media.rs). */
export const FILE_NAME_HEADER = "isthmus-file-name";
/** The largest file that can be sent (isthmus-core's DEFAULT_MAX_ATTACHMENT_BYTES). */
const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;

/** Hands a batch on one event at a time, in one task: React renders the batch once. */
function each(batch: Event[], listener: (event: BackendEvent) => void) {
  for (const event of batch) listener(event);
}

async function call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw asUserError(error);
  }
}

/** Stages a file's bytes as the raw body of `stage_file` (not a JSON array of numbers, four
 * bytes of JSON per byte); its name, percent-encoded, in a header. */
async function stageBytes(fileName: string, bytes: Uint8Array): Promise<string> {
  if (bytes.length > MAX_ATTACHMENT_BYTES) {
    const mib = Math.ceil(bytes.length / (1024 * 1024));
    throw asUserError({
      code: "attachment_too_large",
      message: `${fileName} is ${mib} MiB; files up to 100 MiB can be sent`,
    });
  }
  try {
    return await invoke<string>("stage_file", bytes, {
      headers: { [FILE_NAME_HEADER]: encodeURIComponent(fileName) },
    });
  } catch (error) {
    throw asUserError(error);
  }
}

/** Listens to one Tauri event until the returned function is called (also before `listen` resolved). */
function follow<T>(name: string, handler: (payload: T) => void): () => void {
  let stop: (() => void) | null = null;
  let cancelled = false;
  void listen<T>(name, (event) => handler(event.payload)).then((unlisten) => {
    if (cancelled) unlisten();
    else stop = unlisten;
  });
  return () => {
    cancelled = true;
    stop?.();
  };
}

export class TauriBackend implements Backend {
  readonly kind = "tauri" as const;

  profileState = () => call<ProfileState>("profile_state");
  createProfile = (passphrase: string) => call<void>("create_profile", { passphrase });
  unlock = (passphrase: string) => call<void>("unlock", { passphrase });
  lock = () => call<void>("lock");
  changePassphrase = (oldPassphrase: string, newPassphrase: string) =>
    call<void>("change_passphrase", { oldPassphrase, newPassphrase });

  accounts = () => call<AccountInfo[]>("accounts");
  addAccount = (relayUrl: string, name: string, caPem?: string, invite?: string) =>
    call<AccountInfo>("add_account", { relayUrl, name, caPem: caPem ?? null, invite: invite ?? null });
  discoverability = (account: AddressText) => call<Discoverability>("discoverability", { account });
  setDiscoverability = (account: AddressText, discoverableBy: Discoverability) =>
    call<void>("set_discoverability", { account, discoverableBy });
  unopenedFirstContacts = (account: AddressText) => call<UnopenedSender[]>("unopened_first_contacts", { account });
  unsentReports = (account: AddressText) => call<UnsentReport[]>("unsent_reports", { account });

  conversations = () => call<Conversation[]>("conversations");
  conversation = (conversationId: ConversationId) => call<Conversation | null>("conversation", { conversationId });
  startConversation = (account: AddressText, peer: AddressText) =>
    call<Conversation>("start_conversation", { account, peer });
  messages = (conversationId: ConversationId, before: number | null, limit: number) =>
    call<Page<Message>>("messages", { conversationId, before, limit });
  send = (account: AddressText, peer: AddressText, outgoing: Outgoing) =>
    call<Message | null>("send", { account, peer, outgoing });
  stageFile = (fileName: string, bytes: Uint8Array) => stageBytes(fileName, bytes);
  sendFile = (account: AddressText, peer: AddressText, path: string, caption: string, asFile: boolean) =>
    call<Message>("send_file", { account, peer, path, caption, asFile });
  markRead = (conversationId: ConversationId) => call<void>("mark_read", { conversationId });
  markUnread = (conversationId: ConversationId) => call<void>("mark_unread", { conversationId });
  sendTyping = (account: AddressText, peer: AddressText, started: boolean) =>
    call<void>("send_typing", { account, peer, started });
  downloadAttachment = (conversationId: ConversationId, messageId: MessageId, index: number) =>
    call<Message>("download_attachment", { conversationId, messageId, index });
  saveAttachment = (conversationId: ConversationId, messageId: MessageId, index: number) =>
    call<SavedAttachment>("save_attachment", { conversationId, messageId, index });
  openAttachment = (conversationId: ConversationId, messageId: MessageId, index: number) =>
    call<SavedAttachment>("open_attachment", { conversationId, messageId, index });
  openLink = (url: string) => call<void>("open_link", { url });

  search = (query: string, conversationId: ConversationId | null, cursor: string | null, limit: number) =>
    call<SearchResults>("search", { query, conversationId, cursor, limit });
  messagesAfter = (conversationId: ConversationId, after: number, limit: number) =>
    call<Page<Message>>("messages_after", { conversationId, after, limit });
  rebuildSearchIndex = () => call<number>("rebuild_search_index");

  saveDraft = (conversationId: ConversationId, text: string) => call<void>("save_draft", { conversationId, text });
  draft = (conversationId: ConversationId) => call<Draft | null>("draft", { conversationId });
  drafts = () => call<Draft[]>("drafts");

  groups = (account: AddressText) => call<Group[]>("groups", { account });
  group = (account: AddressText, groupId: GroupId) => call<Group | null>("group", { account, groupId });
  createGroup = (account: AddressText, name: string, members: AddressText[]) =>
    call<Group>("create_group", { account, name, members });
  addGroupMembers = (account: AddressText, groupId: GroupId, members: AddressText[]) =>
    call<Group>("add_group_members", { account, groupId, members });
  removeGroupMember = (account: AddressText, groupId: GroupId, member: AddressText) =>
    call<Group>("remove_group_member", { account, groupId, member });
  renameGroup = (account: AddressText, groupId: GroupId, name: string) =>
    call<Group>("rename_group", { account, groupId, name });
  makeGroupAdmin = (account: AddressText, groupId: GroupId, member: AddressText) =>
    call<Group>("make_group_admin", { account, groupId, member });
  leaveGroup = (account: AddressText, groupId: GroupId) => call<Group>("leave_group", { account, groupId });
  sendGroup = (account: AddressText, groupId: GroupId, outgoing: Outgoing) =>
    call<Message | null>("send_group", { account, groupId, outgoing });
  sendGroupFile = (account: AddressText, groupId: GroupId, path: string, caption: string, asFile: boolean) =>
    call<Message>("send_group_file", { account, groupId, path, caption, asFile });
  sendGroupTyping = (account: AddressText, groupId: GroupId, started: boolean) =>
    call<void>("send_group_typing", { account, groupId, started });
  groupMessageReceipts = (account: AddressText, groupId: GroupId, messageId: MessageId) =>
    call<MemberReceipt[]>("group_message_receipts", { account, groupId, messageId });
  groupInvitations = (account: AddressText) => call<Group[]>("group_invitations", { account });
  acceptGroupInvitation = (account: AddressText, groupId: GroupId) =>
    call<Group>("accept_group_invitation", { account, groupId });
  declineGroupInvitation = (account: AddressText, groupId: GroupId) =>
    call<void>("decline_group_invitation", { account, groupId });
  reportGroupMember = (
    account: AddressText,
    groupId: GroupId,
    member: AddressText,
    messageIds: MessageId[],
    reason: ReportReason,
    note: string,
    andBlock: boolean,
  ) => call<void>("report_group_member", { account, groupId, member, messageIds, reason, note, andBlock });
  groupAdds = (account: AddressText) => call<GroupAdds>("group_adds", { account });
  setGroupAdds = (account: AddressText, whoCanAdd: GroupAdds) => call<void>("set_group_adds", { account, whoCanAdd });

  requests = () => call<Conversation[]>("requests");
  acceptRequest = (conversationId: ConversationId) => call<Conversation>("accept_request", { conversationId });
  deleteRequest = (conversationId: ConversationId) => call<void>("delete_request", { conversationId });
  block = (account: AddressText, peer: AddressText) => call<void>("block", { account, peer });
  unblock = (account: AddressText, peer: AddressText) => call<void>("unblock", { account, peer });
  report = (
    conversationId: ConversationId,
    messageIds: MessageId[],
    reason: ReportReason,
    note: string,
    andBlock: boolean,
  ) => call<void>("report", { conversationId, messageIds, reason, note, andBlock });

  disclosure = (network: string) => call<Disclosure>("disclosure", { network });
  enableInterop = (account: AddressText, network: string, disclosureVersion: string) =>
    call<AccountInfo>("enable_interop", { account, network, disclosureVersion });
  interopToReview = (account: AddressText) => call<string[]>("interop_to_review", { account });
  disableInterop = (account: AddressText, network: string) =>
    call<AccountInfo>("disable_interop", { account, network });
  confirmFirstContact = (account: AddressText, peer: AddressText) =>
    call<Conversation>("confirm_first_contact", { account, peer });
  peeredNetworks = (account: AddressText) => call<string[]>("peered_networks", { account });
  inboxLayout = () => call<InboxLayout>("inbox_layout");
  setInboxLayout = (layout: InboxLayout) => call<void>("set_inbox_layout", { layout });
  ledger = () => call<LedgerEntry[]>("ledger");
  exportLedger = () => call<string>("export_ledger");

  matrixAccounts = () => call<MatrixAccountInfo[]>("matrix_accounts");
  matrixDisclosure = () => call<Disclosure>("matrix_disclosure");
  matrixSignIn = (userId: string, password: string, homeserver: string | null) =>
    call<MatrixAccountInfo>("matrix_sign_in", { userId, password, homeserver });
  matrixSetEnabled = (userId: string, enabled: boolean, disclosureVersion: string | null) =>
    call<MatrixAccountInfo>("matrix_set_enabled", { userId, enabled, disclosureVersion });
  matrixSignOut = (userId: string) => call<void>("matrix_sign_out", { userId });
  openMatrixChat = (userId: string, peer: string) => call<Conversation>("open_matrix_chat", { userId, peer });

  contact = (account: AddressText, peer: AddressText) => call<Contact>("contact", { account, peer });
  safetyNumber = (account: AddressText, peer: AddressText) => call<SafetyNumber>("safety_number", { account, peer });
  setVerified = (account: AddressText, peer: AddressText, verified: boolean) =>
    call<void>("set_verified", { account, peer, verified });
  acknowledgeKeyChange = (account: AddressText, peer: AddressText) =>
    call<void>("acknowledge_key_change", { account, peer });

  settings = () => call<Settings>("settings");
  setSettings = (settings: Settings) => call<Settings>("set_settings", { settings });
  notify = (title: string, body: string, conversationId?: ConversationId) =>
    call<void>("notify", { title, body, conversationId: conversationId ?? null });

  setUnreadCount = (count: number) => call<void>("set_unread_count", { count });
  setSpellCheck = (on: boolean) => call<void>("set_spell_check", { on });
  onOpenConversation = (listener: (conversationId: ConversationId) => void) =>
    follow<ConversationId>(OPEN_CONVERSATION_EVENT, listener);
  onFileDrop = (listener: (drop: FileDrop) => void) => follow<FileDrop>(FILE_DROP_EVENT, listener);

  async listen(listener: (event: BackendEvent) => void): Promise<() => void> {
    const stops = await Promise.all([
      listen<Event[]>(EVENT_NAME, (event) => each(event.payload, listener)),
      listen<number>(RESYNC_EVENT, () => listener({ type: "resync" })),
    ]);
    return () => {
      for (const stop of stops) stop();
    };
  }

  subscribe(listener: (event: BackendEvent) => void): () => void {
    const stops: (() => void)[] = [];
    let cancelled = false;
    const keep = (unlisten: () => void) => {
      if (cancelled) unlisten();
      else stops.push(unlisten);
    };
    void listen<Event[]>(EVENT_NAME, (event) => each(event.payload, listener)).then(keep);
    void listen<number>(RESYNC_EVENT, () => listener({ type: "resync" })).then(keep);
    return () => {
      cancelled = true;
      for (const stop of stops) stop();
    };
  }
}
