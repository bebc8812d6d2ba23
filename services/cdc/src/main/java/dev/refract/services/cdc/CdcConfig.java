package dev.refract.services.cdc;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** Configuration from environment variables (documented in services/cdc/README.md). */
final class CdcConfig {
    final String pgHost;
    final int pgPort;
    final String pgDatabase;
    final String pgUser;
    final String pgPassword;
    final String publication;
    final String slot;
    final String tables;
    final String snapshotMode;
    final String pulsarUrl;
    final String tenant;
    final String namespace;
    final String topicPrefix;
    final String producerPrefix;
    final Path offsetsFile;
    final long offsetFlushMs;
    /** How long Debezium waits for changes before handing over a batch (its default, 500 ms, is most of the commit-to-topic delay). */
    final long pollMs;
    final String name;
    final Path debeziumProperties;

    CdcConfig(Map<String, String> env) {
        pgHost = get(env, "REFRACT_CDC_PG_HOST", "127.0.0.1");
        pgPort = port(env, "REFRACT_CDC_PG_PORT", "5432");
        pgDatabase = get(env, "REFRACT_CDC_PG_DATABASE", "postgres");
        pgUser = get(env, "REFRACT_CDC_PG_USER", "postgres");
        pgPassword = env.get("REFRACT_CDC_PG_PASSWORD");
        publication = get(env, "REFRACT_CDC_PUBLICATION", "refract_cdc");
        slot = get(env, "REFRACT_CDC_SLOT", "refract_cdc");
        tables = get(env, "REFRACT_CDC_TABLES", "");
        snapshotMode = get(env, "REFRACT_CDC_SNAPSHOT_MODE", "initial");
        pulsarUrl = get(env, "REFRACT_CDC_PULSAR_URL", "pulsar://127.0.0.1:6650");
        tenant = get(env, "REFRACT_CDC_PULSAR_TENANT", get(env, "REFRACT_PULSAR_TENANT", "refract"));
        namespace = get(env, "REFRACT_CDC_PULSAR_NAMESPACE", get(env, "REFRACT_PULSAR_NAMESPACE", "banking"));
        topicPrefix = get(env, "REFRACT_CDC_TOPIC_PREFIX", "cdc");
        producerPrefix = get(env, "REFRACT_CDC_PRODUCER_PREFIX", "refract-cdc");
        offsetsFile = Path.of(get(env, "REFRACT_CDC_OFFSETS_FILE", "cdc-offsets.dat")).toAbsolutePath();
        offsetFlushMs = Long.parseLong(get(env, "REFRACT_CDC_OFFSET_FLUSH_MS", "1000"));
        pollMs = Long.parseLong(get(env, "REFRACT_CDC_POLL_MS", "100"));
        name = get(env, "REFRACT_CDC_NAME", "refract-cdc");
        String extra = env.get("REFRACT_CDC_DEBEZIUM_PROPERTIES");
        debeziumProperties = extra == null || extra.isBlank() ? null : Path.of(extra);
        if (!pulsarUrl.startsWith("pulsar://") && !pulsarUrl.startsWith("pulsar+ssl://")) {
            throw new IllegalArgumentException("CONFIG.INVALID: REFRACT_CDC_PULSAR_URL=" + pulsarUrl
                    + " is not a binary-protocol URL (pulsar://host:6650)");
        }
    }

    /** The Debezium engine's configuration: PostgreSQL connector, pgoutput, file offsets, transaction metadata. */
    Properties debezium() throws IOException {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        // Debezium's logical name; it prefixes Kafka-style topic names, which this service maps itself.
        p.setProperty("topic.prefix", name);
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("offset.storage.file.filename", offsetsFile.toString());
        p.setProperty("offset.flush.interval.ms", Long.toString(offsetFlushMs));
        p.setProperty("offset.flush.timeout.ms", "10000");
        p.setProperty("poll.interval.ms", Long.toString(pollMs));
        p.setProperty("database.hostname", pgHost);
        p.setProperty("database.port", Integer.toString(pgPort));
        p.setProperty("database.dbname", pgDatabase);
        p.setProperty("database.user", pgUser);
        if (pgPassword != null) {
            p.setProperty("database.password", pgPassword);
        }
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", publication);
        p.setProperty("publication.autocreate.mode", "filtered");
        if (!tables.isBlank()) {
            p.setProperty("table.include.list", tables);
        }
        p.setProperty("snapshot.mode", snapshotMode);
        // BEGIN/END records mark transaction boundaries (offsets are committed only at an END), and
        // each change carries transaction.data_collection_order, the index used in the sequence id.
        p.setProperty("provide.transaction.metadata", "true");
        // JSON-friendly numbers and times (the JSON converter runs with schemas disabled).
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("tombstones.on.delete", "true");
        if (debeziumProperties != null) {
            try (Reader r = Files.newBufferedReader(debeziumProperties)) {
                Properties extra = new Properties();
                extra.load(r);
                p.putAll(extra);
            }
        }
        return p;
    }

    String describe() {
        return "postgres " + pgUser + "@" + pgHost + ":" + pgPort + "/" + pgDatabase + " slot=" + slot + " publication=" + publication
                + " tables=" + (tables.isBlank() ? "(all)" : tables) + " snapshot.mode=" + snapshotMode + "; pulsar " + pulsarUrl
                + " persistent://" + tenant + "/" + namespace + "/" + topicPrefix + "-<schema>-<table>; offsets " + offsetsFile;
    }

    private static String get(Map<String, String> env, String key, String fallback) {
        String v = env.get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static int port(Map<String, String> env, String key, String fallback) {
        String raw = get(env, key, fallback);
        try {
            int port = Integer.parseInt(raw);
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        }
        catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("CONFIG.INVALID: " + key + "=" + raw + " is not a TCP port (1-65535)");
    }
}
