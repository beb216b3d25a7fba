import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { selectBackend } from "./backend/select";
import { App } from "./components/App";
import "./tokens.css";
import "./styles.css";

const backend = selectBackend(window.location);
const root = document.getElementById("root");
if (!root) throw new Error("index.html lacks #root");
createRoot(root).render(
  <StrictMode>
    <App backend={backend} />
  </StrictMode>,
);
