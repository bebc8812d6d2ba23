// Run as a child process: records ids as in flight, then dies by SIGKILL, as a crash would.
import { createFileInFlightJournal } from '../../../src/adapters/filesystem/file-inflight-journal.ts';

const [path, ...ids] = process.argv.slice(2);
if (!path) throw new Error('usage: die-in-flight <journal path> <ids...>');
await createFileInFlightJournal(path).begin(ids);
process.kill(process.pid, 'SIGKILL');
