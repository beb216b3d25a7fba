// Matrix chats as the UI shows them, and Matrix ids as the engine reads them. A Matrix chat is a
// conversation with `matrix` set; its `account` and `peer` are the Matrix ids written as addresses
// (`@vic:example.org` is `vic@example.org`), which is what the backend takes, while people read the
// full ids (`matrix.account`, `matrix.peer`).
import type { Conversation } from "../bindings";
import { addressText } from "./address";

export function isMatrixChat(conversation: Conversation): boolean {
  return conversation.matrix !== null;
}

/** Who the chat is with, as a person reads it: the Matrix id, or the address. */
export function peerShown(conversation: Conversation): string {
  return conversation.matrix?.peer ?? addressText(conversation.peer);
}

/** The account the chat is through, as a person reads it: the Matrix id, or the address. */
export function accountShown(conversation: Conversation): string {
  return conversation.matrix?.account ?? addressText(conversation.account);
}

/** A Matrix id's two parts, when an address can hold it. */
export type MatrixId = { name: string; server: string };

const NAME = /^[a-z][a-z0-9._-]{0,31}$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Parses `@name:server` by the engine's rule (matrix_link/accounts.rs `matrix_address`, over
 * isthmus-proto's `UserName` and `NetworkName`): a lower-case name of 1 to 32 characters that
 * starts with a letter, and a server name without a port. Null for anything else, which the
 * engine refuses with `invalid_matrix_id`.
 */
export function parseMatrixId(text: string): MatrixId | null {
  if (!text.startsWith("@")) return null;
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  const name = text.slice(1, colon);
  const server = text.slice(colon + 1);
  if (!NAME.test(name)) return null;
  if (server.length === 0 || server.length > 253) return null;
  if (!server.split(".").every((label) => LABEL.test(label))) return null;
  return { name, server };
}

/** Whether `text` is meant as a Matrix id (`@…:…`), valid or not: typed where an address goes. */
export function looksLikeMatrixId(text: string): boolean {
  return /^@[^@\s]*:/.test(text.trim());
}

/** The address a Matrix id's chats carry (`name@server`), or null when it is not a usable id. */
export function matrixAddress(userId: string): string | null {
  const id = parseMatrixId(userId);
  return id ? `${id.name}@${id.server}` : null;
}
