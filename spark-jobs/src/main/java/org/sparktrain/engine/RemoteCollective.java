package org.sparktrain.engine;

import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.server.NoOpRpcHandler;
import org.apache.spark.network.util.MapConfigProvider;
import org.apache.spark.network.util.TransportConf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker's side of the collective: sends its contribution to the driver's {@link CollectiveServer} and waits for
 * the combined result. While waiting it polls the Spark task for cancellation, so a killed round never leaves a
 * worker blocked, and it fails with a clear message after the configured timeout.
 */
final class RemoteCollective implements Collective {
    private static TransportClientFactory factory;

    private final TransportClient client;
    private final long round;
    private final int attempt;
    private final int worker;
    private final int workers;
    private final long timeoutMillis;
    private long seq;

    RemoteCollective(String host, int port, long round, int attempt, int worker, int workers, int timeoutSeconds) {
        this.round = round;
        this.attempt = attempt;
        this.worker = worker;
        this.workers = workers;
        this.timeoutMillis = timeoutSeconds * 1000L;
        try {
            this.client = factory(timeoutSeconds + 60).createClient(host, port);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("worker " + worker + " cannot reach the driver's collective server at "
                    + host + ":" + port + " (is the port reachable from executors? see spark.sparktrain.collective.port)", e);
        }
    }

    private static synchronized TransportClientFactory factory(int idleSeconds) {
        if (factory == null) {
            TransportConf conf = new TransportConf("sparktrain", new MapConfigProvider(Map.of(
                    "spark.sparktrain.io.connectionTimeout", idleSeconds + "s",
                    "spark.sparktrain.io.clientThreads", "2")));
            factory = new TransportContext(conf, new NoOpRpcHandler(), false, true).createClientFactory();
        }
        return factory;
    }

    @Override
    public Reduced allReduceSum(long tag, float[] floats, double[] doubles) {
        CollectiveMessages.Header h = header(CollectiveMessages.OP_SUM, tag);
        return CollectiveMessages.readSumResponse(call(CollectiveMessages.sumRequest(h, floats, doubles), tag));
    }

    @Override
    public byte[][] allGather(long tag, byte[] payload) {
        CollectiveMessages.Header h = header(CollectiveMessages.OP_GATHER, tag);
        return CollectiveMessages.readGatherResponse(call(CollectiveMessages.gatherRequest(h, payload), tag));
    }

    @Override
    public int workers() {
        return workers;
    }

    private CollectiveMessages.Header header(byte op, long tag) {
        return new CollectiveMessages.Header(op, round, attempt, worker, workers, seq++, tag);
    }

    private ByteBuffer call(ByteBuffer request, long tag) {
        CompletableFuture<ByteBuffer> result = new CompletableFuture<>();
        client.sendRpc(request, new RpcResponseCallback() {
            @Override
            public void onSuccess(ByteBuffer response) {
                ByteBuffer copy = ByteBuffer.allocate(response.remaining());
                copy.put(response).flip();
                result.complete(copy);
            }

            @Override
            public void onFailure(Throwable e) {
                result.completeExceptionally(e);
            }
        });
        long deadline = System.currentTimeMillis() + timeoutMillis;
        TaskContext task = TaskContext.get();
        while (true) {
            try {
                return result.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (task != null && task.isInterrupted()) {
                    throw new TaskKilledException("round cancelled while worker " + worker + " waited at step " + tag);
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("worker " + worker + " waited " + timeoutMillis / 1000
                            + " s for the other workers at step " + tag + "; a worker is missing or stuck "
                            + "(engine.collectiveTimeoutSeconds)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TaskKilledException("interrupted while waiting for the other workers");
            } catch (ExecutionException e) {
                throw new IllegalStateException("collective operation failed at step " + tag + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        }
    }
}
