import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;

/**
 * Verification helper (not part of the service): reads a topic from the start and prints a
 * summary, or every message with -v. Run with the service's classpath:
 *   java -cp 'services/cdc/target/lib/*' services/cdc/verify/ReadTopic.java pulsar://127.0.0.1:16650 persistent://t/ns/cdc-public-people [-v]
 * Summary: messages, distinct keys, keys seen more than once, and per producer whether sequence
 * ids strictly increase.
 */
public class ReadTopic {
    public static void main(String[] args) throws Exception {
        boolean verbose = args.length > 2 && "-v".equals(args[2]);
        try (PulsarClient client = PulsarClient.builder().serviceUrl(args[0]).build();
                Reader<byte[]> reader = client.newReader().topic(args[1]).startMessageId(MessageId.earliest).create()) {
            int count = 0;
            Map<String, Integer> perKeyOp = new HashMap<>();
            Map<String, Long> lastSeq = new HashMap<>();
            int nonIncreasing = 0;
            Message<byte[]> m;
            while ((m = reader.readNext(5, TimeUnit.SECONDS)) != null) {
                count++;
                String value = new String(m.getValue(), StandardCharsets.UTF_8);
                String op = value.replaceAll("(?s).*\"op\":\"(.)\".*", "$1");
                perKeyOp.merge(m.getKey() + " " + op, 1, Integer::sum);
                Long prev = lastSeq.put(m.getProducerName(), m.getSequenceId());
                if (prev != null && m.getSequenceId() <= prev) {
                    nonIncreasing++;
                }
                if (verbose) {
                    System.out.println(m.getMessageId() + " producer=" + m.getProducerName() + " seq=" + m.getSequenceId() + " key=" + m.getKey()
                            + " props=" + m.getProperties() + "\n  " + value);
                }
            }
            long repeated = perKeyOp.values().stream().filter(n -> n > 1).count();
            System.out.println("messages=" + count + " distinct(key,op)=" + perKeyOp.size() + " (key,op) seen more than once=" + repeated
                    + " producers=" + lastSeq.keySet() + " non-increasing sequence ids=" + nonIncreasing);
        }
    }
}
