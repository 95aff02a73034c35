/** The names of an account's devices (from its server), to say where a change was made. */

import { useEffect, useRef, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import type { Device } from "@keypears/sync-client/core";

export interface DeviceNames {
  readonly devices: readonly Device[] | null;
  /** "this browser" for this device, the server's name for others, a short id when unknown. */
  readonly nameOf: (id: string) => string;
  /** Reads the list again (after a rename or revoke). */
  readonly refresh: () => void;
  readonly failure: unknown;
}

const UNKNOWN_DEVICE_REREAD_MS = 3000;

export const useDeviceNames = (vault: VaultClient, address: string): DeviceNames => {
  const [devices, setDevices] = useState<readonly Device[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  const lastRead = useRef(0);
  const local = address.endsWith("@localhost");
  useEffect(() => {
    if (local) return;
    let stopped = false;
    lastRead.current = Date.now();
    vault.devices(address).then(
      (result) => {
        if (stopped) return;
        if (result.ok) {
          setDevices(result.value);
          setFailure(null);
        } else setFailure(result.error);
      },
      (error: unknown) => stopped || setFailure(error),
    );
    return () => {
      stopped = true;
    };
  }, [address, round]);
  const nameOf = (id: string): string => {
    if (local) return "this browser";
    const device = devices?.find((d) => d.id === id);
    if (device === undefined) {
      // A device added since the list was read: read it again (at most every few seconds).
      if (Date.now() - lastRead.current > UNKNOWN_DEVICE_REREAD_MS) {
        lastRead.current = Date.now();
        setTimeout(() => setRound((n) => n + 1), 0);
      }
      return `device ${id.slice(0, 8)}`;
    }
    return device.current ? `this browser (${device.name})` : device.name;
  };
  return { devices, nameOf, refresh: () => setRound((n) => n + 1), failure };
};
