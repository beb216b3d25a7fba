import { describe, expect, it } from "vitest";
import { typingChanged, typingStopped, typingText } from "./typing";

describe("who is typing", () => {
  it("keeps each chat's typing authors in the order they started, once each", () => {
    let state = typingChanged({}, "g1", "bea@meadow.example", true);
    state = typingChanged(state, "g1", "heron@harbor.example", true);
    state = typingChanged(state, "g1", "bea@meadow.example", true);
    // A repeated "started" counts once, at its latest place.
    expect(state.g1).toEqual(["heron@harbor.example", "bea@meadow.example"]);
    state = typingChanged(state, "g1", "heron@harbor.example", false);
    expect(state.g1).toEqual(["bea@meadow.example"]);
  });

  it("a message from an author ends their typing only, not another member's", () => {
    const state = { g1: ["bea@meadow.example", "heron@harbor.example"] };
    expect(typingStopped(state, "g1", "bea@meadow.example").g1).toEqual(["heron@harbor.example"]);
  });

  it("leaves the state as it was when nothing changes, so React does not render again", () => {
    const state = { g1: ["bea@meadow.example"] };
    expect(typingChanged(state, "g1", "heron@harbor.example", false)).toBe(state);
  });

  it("words one, two, three and more authors", () => {
    const name = (author: string) => author.split("@")[0] ?? author;
    expect(typingText([], name)).toBe("");
    expect(typingText(["bea@m.example"], name)).toBe("bea is typing…");
    expect(typingText(["bea@m.example", "heron@h.example"], name)).toBe("bea and heron are typing…");
    expect(typingText(["a@x.example", "b@x.example", "c@x.example"], name)).toBe("a, b and c are typing…");
    expect(typingText(["a@x.example", "b@x.example", "c@x.example", "d@x.example"], name)).toBe(
      "a, b and 2 others are typing…",
    );
  });
});
