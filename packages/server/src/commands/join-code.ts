import { randomInt } from "node:crypto";
import { JOIN_CODE_ALPHABET, LIMITS } from "@observer/protocol";

/** A cryptographically random join code from the unambiguous alphabet (no 0/O, 1/I/L). */
export function generateJoinCode(length: number = LIMITS.joinCodeChars): string {
  let code = "";
  for (let i = 0; i < length; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}
