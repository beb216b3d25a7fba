// Which desktop notification an incoming message gets, if any, worded in the language shown.
import type { Conversation, Message } from "../bindings";
import type { Settings } from "../backend/backend";
import { i18n } from "../i18n";
import { addressText } from "./address";
import { chatName, noticeText } from "./groups";
import { isMuted } from "./mute";

export type Notice = { title: string; body: string };

/**
 * The notification for `message`, or null. A pending request is announced once per chat, with
 * neither its content nor its sender: someone who writes twenty messages before being accepted
 * must not be able to flood the desktop. `announced` holds the requests announced so far; a
 * chat muted at `now` gets none.
 */
export function noticeFor(
  message: Message,
  conversation: Conversation | undefined,
  prefs: Pick<Settings, "notifications" | "notificationPreview" | "muted">,
  chatIsOpen: boolean,
  announced: Set<string>,
  now: number = Date.now(),
): Notice | null {
  if (
    message.direction !== "incoming" ||
    !prefs.notifications ||
    chatIsOpen ||
    isMuted(prefs, message.conversation, now)
  ) {
    return null;
  }
  if (!conversation || conversation.request) {
    if (announced.has(message.conversation)) return null;
    announced.add(message.conversation);
    if (conversation?.group != null)
      return { title: i18n.t("notification.invitationTitle"), body: i18n.t("notification.invitationBody") };
    return { title: i18n.t("notification.requestTitle"), body: i18n.t("notification.requestBody") };
  }
  if (conversation.group !== null) {
    // A change the user made is stored as a line of the group's own, not news to them.
    if (message.notice && message.notice.by === addressText(conversation.account)) return null;
    const who = message.author.split("@")[0] ?? message.author;
    const words = message.notice
      ? noticeText(message.notice, addressText(conversation.account))
      : `${who}: ${message.body || i18n.t("common.attachment")}`;
    return {
      title: chatName(conversation),
      body: prefs.notificationPreview ? words : i18n.t("notification.newMessage"),
    };
  }
  return {
    title: conversation.peer.name,
    body: prefs.notificationPreview ? message.body || i18n.t("common.attachment") : i18n.t("notification.newMessage"),
  };
}
