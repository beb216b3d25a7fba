// A group change in the timeline (created, added, removed, left, renamed, made admin): a
// centered line of its own, worded from the notice's fields.
import { useTranslation } from "react-i18next";
import type { Message } from "../bindings";
import { formatClock } from "../logic/format";
import { noticeText } from "../logic/groups";

export function GroupNoticeLine({ message, own }: { message: Message; own: string }) {
  // Worded by logic (noticeText); the hook renders it again when the language changes.
  useTranslation();
  if (!message.notice) return null;
  return (
    <div className="system-line">
      <p className="system-line__text">
        {noticeText(message.notice, own)}{" "}
        <time dateTime={new Date(message.sent_at).toISOString()}>{formatClock(message.sent_at)}</time>
      </p>
    </div>
  );
}
