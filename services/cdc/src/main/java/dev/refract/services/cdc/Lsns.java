package dev.refract.services.cdc;

/** PostgreSQL's textual LSN form, e.g. 0/1511B38. */
final class Lsns {
    private Lsns() {
    }

    static String format(Long lsn) {
        if (lsn == null) {
            return "-";
        }
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
