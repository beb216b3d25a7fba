// How far one of the user's group messages got, from each member's receipt
// (`groupMessageReceipts`): "Delivered to 3 of 4, read by 2".
import type { Group, MemberReceipt } from "../bindings";
import { i18n } from "../i18n";

export type ReceiptSummary = {
  /** The other members the message counts against (the group's current members but the user). */
  members: number;
  /** Members whose app has it (read counts as delivered). */
  delivered: number;
  read: number;
  /** Who read it, and who has it but did not read it yet (`name@network`). */
  readBy: string[];
  deliveredTo: string[];
};

/** Counts receipts of the group's other current members only (someone removed since is not counted). */
export function summarizeReceipts(group: Group, own: string, receipts: MemberReceipt[]): ReceiptSummary {
  const others = group.members.map((member) => member.address).filter((address) => address !== own);
  const statusOf = new Map(receipts.map((receipt) => [receipt.member, receipt.status]));
  const readBy = others.filter((member) => statusOf.get(member) === "read");
  const deliveredTo = others.filter((member) => statusOf.get(member) === "delivered");
  return {
    members: others.length,
    delivered: readBy.length + deliveredTo.length,
    read: readBy.length,
    readBy,
    deliveredTo,
  };
}

/** "Delivered to 3 of 4, read by 2", or "Not delivered to anyone yet (4 members)", in the language shown. */
export function receiptText(summary: ReceiptSummary): string {
  if (summary.members === 0) return i18n.t("receipts.nobodyElse");
  if (summary.delivered === 0) return i18n.t("receipts.notDelivered", { count: summary.members });
  return i18n.t("receipts.delivered", { delivered: summary.delivered, members: summary.members, read: summary.read });
}
