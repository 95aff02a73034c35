/**
 * Auto-lock after a time without activity. The time is a setting of this browser (not a secret,
 * kept in localStorage); activity in any tab of the app counts (tabs share the last activity's
 * time), so a person working in one tab is not locked out by another that sat idle.
 */

import { useEffect } from "preact/hooks";

const SETTING = "keypears.autoLockMinutes";
const LAST_ACTIVITY = "keypears.lastActivity";

/** The choices offered; 0 is never. */
export const AUTO_LOCK_CHOICES = [1, 5, 15, 30, 60, 0] as const;
export const DEFAULT_AUTO_LOCK_MINUTES = 15;

export const autoLockMinutes = (): number => {
  const stored = Number(localStorage.getItem(SETTING) ?? DEFAULT_AUTO_LOCK_MINUTES);
  return (AUTO_LOCK_CHOICES as readonly number[]).includes(stored)
    ? stored
    : DEFAULT_AUTO_LOCK_MINUTES;
};

export const setAutoLockMinutes = (minutes: number): void => {
  localStorage.setItem(SETTING, String(minutes));
  dispatchEvent(new Event("keypears-auto-lock"));
};

const ACTIVITY = ["pointerdown", "keydown", "wheel", "touchstart", "scroll"] as const;

/** Calls `onIdle` once no tab saw activity for the configured time (checked every few seconds). */
export const useIdleLock = (onIdle: () => void): void => {
  useEffect(() => {
    let written = 0;
    const active = (): void => {
      const now = Date.now();
      // One write a second is enough to share the time with the other tabs.
      if (now - written < 1000) return;
      written = now;
      localStorage.setItem(LAST_ACTIVITY, String(now));
    };
    active();
    for (const type of ACTIVITY) addEventListener(type, active, { passive: true, capture: true });
    const check = (): void => {
      const minutes = autoLockMinutes();
      if (minutes === 0) return;
      const last = Number(localStorage.getItem(LAST_ACTIVITY) ?? Date.now());
      if (Date.now() - last >= minutes * 60_000) onIdle();
    };
    const timer = setInterval(check, 5000);
    addEventListener("keypears-auto-lock", check);
    return () => {
      clearInterval(timer);
      removeEventListener("keypears-auto-lock", check);
      for (const type of ACTIVITY) removeEventListener(type, active, { capture: true });
    };
  }, []);
};
