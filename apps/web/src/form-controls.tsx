/** Form controls used on several screens: a labelled password input and a labelled checkbox row. */

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
