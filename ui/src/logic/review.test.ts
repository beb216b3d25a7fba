import { describe, expect, it } from "vitest";
import { pendingReviews, reviewText } from "./review";

describe("networks to review", () => {
  it("lists every account's networks in the accounts' order, and nothing for accounts without", () => {
    const reviews = pendingReviews(["a@meadow.example", "b@meadow.example", "c@harbor.example"], {
      "c@harbor.example": ["meadow.example"],
      "a@meadow.example": ["harbor.example", "lagoon.example"],
      "b@meadow.example": [],
    });
    expect(reviews).toEqual([
      { account: "a@meadow.example", network: "harbor.example" },
      { account: "a@meadow.example", network: "lagoon.example" },
      { account: "c@harbor.example", network: "meadow.example" },
    ]);
  });

  it("names the account only when the profile has more than one", () => {
    const review = { account: "ada.lab@meadow.example", network: "harbor.example" };
    expect(reviewText(review, 1)).toBe("You allowed harbor.example before group chats worked across networks.");
    expect(reviewText(review, 3)).toBe(
      "You allowed harbor.example for ada.lab@meadow.example before group chats worked across networks.",
    );
  });
});
