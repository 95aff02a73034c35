/** Which of an item's URLs would send a password unencrypted: `http:` to anything but this machine. */

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export const insecureUrls = (urls: readonly string[]): string[] =>
  urls.filter((raw) => {
    const text = raw.trim();
    if (!/^http:/i.test(text)) return false;
    try {
      return !LOOPBACK.test(new URL(text).hostname);
    } catch {
      return true; // "http:" but unparseable: still not https
    }
  });
