package org.sparktrain.data;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A bounded batch of consecutive records (ids {@code firstId..firstId+size-1}) held in flat arrays on the driver, and
 * its transport form: {@link #pack} cuts it into at most N byte arrays (one per Spark partition), which
 * {@link Decoder} turns back into {@code (id, features, label)} rows on the executors.
 *
 * <p>Shipping plain {@code byte[]} keeps the data path independent of the configured serializer (Kryo with
 * {@code registrationRequired} included) and compact. Slice layout, big-endian: {@code long firstId, int n,
 * int featureSize, int realLabels, n x int label, n x featureSize x float features}. With {@code realLabels} 1
 * (regression) each label int holds the bits of a float ({@link Float#floatToRawIntBits}) and decodes to a
 * {@code Float}; otherwise to an {@code Integer} class index.
 */
final class RecordChunk {
    private static final int HEADER = 8 + 4 + 4 + 4;
    private static final int INITIAL_RECORDS = 1024;
    private final int featureSize;
    private final int capacity;
    private final boolean realLabels;
    private int[] labels;
    private float[] features;
    private long firstId;
    private int size;

    /** A chunk of up to {@code capacity} records with class labels; its arrays grow on demand. */
    RecordChunk(int featureSize, int capacity) {
        this(featureSize, capacity, false);
    }

    /** A chunk of up to {@code capacity} records, with float labels when {@code realLabels}. */
    RecordChunk(int featureSize, int capacity, boolean realLabels) {
        Math.multiplyExact(capacity, featureSize); // the flat features array must be addressable
        this.featureSize = featureSize;
        this.capacity = capacity;
        this.realLabels = realLabels;
        int initial = Math.min(capacity, INITIAL_RECORDS);
        this.labels = new int[initial];
        this.features = new float[initial * featureSize];
    }

    /** Empties the chunk; the next record added gets id {@code nextId}. */
    void reset(long nextId) {
        this.firstId = nextId;
        this.size = 0;
    }

    /** Appends a record with a real-valued label (its features are copied); for chunks with real labels. */
    void add(float[] recordFeatures, float target) {
        add(recordFeatures, Float.floatToRawIntBits(target));
    }

    /** Appends a record (its features are copied); {@code label} is a class index, or float bits for real labels. */
    void add(float[] recordFeatures, int label) {
        if (isFull()) {
            throw new IllegalStateException("chunk is full");
        }
        if (size == labels.length) {
            int grown = (int) Math.min(capacity, 2L * labels.length);
            labels = Arrays.copyOf(labels, grown);
            features = Arrays.copyOf(features, grown * featureSize);
        }
        System.arraycopy(recordFeatures, 0, features, size * featureSize, featureSize);
        labels[size++] = label;
    }

    boolean isFull() {
        return size == capacity;
    }

    int size() {
        return size;
    }

    /** The records cut into at most {@code slices} contiguous, equally sized parts; one empty part if empty. */
    List<byte[]> pack(int slices) {
        int parts = Math.max(1, Math.min(slices, size));
        List<byte[]> out = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) size * p / parts);
            int to = (int) ((long) size * (p + 1) / parts);
            int n = to - from;
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(HEADER + 4L * n + 4L * n * featureSize));
            buf.putLong(firstId + from).putInt(n).putInt(featureSize).putInt(realLabels ? 1 : 0);
            buf.asIntBuffer().put(labels, from, n);
            buf.position(buf.position() + 4 * n);
            buf.asFloatBuffer().put(features, from * featureSize, n * featureSize);
            out.add(buf.array());
        }
        return out;
    }

    /** Executor side of {@link #pack}: one slice to its rows, created lazily. */
    static final class Decoder implements FlatMapFunction<byte[], Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(byte[] slice) {
            ByteBuffer buf = ByteBuffer.wrap(slice);
            long first = buf.getLong();
            int n = buf.getInt();
            int featureSize = buf.getInt();
            boolean real = buf.getInt() == 1;
            int labelsAt = HEADER;
            FloatBuffer floats = ByteBuffer.wrap(slice, HEADER + 4 * n, slice.length - HEADER - 4 * n).asFloatBuffer();
            return new Iterator<>() {
                private int i;

                @Override
                public boolean hasNext() {
                    return i < n;
                }

                @Override
                public Row next() {
                    if (i >= n) {
                        throw new NoSuchElementException();
                    }
                    float[] f = new float[featureSize];
                    floats.get(f);
                    int bits = buf.getInt(labelsAt + 4 * i);
                    Row row = RowFactory.create(first + i, f, real ? (Object) Float.intBitsToFloat(bits) : (Object) bits);
                    i++;
                    return row;
                }
            };
        }
    }
}
