import type { Meta, StoryObj } from "@storybook/react-vite";
import type { SearchHit } from "../bindings";
import { searchDemo } from "../backend/demoSearch";
import { messagesOf } from "../demo/fixtures";
import { describeError } from "../i18n/errors";
import { conversations, world } from "../stories/world";
import { SearchHits } from "./SearchHits";
import type { MessageSearch } from "./useMessageSearch";

const demo = world();
const chats = conversations(demo);
const NOW = Date.now();

/** What the demo backend answers for `query`: the same results the app's index gives. */
function results(query: string, limit = 30): MessageSearch {
  const found = searchDemo(chats, (id) => messagesOf(demo, id), query, null, null, limit);
  return {
    hits: found.hits,
    total: found.total,
    loading: false,
    error: null,
    more: found.next_cursor === null ? null : () => undefined,
  };
}

const meta = {
  title: "Components/SearchHits",
  component: SearchHits,
  args: { search: results("thursday"), conversations: chats, now: NOW, onOpen: (_hit: SearchHit) => undefined },
  decorators: [
    (Story) => (
      <div className="inbox" style={{ width: 360, height: 520 }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof SearchHits>;
export default meta;
type Story = StoryObj<typeof meta>;

/** A page of results with more to read, the matched words marked. */
export const Results: Story = {};
/** A word deep in a long chat's history: one result. */
export const OneFarBack: Story = { args: { search: results("quokka") } };
/** Two words, each starting a word of the message, accents ignored. */
export const TwoWords: Story = { args: { search: results("sunset unreal") } };
export const Searching: Story = { args: { search: { ...results("thursday"), loading: true } } };
/** The backend refused the query: its error code, worded as useMessageSearch words it. */
export const Failed: Story = {
  args: {
    search: {
      hits: [],
      total: 0,
      loading: false,
      error: describeError({ code: "profile_locked", message: "locked" }),
      more: null,
    },
  },
};
/** Nothing found: the section stays away (the chat list says "No chats match"). */
export const NothingFound: Story = { args: { search: results("zzzz") } };
