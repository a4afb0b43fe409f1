import type { UserView } from "../../../shared/domain/accounts/view.js";
import { api } from "../api.js";
import type { View } from "../context.js";
import { field, h } from "../dom.js";
import type { Session } from "../session.js";
import { busy, heading, labelled, showError } from "./common.js";

/** Log in (#/login) or sign up (#/signup); both end in a session handed to `onSession`. */
export function authView(mode: "login" | "signup", onSession: (session: Session) => void, notice?: string): View {
  const errorSlot = h("div");
  const input = (name: string, type: string, attrs: Record<string, string | boolean> = {}) =>
    h("input", { name, type, required: true, "data-testid": `${mode}-${name}`, ...attrs });

  const fields =
    mode === "login"
      ? [
          labelled("Email", input("email", "email", { autocomplete: "email" })),
          labelled("Password", input("password", "password", { autocomplete: "current-password" })),
        ]
      : [
          labelled("Your name", input("name", "text", { autocomplete: "name", maxlength: "120" })),
          labelled("Email", input("email", "email", { autocomplete: "email" })),
          labelled(
            "Password",
            input("password", "password", { autocomplete: "new-password", minlength: "8" }),
            "At least 8 characters.",
          ),
          h(
            "fieldset",
            { class: "choices" },
            h("legend", {}, "I want to"),
            roleChoice("guest", "Book stays", true),
            roleChoice("host", "Host my place", false),
          ),
        ];

  const form = h(
    "form",
    { class: "stack", novalidate: false, "aria-describedby": "auth-help" },
    fields,
    errorSlot,
    h(
      "button",
      { type: "submit", class: "primary", "data-testid": `${mode}-submit` },
      mode === "login" ? "Log in" : "Create account",
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errorSlot, null);
    const body =
      mode === "login"
        ? { email: field(form, "email"), password: field(form, "password") }
        : {
            name: field(form, "name"),
            email: field(form, "email"),
            password: field(form, "password"),
            role: field(form, "role") || "guest",
          };
    try {
      const path = mode === "login" ? "/auth/login" : "/auth/register";
      const session = await busy(form, () => api.post<{ user: UserView; token: string }>(path, body));
      onSession({ token: session.token, user: session.user });
    } catch (err) {
      showError(errorSlot, err, "auth-error");
    }
  });

  const el = h(
    "section",
    { class: "auth card", "aria-labelledby": "auth-title" },
    Object.assign(heading(mode === "login" ? "Log in to Nexus" : "Create your Nexus account"), { id: "auth-title" }),
    notice ? h("p", { class: "notice", role: "status" }, notice) : null,
    form,
    h(
      "p",
      { id: "auth-help", class: "muted" },
      mode === "login"
        ? ["New here? ", h("a", { href: "#/signup" }, "Create an account")]
        : ["Already have an account? ", h("a", { href: "#/login" }, "Log in")],
    ),
  );
  return { el };
}

function roleChoice(value: string, label: string, checked: boolean): HTMLElement {
  return h(
    "label",
    { class: "choice" },
    h("input", { type: "radio", name: "role", value, checked, "data-testid": `signup-role-${value}` }),
    label,
  );
}
