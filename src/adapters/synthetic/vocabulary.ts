/** Word banks for synthetic banking data: realistic enough for similarity queries to mean something. */
export const FIRST_NAMES = ['Anna', 'Ben', 'Clara', 'David', 'Elena', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Luca', 'Mara', 'Nils', 'Olga', 'Paul', 'Rosa', 'Samir', 'Tara', 'Umar', 'Vera', 'Wim', 'Yara', 'Zoe'];
export const LAST_NAMES = ['Keller', 'Novak', 'Rossi', 'Schmidt', 'Dubois', 'Jansen', 'Kowalski', 'Larsen', 'Moreau', 'Nowak', 'Okafor', 'Petrov', 'Quinn', 'Silva', 'Tanaka', 'Weber'];
export const CITIES: readonly (readonly [string, string])[] = [
  ['Berlin', 'DE'], ['Munich', 'DE'], ['Hamburg', 'DE'], ['Paris', 'FR'], ['Lyon', 'FR'], ['Milan', 'IT'],
  ['Madrid', 'ES'], ['Amsterdam', 'NL'], ['Vienna', 'AT'], ['Warsaw', 'PL'], ['Lisbon', 'PT'], ['Zurich', 'CH'],
];
export const OCCUPATIONS = [
  'software engineer', 'paediatric nurse', 'tax accountant', 'structural engineer', 'art dealer', 'pharmacist',
  'real estate broker', 'secondary school teacher', 'commercial pilot', 'restaurant owner', 'crypto trader',
  'data scientist', 'dentist', 'lawyer', 'logistics manager', 'journalist',
];
export const INTERESTS = [
  'collects vintage watches', 'runs marathons', 'invests in rental flats', 'trades cryptocurrencies',
  'volunteers at a food bank', 'travels often to Dubai', 'owns a small vineyard', 'restores classic cars',
  'sponsors a local football club', 'buys contemporary art', 'sails on weekends', 'mentors young founders',
];
export const INDUSTRIES = [
  'renewable energy', 'logistics and freight', 'pharmaceuticals', 'commercial real estate', 'software as a service',
  'precious metals trading', 'automotive parts', 'organic food retail', 'private security', 'shipping',
  'construction', 'online gambling', 'fashion retail', 'medical devices',
];
export const COMPANY_SUFFIXES = ['GmbH', 'SA', 'BV', 'AG', 'Ltd', 'SpA', 'SARL'];
export const COMPANY_WORDS = ['Nordic', 'Alpine', 'Atlas', 'Helix', 'Vertex', 'Orion', 'Delta', 'Aurora', 'Summit', 'Blue Harbour', 'Iron Gate', 'Greenfield'];
export const COMPANY_TRAITS = [
  'exports mainly to Asia', 'recently changed its ownership', 'has a large cash turnover',
  'operates through many subsidiaries', 'is family owned', 'is listed on a regional exchange',
  'receives public subsidies', 'works with offshore partners',
];
export const CURRENCIES = ['EUR', 'EUR', 'EUR', 'CHF', 'PLN', 'USD'];
