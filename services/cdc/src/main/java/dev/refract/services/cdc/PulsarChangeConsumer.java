package dev.refract.services.cdc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerAccessMode;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.TypedMessageBuilder;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;

/**
 * Publishes each Debezium change record to Pulsar and commits Debezium's offsets only for what
 * Pulsar has persisted, and only at transaction boundaries.
 *
 * <ul>
 * <li>Change events (op c/u/d) go to {@code persistent://tenant/ns/<prefix>-<schema>-<table>} through one
 * producer per topic with a stable name and an explicit sequence id ({@link SequenceIds}).</li>
 * <li>Snapshot reads (op r) go to the same topic through a second producer, {@code <name>-snapshot},
 * with the client's own sequence ids: a snapshot restarted after a crash reads the table again,
 * so its rows are resent (never dropped, possibly duplicated).</li>
 * <li>Tombstones (null value after a delete) and transaction BEGIN/END records are not published;
 * their offsets are committed like the others.</li>
 * <li>After every send of the batch has completed, the records up to the last one that leaves no
 * transaction open are marked processed; a transaction's tail is committed with its END in a later
 * batch. Any send failure throws: nothing of the batch is committed and the engine stops.</li>
 * </ul>
 */
final class PulsarChangeConsumer implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");
    private static final long SEND_WAIT_MINUTES = 5;

    private final PulsarClient client;
    private final CdcConfig config;
    private final JsonConverter keyConverter = new JsonConverter();
    private final JsonConverter valueConverter = new JsonConverter();
    private final Map<String, Producer<byte[]>> producers = new HashMap<>();
    private final Map<String, Long> lastSequence = new HashMap<>();
    private final String txTopic;

    /** True between a BEGIN record and its END: offsets inside are not committed. Spans batches. */
    private boolean inTransaction;
    private String openTransaction;
    /** LSN of the open transaction's first change: the fallback key when Debezium has no lsn_commit yet. */
    private Long txFirstLsn;
    private long batches;
    private long published;
    private long duplicates;
    private long skipped;

    PulsarChangeConsumer(PulsarClient client, CdcConfig config) {
        this.client = client;
        this.config = config;
        Map<String, Object> json = Map.of("schemas.enable", "false", "decimal.format", "NUMERIC");
        keyConverter.configure(json, true);
        valueConverter.configure(json, false);
        this.txTopic = config.name + ".transaction";
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> events, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<CompletableFuture<MessageId>> sends = new ArrayList<>(events.size());
        int lastBoundary = -1;
        boolean sendingSnapshot = false;
        Long lastLsn = null;
        int batchPublished = 0;
        int batchSkipped = 0;
        for (int i = 0; i < events.size(); i++) {
            SourceRecord record = events.get(i).record();
            if (txTopic.equals(record.topic())) {
                Struct tx = (Struct) record.value();
                String status = tx.getString("status");
                if ("BEGIN".equals(status)) {
                    inTransaction = true;
                    openTransaction = tx.getString("id");
                    txFirstLsn = null;
                }
                else if ("END".equals(status)) {
                    inTransaction = false;
                    openTransaction = null;
                }
            }
            else if (record.value() instanceof Struct value && value.schema().field("op") != null && value.schema().field("source") != null) {
                String op = value.getString("op");
                boolean snapshot = "r".equals(op);
                if (sendingSnapshot && !snapshot) {
                    // Keep the topic in source order: the snapshot producer's sends land first.
                    await(sends);
                }
                sendingSnapshot = snapshot;
                lastLsn = value.getStruct("source").getInt64("lsn");
                if (!snapshot && txFirstLsn == null) {
                    txFirstLsn = lastLsn;
                }
                sends.add(publish(record, value, snapshot));
                batchPublished++;
            }
            else {
                batchSkipped++; // tombstone, heartbeat, schema change: not published, offset still committed
            }
            if (!inTransaction) {
                lastBoundary = i;
            }
        }
        await(sends);
        int batchDuplicates = 0;
        for (CompletableFuture<MessageId> send : sends) {
            if (isDuplicate(send.join())) {
                batchDuplicates++;
            }
        }
        for (int i = 0; i <= lastBoundary; i++) {
            committer.markProcessed(events.get(i));
        }
        committer.markBatchFinished();
        batches++;
        published += batchPublished - batchDuplicates;
        duplicates += batchDuplicates;
        skipped += batchSkipped;
        Long committedLsn = lastBoundary < 0 ? null : (Long) events.get(lastBoundary).record().sourceOffset().get("lsn");
        System.out.println("cdc batch=" + batches + " records=" + events.size() + " sent=" + batchPublished + " dup=" + batchDuplicates
                + " skipped=" + batchSkipped + " last_lsn=" + Lsns.format(lastLsn) + " committed_through="
                + (lastBoundary + 1) + "/" + events.size() + (committedLsn == null ? "" : " (lsn " + Lsns.format(committedLsn) + ")")
                + (inTransaction ? " open_tx=" + openTransaction : "") + " total_persisted=" + published + " total_dup=" + duplicates
                + " total_skipped=" + skipped);
        System.out.flush();
    }

    private CompletableFuture<MessageId> publish(SourceRecord record, Struct value, boolean snapshot) {
        Struct source = value.getStruct("source");
        String schema = source.getString("schema");
        String table = source.getString("table");
        if (!NAME.matcher(schema).matches() || !NAME.matcher(table).matches()) {
            throw new IllegalStateException("CDC.BAD_NAME: " + schema + "." + table + " cannot be part of a Pulsar topic name");
        }
        String topic = "persistent://" + config.tenant + "/" + config.namespace + "/" + config.topicPrefix + "-" + schema + "-" + table;
        String producerName = config.producerPrefix + "-" + schema + "-" + table + (snapshot ? "-snapshot" : "");
        Producer<byte[]> producer = producer(topic, producerName);

        byte[] payload = valueConverter.fromConnectData(record.topic(), record.valueSchema(), value);
        TypedMessageBuilder<byte[]> message = producer.newMessage().value(payload);
        if (record.key() != null) {
            byte[] key = keyConverter.fromConnectData(record.topic(), record.keySchema(), record.key());
            message.key(new String(key, StandardCharsets.UTF_8));
        }
        Map<String, ?> offset = record.sourceOffset();
        Long lsn = source.getInt64("lsn");
        Long lsnCommit = (Long) offset.get("lsn_commit");
        Long txId = source.getInt64("txId");
        message.property("refract.cdc.table", schema + "." + table);
        if (lsn != null) {
            message.property("refract.cdc.lsn", Long.toString(lsn));
        }
        if (lsnCommit != null) {
            message.property("refract.cdc.lsn_commit", Long.toString(lsnCommit));
        }
        if (txId != null) {
            message.property("refract.cdc.tx_id", Long.toString(txId));
        }
        Long tsMs = source.getInt64("ts_ms");
        if (tsMs != null && tsMs > 0) {
            message.eventTime(tsMs);
        }
        if (!snapshot) {
            message.sequenceId(sequenceId(producerName, value, lsnCommit));
        }
        return message.sendAsync();
    }

    private long sequenceId(String producerName, Struct value, Long lsnCommit) {
        Field txField = value.schema().field("transaction");
        Struct tx = txField == null ? null : value.getStruct("transaction");
        if (tx == null) {
            throw new IllegalStateException("CDC.NO_TRANSACTION: a streamed change without transaction metadata; "
                    + "provide.transaction.metadata must stay true");
        }
        long index = tx.getInt64("data_collection_order") - 1;
        // lsn_commit is absent only for the first transaction streamed after a snapshot (Debezium has
        // seen no COMMIT yet); its first change's LSN is then the key: replayed identically (offsets
        // are committed only at an END), and below the next transaction's lsn_commit (its end LSN).
        long key = lsnCommit != null ? lsnCommit : txFirstLsn;
        long sequence = SequenceIds.of(key, index);
        Long previous = lastSequence.put(producerName, sequence);
        if (previous != null && sequence <= previous) {
            // Expected only when the engine restarted its task in-process and resent from the last
            // committed offset; the broker drops these as duplicates.
            System.out.println("cdc warn: " + producerName + " sequence " + sequence + " <= previous " + previous
                    + " (a resend from the last committed offset; the broker drops it)");
        }
        return sequence;
    }

    private Producer<byte[]> producer(String topic, String producerName) {
        Producer<byte[]> existing = producers.get(producerName);
        if (existing != null) {
            return existing;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                Producer<byte[]> producer = client.newProducer()
                        .topic(topic)
                        .producerName(producerName)
                        .accessMode(ProducerAccessMode.Shared)
                        .enableBatching(false) // one entry per sequence id: dedup decides per message
                        .blockIfQueueFull(true)
                        .maxPendingMessages(2000)
                        .sendTimeout(60, TimeUnit.SECONDS)
                        .create();
                System.out.println("cdc producer " + producerName + " on " + topic + " (broker's last sequence id "
                        + producer.getLastSequenceId() + ")");
                producers.put(producerName, producer);
                return producer;
            }
            catch (PulsarClientException.ProducerBusyException e) {
                // The previous incarnation's connection has not been closed by the broker yet.
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("CDC.PRODUCER_BUSY: " + producerName + " still connected to " + topic, e);
                }
                try {
                    Thread.sleep(1000);
                }
                catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating producer " + producerName, ie);
                }
            }
            catch (PulsarClientException e) {
                throw new IllegalStateException("CDC.PRODUCER_FAILED: cannot create producer " + producerName + " on " + topic + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** Waits for every send; a failure is fatal (nothing of this batch gets committed). */
    private static void await(List<CompletableFuture<MessageId>> sends) throws InterruptedException {
        try {
            CompletableFuture.allOf(sends.toArray(new CompletableFuture[0])).get(SEND_WAIT_MINUTES, TimeUnit.MINUTES);
        }
        catch (ExecutionException e) {
            throw new IllegalStateException("CDC.SEND_FAILED: Pulsar did not persist a change; offsets not committed: "
                    + e.getCause(), e.getCause());
        }
        catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("CDC.SEND_FAILED: Pulsar did not acknowledge within " + SEND_WAIT_MINUTES + " minutes", e);
        }
    }

    /** The broker acknowledges a deduplicated resend without storing it: ledger and entry -1. */
    private static boolean isDuplicate(MessageId id) {
        String text = id.toString();
        return text.startsWith("-1:-1");
    }

    /** Flushes and closes every producer (after the engine has stopped). */
    void close() {
        for (Producer<byte[]> producer : producers.values()) {
            try {
                producer.flush();
                producer.close();
            }
            catch (PulsarClientException e) {
                System.err.println("cdc: closing producer " + producer.getProducerName() + " failed: " + e.getMessage());
            }
        }
        producers.clear();
    }
}
