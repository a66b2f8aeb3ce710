package org.sparktrain.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Downloads one URL to a local file with {@link HttpClient}: a connect timeout, an overall deadline, redirects
 * followed, the JVM's proxy settings ({@code -Dhttps.proxyHost/-Dhttps.proxyPort}) honoured, progress logged every
 * 10% (or every 4 MiB when the size is unknown). Every failure (host unknown, connection refused, timeout, HTTP
 * status other than 200) is a {@link DataUnavailableException} naming the URL and the cause; {@code hint} is
 * appended to say what else the user can do.
 */
public final class HttpDownload {
    private static final Logger LOG = LoggerFactory.getLogger(HttpDownload.class);

    private HttpDownload() {
    }

    /** Downloads {@code url} into {@code target} (created or replaced); returns the number of bytes. */
    public static long download(URI url, Path target, Duration connectTimeout, Duration deadline, String hint) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(ProxySelector.getDefault())
                .build();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(deadline)
                .header("User-Agent", "sparktrain-data-prep/" + BuildInfo.version())
                .GET()
                .build();
        ProgressSubscriber[] progress = new ProgressSubscriber[1];
        HttpResponse.BodyHandler<Path> handler = info -> {
            if (info.statusCode() != 200) {
                return HttpResponse.BodySubscribers.replacing(null);
            }
            long length = info.headers().firstValueAsLong("content-length").orElse(-1);
            progress[0] = new ProgressSubscriber(HttpResponse.BodySubscribers.ofFile(target), length, url);
            return progress[0];
        };
        LOG.info("downloading {} to {}", url, target);
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<Path>> future = client.sendAsync(request, handler);
        HttpResponse<Path> response;
        try {
            response = future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DataUnavailableException("download of " + url + " did not finish within " + deadline.toSeconds()
                    + " s. " + hint, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new DataUnavailableException("download of " + url + " was interrupted", e);
        } catch (ExecutionException e) {
            throw new DataUnavailableException("cannot download " + url + ": " + describe(e.getCause()) + ". " + hint,
                    e.getCause());
        }
        if (response.statusCode() != 200) {
            throw new DataUnavailableException("cannot download " + url + ": HTTP status " + response.statusCode()
                    + ". " + hint);
        }
        long bytes = progress[0].received;
        LOG.info("downloaded {} bytes from {} in {} ms", bytes, url, (System.nanoTime() - start) / 1_000_000);
        return bytes;
    }

    /** A one-line reason for a network failure, from the first telling exception in the cause chain. */
    static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) {
                return "connection timed out (offline, or no route to the host) [" + c + "]";
            }
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return "host name does not resolve (offline, or no DNS) [" + c + "]";
            }
            if (c instanceof ConnectException) {
                return "connection refused or unreachable (offline, or a firewall/proxy blocks it) [" + c + "]";
            }
            if (c instanceof HttpTimeoutException) {
                return "no response in time [" + c + "]";
            }
        }
        return String.valueOf(t);
    }

    /** Counts and logs the body bytes on their way to the file subscriber. */
    private static final class ProgressSubscriber implements HttpResponse.BodySubscriber<Path> {
        private final HttpResponse.BodySubscriber<Path> delegate;
        private final long length;
        private final URI url;
        private long received;
        private long nextLog;

        ProgressSubscriber(HttpResponse.BodySubscriber<Path> delegate, long length, URI url) {
            this.delegate = delegate;
            this.length = length;
            this.url = url;
            this.nextLog = step();
        }

        private long step() {
            return length > 0 ? Math.max(1, length / 10) : 4L << 20;
        }

        @Override
        public CompletionStage<Path> getBody() {
            return delegate.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            delegate.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                received += b.remaining();
            }
            if (received >= nextLog) {
                if (length > 0) {
                    LOG.info("{}: {}% ({} of {} bytes)", url, received * 100 / length, received, length);
                } else {
                    LOG.info("{}: {} bytes", url, received);
                }
                nextLog = received + step();
            }
            delegate.onNext(items);
        }

        @Override
        public void onError(Throwable throwable) {
            delegate.onError(throwable);
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }
    }
}
