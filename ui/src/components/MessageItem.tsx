// One message in the timeline. Text is always rendered as text; links are buttons that ask
// first (accepted chats) or plain inert text (requests).
import { useEffect, useState } from "react";
import { FileText, Image as ImageIcon, SmilePlus } from "lucide-react";
import { useTranslation } from "react-i18next";
import type { Attachment, Message } from "../bindings";
import { formatClock, formatSize, THUMB_WIDTH, thumbHeight } from "../logic/format";
import { parseAddress } from "../logic/address";
import { isEmojiOnly, splitLinks } from "../logic/links";
import { Icon } from "./Icon";
import { NetworkMark, StatusMark } from "./Marks";

export type Transfer = { done: number; total: number };

export type MessageActions = {
  reply: (message: Message) => void;
  react: (message: Message, emoji: string) => void;
  /** Opens the emoji picker to react with any emoji. */
  moreReactions: (message: Message) => void;
  /** Copies the message's text to the clipboard. */
  copy: (message: Message) => void;
  edit: (message: Message) => void;
  remove: (message: Message) => void;
  openLink: (url: string) => void;
  download: (message: Message, index: number) => void;
  save: (message: Message, index: number) => void;
  open: (message: Message, index: number) => void;
  /** In a group: how far one of the user's messages got with the members, worded ("Delivered to
   * 3 of 4, read by 2"). Asked only when the person opens a message's delivery details. */
  receipts?: (message: Message) => Promise<string>;
};

/** The status of one of the user's messages; in a group, a button that opens who has it. */
function Delivery({ message, receipts }: { message: Message; receipts?: (message: Message) => Promise<string> }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState<string | null>(null);
  // Asked when opened, and again when the message's own status moves on while open.
  useEffect(() => {
    if (!open || !receipts) return;
    let live = true;
    receipts(message).then(
      (worded) => live && setText(worded),
      () => live && setText(t("message.deliveryUnavailable")),
    );
    return () => {
      live = false;
    };
  }, [open, receipts, message, t]);
  if (!receipts || message.status === "pending" || message.status === "failed")
    return <StatusMark status={message.status} />;
  return (
    <>
      <button
        type="button"
        className="status-button"
        aria-expanded={open}
        aria-label={t("message.deliveryDetails")}
        onClick={() => setOpen(!open)}
      >
        <StatusMark status={message.status} />
      </button>
      {open && (
        <span className="message__receipts" role="status">
          {text ?? "…"}
        </span>
      )}
    </>
  );
}

/** The quick reactions, one click each; any other emoji is in the picker ("More reactions"). */
const QUICK = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

function Body({ text, linksActive, onLink }: { text: string; linksActive: boolean; onLink: (url: string) => void }) {
  const { t } = useTranslation();
  return (
    <>
      {splitLinks(text).map((segment, index) =>
        segment.kind === "text" ? (
          <span key={index}>{segment.text}</span>
        ) : linksActive ? (
          <a
            key={index}
            className="link"
            href={segment.url}
            rel="noopener noreferrer"
            onClick={(event) => {
              event.preventDefault();
              onLink(segment.url);
            }}
          >
            {segment.text}
          </a>
        ) : (
          <span key={index} className="link--inert" title={t("message.linksInert")}>
            {segment.text}
          </span>
        ),
      )}
    </>
  );
}

function AttachmentView({
  attachment,
  index,
  message,
  request,
  transfer,
  actions,
}: {
  attachment: Attachment;
  index: number;
  message: Message;
  request: boolean;
  transfer?: Transfer;
  actions: MessageActions;
}) {
  const { t } = useTranslation();
  const image = attachment.content_type.startsWith("image/");
  const percent = transfer ? Math.round((transfer.done / Math.max(1, transfer.total)) * 100) : null;
  // A picture in a request stays a placeholder until it is accepted: a stranger's picture is
  // not shown unasked, not even as a thumbnail.
  return (
    <figure className="attachment">
      {image && attachment.thumbnail && !request ? (
        <img
          className="attachment__thumb"
          src={`data:image/jpeg;base64,${attachment.thumbnail}`}
          alt={t("message.picture", { file: attachment.file_name })}
          width={THUMB_WIDTH}
          height={thumbHeight(attachment)}
        />
      ) : (
        <span className="attachment__icon" aria-hidden="true">
          <Icon icon={image ? ImageIcon : FileText} />
        </span>
      )}
      <figcaption className="attachment__caption">
        <span className="attachment__name">{attachment.file_name}</span>
        <span className="attachment__size">{formatSize(attachment.size)}</span>
        {attachment.note && <span className="attachment__note">{attachment.note}</span>}
        {percent !== null && percent < 100 && (
          <progress
            className="attachment__progress"
            max={100}
            value={percent}
            aria-label={t("message.transfer", { file: attachment.file_name })}
          >
            {percent}%
          </progress>
        )}
        {request ? (
          <span className="attachment__note">{t("message.notDownloaded")}</span>
        ) : attachment.downloaded ? (
          <span className="attachment__actions">
            <button type="button" className="button button--small" onClick={() => actions.open(message, index)}>
              {t("message.open")}
            </button>
            <button type="button" className="button button--small" onClick={() => actions.save(message, index)}>
              {t("action.save")}
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="button button--small"
            onClick={() => actions.download(message, index)}
            disabled={percent !== null && percent < 100}
          >
            {t("message.download")}
          </button>
        )}
      </figcaption>
    </figure>
  );
}

export function MessageItem({
  message,
  own,
  request,
  canWrite,
  transfers,
  actions,
  peerName,
  showAuthor = false,
}: {
  message: Message;
  own: string;
  request: boolean;
  canWrite: boolean;
  transfers: Map<string, Transfer>;
  actions: MessageActions;
  peerName: string;
  /** A group chat: incoming messages say who wrote them, and on which network. */
  showAuthor?: boolean;
}) {
  const { t } = useTranslation();
  const outgoing = message.direction === "outgoing";
  const author = showAuthor && !outgoing ? parseAddress(message.author) : null;
  const emoji = !message.deleted && message.attachments.length === 0 && isEmojiOnly(message.body);
  const reactionGroups = new Map<string, number>();
  for (const reaction of message.reactions)
    reactionGroups.set(reaction.emoji, (reactionGroups.get(reaction.emoji) ?? 0) + 1);
  const mine = message.reactions.find((reaction) => reaction.author === own)?.emoji;
  return (
    <article
      className={`message ${outgoing ? "message--out" : "message--in"}`}
      aria-label={`${outgoing ? t("message.you") : showAuthor ? message.author : peerName}, ${formatClock(message.sent_at)}`}
    >
      <div className={`bubble ${emoji ? "bubble--emoji" : ""}`}>
        {author && (
          <p className="message__author" title={message.author}>
            <span className="message__author-name">{author.name}</span> <NetworkMark network={author.network} />
          </p>
        )}
        {message.quote && (
          <blockquote className="quote">
            <span className="quote__author">
              {message.quote.author === own ? t("message.you") : message.quote.author}
            </span>
            <span className="quote__text">{message.quote.text || t("common.attachment")}</span>
          </blockquote>
        )}
        {message.deleted ? (
          <p className="message__deleted">{t("message.deleted")}</p>
        ) : (
          <>
            {message.attachments.map((attachment, index) => (
              <AttachmentView
                key={index}
                attachment={attachment}
                index={index}
                message={message}
                request={request}
                transfer={transfers.get(`${message.id}:${index}`)}
                actions={actions}
              />
            ))}
            {message.body !== "" && (
              <p className="message__text" dir="auto">
                <Body text={message.body} linksActive={!request} onLink={actions.openLink} />
              </p>
            )}
          </>
        )}
        <p className="message__meta">
          {message.edited && !message.deleted && <span className="message__edited">{t("message.edited")}</span>}
          <time dateTime={new Date(message.sent_at).toISOString()}>{formatClock(message.sent_at)}</time>
          {outgoing && <Delivery message={message} receipts={actions.receipts} />}
        </p>
      </div>
      {reactionGroups.size > 0 && (
        <ul className="reactions" aria-label={t("message.reactions")}>
          {[...reactionGroups].map(([emojiText, count]) => (
            <li key={emojiText} className="reaction">
              {emojiText}
              {count > 1 && <span className="reaction__count">{count}</span>}
            </li>
          ))}
        </ul>
      )}
      {!message.deleted && (canWrite || message.body !== "") && (
        <div className="message__actions" role="group" aria-label={t("message.actions")}>
          {canWrite && (
            <>
              <button type="button" className="button button--tiny" onClick={() => actions.reply(message)}>
                {t("message.reply")}
              </button>
              {QUICK.map((emojiText) => (
                <button
                  key={emojiText}
                  type="button"
                  className="button button--tiny"
                  aria-pressed={mine === emojiText}
                  aria-label={
                    mine === emojiText
                      ? t("message.removeReaction", { emoji: emojiText })
                      : t("message.react", { emoji: emojiText })
                  }
                  onClick={() => actions.react(message, emojiText)}
                >
                  {emojiText}
                </button>
              ))}
              <button
                type="button"
                className="button button--tiny"
                aria-label={t("message.moreReactions")}
                aria-haspopup="dialog"
                title={t("message.moreReactions")}
                onClick={() => actions.moreReactions(message)}
              >
                <Icon icon={SmilePlus} />
              </button>
            </>
          )}
          {message.body !== "" && (
            <button type="button" className="button button--tiny" onClick={() => actions.copy(message)}>
              {t("message.copy")}
            </button>
          )}
          {canWrite && outgoing && message.attachments.length === 0 && (
            <button type="button" className="button button--tiny" onClick={() => actions.edit(message)}>
              {t("message.edit")}
            </button>
          )}
          {canWrite && outgoing && (
            <button type="button" className="button button--tiny" onClick={() => actions.remove(message)}>
              {t("action.delete")}
            </button>
          )}
        </div>
      )}
    </article>
  );
}
