import { createMemoryDeadLetters } from '../../../src/adapters/memory/memory-dead-letters.ts';
import { deadLettersContract } from '../../contract/dead-letters.contract.ts';

let legs = 0;
deadLettersContract('memory', () => Promise.resolve({ deadLetters: createMemoryDeadLetters(), leg: () => `leg-${++legs}` }));
