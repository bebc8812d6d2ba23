/** Time as a port, so runtime code never reads the wall clock directly. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
