// Networks to review: ones an account allowed under an older interop disclosure, before it said
// what groups do across networks. Until the person allows them again under the current one, people
// there cannot add the account to groups. The inbox asks, one network at a time.
import { i18n } from "../i18n";

/** One network one account allowed before the current disclosure. */
export type Review = { account: string; network: string };

/** The reviews of every account, in the accounts' order, each account's networks in its order. */
export function pendingReviews(accounts: string[], toReview: Record<string, string[]>): Review[] {
  return accounts.flatMap((account) => (toReview[account] ?? []).map((network) => ({ account, network })));
}

/** The banner's sentence, in the language shown; names the account when the profile has more than one. */
export function reviewText(review: Review, accountCount: number): string {
  return accountCount > 1
    ? i18n.t("review.textFor", { network: review.network, account: review.account })
    : i18n.t("review.text", { network: review.network });
}
