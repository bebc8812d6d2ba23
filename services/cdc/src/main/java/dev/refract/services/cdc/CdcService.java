package dev.refract.services.cdc;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.pulsar.client.api.PulsarClient;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;

/**
 * Refract's CDC service: the Debezium embedded engine (PostgreSQL connector, pgoutput) publishing
 * every change event to Pulsar. Exit status: 0 after SIGTERM/SIGINT, 1 on any fatal error
 * (the launcher or operator restarts it; resends are dropped by the broker's deduplication).
 */
public final class CdcService {
    private CdcService() {
    }

    public static void main(String[] args) throws Exception {
        CdcConfig config;
        try {
            config = new CdcConfig(System.getenv());
        }
        catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("cdc starting: " + config.describe());

        PulsarClient client = PulsarClient.builder()
                .serviceUrl(config.pulsarUrl)
                .operationTimeout(30, TimeUnit.SECONDS)
                .connectionTimeout(10, TimeUnit.SECONDS)
                .build();
        PulsarChangeConsumer consumer = new PulsarChangeConsumer(client, config);
        AtomicInteger exitCode = new AtomicInteger(0);
        AtomicBoolean stopping = new AtomicBoolean(false);
        CountDownLatch stopped = new CountDownLatch(1);

        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(config.debezium())
                .notifying(consumer)
                .using((success, message, error) -> {
                    if (!success || error != null) {
                        exitCode.set(1);
                        System.err.println("cdc FATAL: engine stopped: " + message + (error == null ? "" : " (" + error + ")"));
                        if (error != null) {
                            error.printStackTrace();
                        }
                    }
                    else {
                        System.out.println("cdc engine stopped: " + message);
                    }
                    stopped.countDown();
                })
                .build();

        Thread hook = new Thread(() -> {
            stopping.set(true);
            System.out.println("cdc: stop requested; stopping the engine (commits what Pulsar persisted)");
            try {
                engine.close();
                stopped.await(60, TimeUnit.SECONDS);
            }
            catch (Exception e) {
                System.err.println("cdc: stopping the engine failed: " + e);
            }
            consumer.close();
            try {
                client.close();
            }
            catch (Exception e) {
                System.err.println("cdc: closing the Pulsar client failed: " + e);
            }
            System.out.println("cdc stopped");
            System.out.flush();
        }, "cdc-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "cdc-engine"));
        executor.execute(engine);
        stopped.await();
        if (stopping.get()) {
            return; // the shutdown hook finishes the job; the JVM exits with SIGTERM's status
        }
        // The engine stopped on its own: always an error for a service meant to run forever.
        if (exitCode.get() == 0) {
            exitCode.set(1);
        }
        System.err.println("cdc: exiting with status " + exitCode.get());
        Runtime.getRuntime().removeShutdownHook(hook);
        // Do not commit anything more: just flush logs and go. Unsent work is resent after a restart.
        try {
            engine.close();
        }
        catch (Exception ignored) {
            // already stopped
        }
        executor.shutdownNow();
        Runtime.getRuntime().halt(exitCode.get());
    }
}
