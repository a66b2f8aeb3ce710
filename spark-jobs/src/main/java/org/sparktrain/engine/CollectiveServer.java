package org.sparktrain.engine;

import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.apache.spark.network.server.TransportServer;
import org.apache.spark.network.util.MapConfigProvider;
import org.apache.spark.network.util.TransportConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rendezvous of the workers' collective operations, running in the Spark driver. Built on Spark's own network
 * transport ({@code spark-network-common}: Netty-based RPC with framing and thread pools), so it adds no cluster
 * software. Each worker of a round sends its contribution to a numbered operation; when all {@code workers}
 * contributions are in, the server combines them in worker order (sums accumulated in double) and answers every
 * worker with the same result. Summed doubles of each reduction are reported to a {@link Listener} (the driver's
 * progress line and metrics).
 *
 * <p>A retried round (new stage attempt) supersedes the older attempt: its waiting operations fail at once, so
 * stale tasks can never complete an update.
 */
public final class CollectiveServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectiveServer.class);

    /** Receives the summed doubles (loss, weight, algorithm statistics) of every reduction. */
    public interface Listener {
        void onReduced(long round, long tag, double[] doubleSums);
    }

    private final TransportContext context;
    private final TransportServer server;
    private final Map<OpKey, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Long, Integer> latestAttempt = new ConcurrentHashMap<>();
    private volatile Listener listener = (r, t, d) -> {
    };

    private record OpKey(long round, int attempt, long seq) {
    }

    private static final class Pending {
        final CollectiveMessages.Header first;
        final Object[] contributions;
        final RpcResponseCallback[] callbacks;
        int arrived;

        Pending(CollectiveMessages.Header first) {
            this.first = first;
            this.contributions = new Object[first.workers()];
            this.callbacks = new RpcResponseCallback[first.workers()];
        }
    }

    /**
     * @param bindHost       interface to listen on (null = all)
     * @param port           0 for an ephemeral port
     * @param idleTimeoutSec how long a connection may be silent while a worker waits (collective timeout + margin)
     */
    public CollectiveServer(String bindHost, int port, int idleTimeoutSec) {
        TransportConf conf = new TransportConf("sparktrain", new MapConfigProvider(Map.of(
                "spark.sparktrain.io.connectionTimeout", idleTimeoutSec + "s",
                "spark.sparktrain.io.serverThreads", "2")));
        this.context = new TransportContext(conf, new Handler(), false);
        this.server = context.createServer(bindHost, port, java.util.List.of());
        LOG.info("collective server listening on port {}", server.getPort());
    }

    public int port() {
        return server.getPort();
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** Fails and forgets every operation still waiting in {@code round} (called when a round ends or fails). */
    public void closeRound(long round, String reason) {
        pending.entrySet().removeIf(e -> {
            if (e.getKey().round() == round) {
                failAll(e.getValue(), reason);
                return true;
            }
            return false;
        });
        latestAttempt.remove(round);
    }

    @Override
    public void close() {
        pending.values().forEach(p -> failAll(p, "collective server stopped"));
        pending.clear();
        server.close();
        context.close();
    }

    private final class Handler extends RpcHandler {
        private final StreamManager streams = new OneForOneStreamManager();

        @Override
        public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
            try {
                handle(message, callback);
            } catch (RuntimeException e) {
                LOG.error("bad collective request", e);
                callback.onFailure(e);
            }
        }

        @Override
        public StreamManager getStreamManager() {
            return streams;
        }
    }

    private void handle(ByteBuffer message, RpcResponseCallback callback) {
        CollectiveMessages.Header h = CollectiveMessages.readHeader(message);
        Object contribution;
        if (h.op() == CollectiveMessages.OP_SUM) {
            contribution = CollectiveMessages.readSumBody(message);
        } else if (h.op() == CollectiveMessages.OP_GATHER) {
            byte[] bytes = new byte[message.getInt()];
            message.get(bytes);
            contribution = bytes;
        } else {
            throw new IllegalArgumentException("unknown collective op " + h.op());
        }
        supersedeOlderAttempts(h);
        Pending done = null;
        OpKey key = new OpKey(h.round(), h.attempt(), h.seq());
        synchronized (this) {
            Pending p = pending.computeIfAbsent(key, k -> new Pending(h));
            if (p.first.op() != h.op() || p.first.workers() != h.workers() || p.first.tag() != h.tag()) {
                throw new IllegalStateException("worker " + h.worker() + " is out of step: operation " + h.seq()
                        + " of round " + h.round() + " is (op " + p.first.op() + ", step " + p.first.tag()
                        + ") on other workers but (op " + h.op() + ", step " + h.tag() + ") on this one");
            }
            if (p.contributions[h.worker()] != null) {
                throw new IllegalStateException("worker " + h.worker() + " sent operation " + h.seq() + " twice");
            }
            p.contributions[h.worker()] = contribution;
            p.callbacks[h.worker()] = callback;
            if (++p.arrived == h.workers()) {
                pending.remove(key);
                done = p;
            }
        }
        if (done != null) {
            complete(done);
        }
    }

    private void supersedeOlderAttempts(CollectiveMessages.Header h) {
        Integer previous = latestAttempt.put(h.round(), h.attempt());
        if (previous != null && previous < h.attempt()) {
            LOG.warn("round {} restarted as attempt {}; failing operations of attempt {}", h.round(), h.attempt(), previous);
            pending.entrySet().removeIf(e -> {
                if (e.getKey().round() == h.round() && e.getKey().attempt() < h.attempt()) {
                    failAll(e.getValue(), "superseded by attempt " + h.attempt());
                    return true;
                }
                return false;
            });
        } else if (previous != null && previous > h.attempt()) {
            latestAttempt.put(h.round(), previous);
            throw new IllegalStateException("stale attempt " + h.attempt() + " of round " + h.round());
        }
    }

    private void complete(Pending p) {
        ByteBuffer response;
        if (p.first.op() == CollectiveMessages.OP_SUM) {
            Collective.Reduced first = (Collective.Reduced) p.contributions[0];
            int nf = first.floats().length;
            int nd = first.doubles().length;
            double[] fsum = new double[nf];
            double[] dsum = new double[nd];
            for (Object c : p.contributions) {
                Collective.Reduced r = (Collective.Reduced) c;
                if (r.floats().length != nf || r.doubles().length != nd) {
                    failAll(p, "workers sent reductions of different sizes");
                    return;
                }
                float[] f = r.floats();
                for (int i = 0; i < nf; i++) {
                    fsum[i] += f[i];
                }
                double[] d = r.doubles();
                for (int i = 0; i < nd; i++) {
                    dsum[i] += d[i];
                }
            }
            float[] out = new float[nf];
            for (int i = 0; i < nf; i++) {
                out[i] = (float) fsum[i];
            }
            response = CollectiveMessages.sumResponse(out, dsum);
            try {
                listener.onReduced(p.first.round(), p.first.tag(), dsum);
            } catch (RuntimeException e) {
                LOG.warn("progress listener failed", e);
            }
        } else {
            byte[][] all = new byte[p.contributions.length][];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte[]) p.contributions[i];
            }
            response = CollectiveMessages.gatherResponse(all);
        }
        for (RpcResponseCallback cb : p.callbacks) {
            cb.onSuccess(response.duplicate());
        }
    }

    private static void failAll(Pending p, String reason) {
        for (RpcResponseCallback cb : p.callbacks) {
            if (cb != null) {
                cb.onFailure(new IllegalStateException("collective operation cancelled: " + reason));
            }
        }
    }
}
