import { shelfApp } from './shelf-apps.ts';

/** The shelf app's first release (books only), for `refract run --app`. */
export default shelfApp(false);
