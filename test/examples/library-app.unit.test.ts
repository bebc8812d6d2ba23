import { describe, expect, it } from 'vitest';
import library from '../../examples/library/app.ts';

describe('the library example application', () => {
  it('is defined with the public API and declares its outputs', () => {
    expect(library.name).toBe('library');
    expect(library.topics).toEqual(['members', 'books', 'loans']);
    expect(library.graph).toEqual({ vertexLabels: ['member', 'book', 'loan', 'open_loan'], edgeLabels: ['BORROWED_BY', 'OF_BOOK', 'FOR_LOAN'] });
    expect(library.indices.map((i) => i.name)).toEqual(['books', 'open_loans']);
    expect(library.legProjections('graph').map((p) => p.name)).toEqual(['library-graph', 'open-loans']);
    expect(library.legProjections('vector').map((p) => p.name)).toEqual(['book-search', 'open-loans']);
  });
});
