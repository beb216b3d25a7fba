// The messages a search found, newest first: who, when, and the line around the match with the
// matched words marked. Choosing one opens its chat on that message.
import { useTranslation } from "react-i18next";
import type { Conversation, SearchHit } from "../bindings";
import { formatTime } from "../logic/format";
import { peerShown } from "../logic/matrix";
import { chatName } from "../logic/groups";
import type { MessageSearch } from "./useMessageSearch";

type Props = {
  search: MessageSearch;
  conversations: Conversation[];
  now: number;
  onOpen: (hit: SearchHit) => void;
};

export function SearchHits({ search, conversations, now, onOpen }: Props) {
  const { t } = useTranslation();
  const byId = new Map(conversations.map((conversation) => [conversation.id, conversation]));
  const { hits, total, loading, error, more } = search;
  if (hits.length === 0 && error === null) return null;
  // A search that failed before finding anything has no count to give.
  const counted = hits.length > 0 || error === null;
  // The section is named with the count in words ("Messages: 1 match"): heard, the heading's
  // bare number would say nothing.
  return (
    <section
      className="search-hits"
      aria-label={counted ? t("search.label", { count: total }) : t("search.title")}
      aria-busy={loading}
    >
      <h2 className="section-title">
        {t("search.title")} {counted && <span className="search-hits__count">{total}</span>}
      </h2>
      {error !== null && (
        <p className="notice notice--error" role="alert">
          {t("search.failed", { reason: error })}
        </p>
      )}
      <ul>
        {hits.map((hit) => {
          const conversation = byId.get(hit.conversation);
          return (
            <li key={hit.message}>
              <button type="button" className="search-hit" onClick={() => onOpen(hit)}>
                <span className="search-hit__top">
                  <span className="search-hit__who">
                    {conversation === undefined
                      ? hit.author
                      : conversation.group !== null
                        ? chatName(conversation)
                        : peerShown(conversation)}
                  </span>
                  <span className="search-hit__when">{formatTime(hit.sent_at, now)}</span>
                </span>
                <span className="search-hit__text" dir="auto">
                  {hit.snippet.map((part, index) =>
                    part.hit ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>,
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {more !== null && (
        <button type="button" className="button button--small" onClick={more} disabled={loading}>
          {t("search.more")}
        </button>
      )}
    </section>
  );
}
