/** The web app's entry: opens this tab's browser vault, keeps the app shell offline, renders #app. */

import { render } from "preact";
import { openBrowserVault } from "@keypears/vault-browser";
import { App } from "./app.tsx";
import "./styles.css";

const vault = openBrowserVault();
void vault.persist();
const root = document.getElementById("app");
if (root !== null) render(<App vault={vault} />, root);
