import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential (token, password) that prints as `[redacted]` however it is printed: string
 * interpolation, JSON (a log line's details, a dead letter's properties), `util.inspect` (an
 * error's cause, console.log). Only `reveal()` gives the value, at the one place that sends it
 * to its server (docs/adr/0022).
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
