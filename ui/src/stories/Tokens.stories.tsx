// The design tokens, read from src/tokens.css itself (as text, for names, groups and the light and
// dark values; and from the page, for what applies now), so this page cannot drift from the file.
import type { Meta, StoryObj } from "@storybook/react-vite";
import { useEffect, useState, type CSSProperties } from "react";
import tokensCss from "../tokens.css?raw";

type Token = { name: string; light: string; dark: string | undefined };
type Group = { title: string; tokens: Token[] };

/** The declarations of the first block whose selector matches, grouped by the comments above them. */
function parse(css: string): Group[] {
  const rootStart = css.indexOf(":root {");
  const root = css.slice(rootStart, css.indexOf("\n}", rootStart));
  const darkStart = css.indexOf(':root[data-theme="dark"] {');
  const dark = new Map<string, string>();
  for (const match of css.slice(darkStart, css.indexOf("\n}", darkStart)).matchAll(/(--[\w-]+):\s*([^;]+);/g))
    dark.set(match[1] ?? "", (match[2] ?? "").trim());
  const groups: Group[] = [];
  let current: Group = { title: "Tokens", tokens: [] };
  for (const line of root.split("\n")) {
    const comment = /^\s*\/\*\s*(.*?)\s*(\*\/)?$/.exec(line);
    const declaration = /^\s*(--[\w-]+):\s*([^;]+);/.exec(line);
    if (comment && !declaration) {
      if (current.tokens.length > 0) groups.push(current);
      current = { title: comment[1] ?? "", tokens: [] };
    } else if (declaration) {
      const name = declaration[1] ?? "";
      current.tokens.push({ name, light: (declaration[2] ?? "").trim(), dark: dark.get(name) });
    }
  }
  if (current.tokens.length > 0) groups.push(current);
  return groups;
}

function Sample({ name }: { name: string }) {
  const value = `var(${name})`;
  const box: CSSProperties = {
    width: "var(--space-7)",
    height: "var(--space-6)",
    border: "var(--border-width) solid var(--color-border)",
    borderRadius: "var(--radius-sm)",
  };
  if (name.startsWith("--color") || name.startsWith("--network"))
    return <span style={{ ...box, background: value, display: "inline-block" }} />;
  if (name.startsWith("--space"))
    return (
      <span
        style={{ display: "inline-block", height: "var(--space-3)", width: value, background: "var(--color-accent)" }}
      />
    );
  if (name.startsWith("--text")) return <span style={{ fontSize: value }}>Isthmus Ag</span>;
  if (name.startsWith("--weight")) return <span style={{ fontWeight: value }}>Isthmus Ag</span>;
  if (name.startsWith("--line"))
    return (
      <span
        style={{
          lineHeight: value,
          display: "inline-block",
          maxWidth: "var(--size-card)",
          background: "var(--color-bg-subtle)",
        }}
      >
        Two lines of text show the line height of this token.
      </span>
    );
  if (name.startsWith("--font")) return <span style={{ fontFamily: value }}>Isthmus مرحبا שלום 0123</span>;
  if (name.startsWith("--radius"))
    return (
      <span style={{ ...box, borderRadius: value, background: "var(--color-bg-selected)", display: "inline-block" }} />
    );
  if (name.startsWith("--motion"))
    return (
      <span
        className="token-motion"
        style={{
          transitionDuration: name === "--motion-ease" ? "var(--motion-normal)" : value,
          transitionTimingFunction: name === "--motion-ease" ? value : "var(--motion-ease)",
        }}
        title="Hover to play"
      />
    );
  if (name.startsWith("--border-width"))
    return <span style={{ ...box, borderWidth: value, borderColor: "var(--color-text)" }} />;
  if (name.startsWith("--shadow"))
    return <span style={{ ...box, boxShadow: value, background: "var(--color-bg-raised)", display: "inline-block" }} />;
  if (name.startsWith("--focus")) return <span style={{ ...box, boxShadow: value, display: "inline-block" }} />;
  if (name.startsWith("--avatar"))
    return (
      <span className="avatar" style={{ backgroundColor: "hsl(200 var(--avatar-saturation) var(--avatar-lightness))" }}>
        AL
      </span>
    );
  if (name.startsWith("--size"))
    return (
      <span
        style={{
          display: "inline-block",
          height: "var(--space-2)",
          width: value,
          maxWidth: "100%",
          background: "var(--color-text-muted)",
        }}
      />
    );
  return null;
}

function TokensPage() {
  const groups = parse(tokensCss);
  const [computed, setComputed] = useState<Record<string, string>>({});
  useEffect(() => {
    const measure = () => {
      const style = getComputedStyle(document.documentElement);
      setComputed(
        Object.fromEntries(
          groups.flatMap((group) =>
            group.tokens.map((token) => [token.name, style.getPropertyValue(token.name).trim()]),
          ),
        ),
      );
    };
    measure();
    const observer = new MutationObserver(measure);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => observer.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const count = groups.reduce((sum, group) => sum + group.tokens.length, 0);
  return (
    <main className="tokens-page">
      <h1>Design tokens</h1>
      <p className="muted">
        {count} tokens from <code>ui/src/tokens.css</code>, the one file for colors, spacing, type, radii and motion.
        Every component's CSS uses these and nothing else. Switch the theme in the toolbar: “now” shows the value that
        applies.
      </p>
      {groups.map((group) => (
        <section key={group.title}>
          <h2 className="section-title">{group.title}</h2>
          <table className="ledger tokens-table">
            <thead>
              <tr>
                <th>Token</th>
                <th>Sample</th>
                <th>Light</th>
                <th>Dark</th>
                <th>Now</th>
              </tr>
            </thead>
            <tbody>
              {group.tokens.map((token) => (
                <tr key={token.name}>
                  <td className="mono">{token.name}</td>
                  <td>
                    <Sample name={token.name} />
                  </td>
                  <td className="mono">{token.light}</td>
                  <td className="mono">{token.dark ?? "—"}</td>
                  <td className="mono">{computed[token.name] ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </main>
  );
}

const meta = { title: "Design/Tokens", parameters: { layout: "fullscreen" } } satisfies Meta;
export default meta;
export const Tokens: StoryObj<typeof meta> = { render: () => <TokensPage /> };
