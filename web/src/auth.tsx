import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type Role, roleRank } from "./api";
import type { Me } from "./types";

export const MeContext = createContext<Me | null>(null);

export function useMe(): Me | null {
  return useContext(MeContext);
}

/** Whether the signed-in role may use a control (the server enforces the same rule). */
export function useCan(role: Role): boolean {
  const me = useMe();
  return me !== null && roleRank[me.role] >= roleRank[role];
}

export function RoleNote({ need }: { need: Role }) {
  const me = useMe();
  if (!me || roleRank[me.role] >= roleRank[need]) return null;
  return (
    <p class="note" role="note">
      Your key has the <strong>{me.role}</strong> role; this needs <strong>{need}</strong> or above, so the
      controls are disabled. Ask an administrator for a key with that role.
    </p>
  );
}
