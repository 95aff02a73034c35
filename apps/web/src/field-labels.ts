/** How the standard fields are named on screen. */

export const FIELD_LABELS: Readonly<Record<string, string>> = {
  title: "Title",
  username: "Username",
  password: "Password",
  urls: "Websites",
  totp: "TOTP secret",
  notes: "Notes",
  tags: "Tags",
  folder: "Folder",
  favorite: "Favourite",
  cardholder: "Cardholder",
  cardNumber: "Card number",
  expiry: "Expiry",
  cvv: "CVV",
  fullName: "Full name",
  email: "Email",
  phone: "Phone",
  postalAddress: "Postal address",
  apiKey: "API key",
  apiSecret: "API secret",
};

export const TYPE_LABELS: Readonly<Record<string, string>> = {
  login: "Login",
  note: "Secure note",
  card: "Card",
  identity: "Identity",
  apikey: "API key",
};
