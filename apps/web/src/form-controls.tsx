/** Form controls used on several screens: a labelled password input, a checkbox row, a text input masked for secrets. */

import type { ComponentChildren } from "preact";

/** A required, labelled password input (the label wraps it, so it is its accessible name). */
export const PasswordField = (props: {
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly autocomplete: "current-password" | "new-password";
  readonly describedBy?: string;
}) => (
  <label>
    {props.label}
    <input
      type="password"
      autocomplete={props.autocomplete}
      required
      value={props.value}
      onInput={(e) => props.onValue(e.currentTarget.value)}
      {...(props.describedBy === undefined ? {} : { "aria-describedby": props.describedBy })}
    />
  </label>
);

/** A new master password with its strength hint (`weakness`: what is wrong, or null), and its confirmation. */
export const NewPasswordFields = (props: {
  readonly label: string;
  readonly id: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly confirm: string;
  readonly onConfirm: (value: string) => void;
  readonly weakness: string | null;
}) => (
  <>
    <PasswordField
      label={props.label}
      autocomplete="new-password"
      describedBy={props.id}
      value={props.value}
      onValue={props.onValue}
    />
    <p id={props.id} class="hint" aria-live="polite">
      {props.value === ""
        ? "At least 10 characters; a few unrelated words work well."
        : (props.weakness ?? "Strong enough.")}
    </p>
    <PasswordField
      label={`Confirm ${props.label.toLowerCase()}`}
      autocomplete="new-password"
      value={props.confirm}
      onValue={props.onConfirm}
    />
  </>
);

/** A checkbox with its label on the same line. */
export const CheckboxRow = (props: {
  readonly checked: boolean;
  readonly onChecked: (checked: boolean) => void;
  readonly children: ComponentChildren;
}) => (
  <label class="inline">
    <input
      type="checkbox"
      checked={props.checked}
      onChange={(e) => props.onChecked(e.currentTarget.checked)}
    />
    {props.children}
  </label>
);

/** A one-line input, masked for secrets. */
export const TextInput = (props: {
  readonly secret: boolean;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly required?: boolean;
  readonly label?: string;
}) => {
  const common = {
    autocomplete: "off",
    required: props.required ?? false,
    value: props.value,
    onInput: (e: { currentTarget: HTMLInputElement }) => props.onValue(e.currentTarget.value),
    ...(props.label === undefined ? {} : { "aria-label": props.label }),
  };
  return props.secret ? <input type="password" {...common} /> : <input type="text" {...common} />;
};
