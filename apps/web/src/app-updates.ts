/**
 * Registers the service worker (the offline app shell) and reports when a new version of the app
 * has installed and waits. The person decides when to switch: `applyUpdate` tells the waiting
 * worker to take over and reloads once it has, so an update never lands in the middle of an edit.
 */

/** Calls `onWaiting` when a new version is ready (at once if one already waits). */
export const registerAppShell = (onWaiting: () => void): void => {
  const container = navigator.serviceWorker as ServiceWorkerContainer | undefined;
  if (container === undefined) return;
  container
    .register("/sw.js", { scope: "/" })
    .then((registration) => {
      const hadController = container.controller !== null;
      if (registration.waiting !== null && hadController) onWaiting();
      registration.addEventListener("updatefound", () => {
        const installing = registration.installing;
        installing?.addEventListener("statechange", () => {
          // The first install has nothing to replace; later ones wait for the person.
          if (installing.state === "installed" && container.controller !== null) onWaiting();
        });
      });
      // Look for a new version now and then, and whenever the app comes back into view.
      const check = (): void => void registration.update().catch(() => undefined);
      setInterval(check, 60 * 60 * 1000);
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") check();
      });
    })
    .catch(() => undefined);
};

/** Switches to the waiting version and reloads when it controls the page. */
export const applyUpdate = async (): Promise<void> => {
  const container = navigator.serviceWorker;
  const registration = await container.getRegistration();
  const waiting = registration?.waiting;
  if (waiting === null || waiting === undefined) return location.reload();
  container.addEventListener("controllerchange", () => location.reload(), { once: true });
  waiting.postMessage("skip-waiting");
};
