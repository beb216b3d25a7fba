// The inbox's banner for networks to review: an account allowed a network before the interop
// disclosure said what groups do across networks, so people there cannot add it to groups until
// the person reads the current disclosure and allows the network again. One network at a time.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { pendingReviews, reviewText, type Review } from "../logic/review";
import { DisclosureDialog } from "./ConsentDialogs";

type Props = {
  /** The profile's accounts, in order. */
  accounts: string[];
  toReview: Record<string, string[]>;
  /** A network was allowed again under the current disclosure. */
  onAllowed: () => void;
};

export function InteropReviewBanner({ accounts, toReview, onAllowed }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Review | null>(null);
  const first = pendingReviews(accounts, toReview)[0];
  return (
    <>
      {first && (
        <div className="banner banner--info review-banner" role="region" aria-label={t("review.label")}>
          <span>{reviewText(first, accounts.length)}</span>
          <button type="button" className="button button--small" onClick={() => setOpen(first)}>
            {t("review.open")}
          </button>
        </div>
      )}
      {open && (
        <DisclosureDialog
          account={open.account}
          network={open.network}
          review
          onClose={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            onAllowed();
          }}
        />
      )}
    </>
  );
}
