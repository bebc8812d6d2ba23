import { shelfApp } from './shelf-apps.ts';

/** The shelf app's second release (books and audiobooks), for `refract run --app`. */
export default shelfApp(true);
