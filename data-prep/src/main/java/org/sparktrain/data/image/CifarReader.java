package org.sparktrain.data.image;

import org.sparktrain.data.BadInputException;
import org.sparktrain.data.BadRecords;
import org.sparktrain.data.DatasetManifest;
import org.sparktrain.data.SourceFile;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streaming reader of one CIFAR-10 or CIFAR-100 binary batch file (raw or gzipped, any Hadoop path), record by
 * record; memory use is one record. See {@link CifarFormat} for the layout.
 *
 * <p>Bad records go to the {@link BadRecords} policy, located as {@code <file> record <n>} (0-based) with the byte
 * offset: a record cut short by the end of the file ({@link BadRecords#TRUNCATED_RECORD}; nothing follows it), a
 * label byte outside the classes ({@link BadRecords#BAD_LABEL}) and a file without any record
 * ({@link BadRecords#EMPTY_FILE}). A skipped record is left out and reading goes on.
 */
public final class CifarReader implements Iterator<CifarRecord>, Closeable {
    private final SourceFile file;
    private final CifarFormat format;
    private final BadRecords bad;
    private final InputStream in;
    private final byte[] record;
    private CifarRecord next;
    private int index;
    private boolean done;

    /** Reads {@code file} in {@code format}; bad records are handled by {@code bad}. */
    public CifarReader(SourceFile file, CifarFormat format, BadRecords bad) {
        this.file = file;
        this.format = format;
        this.bad = bad;
        this.in = file.stream();
        this.record = new byte[format.recordBytes()];
    }

    /** The file's manifest entry (size, SHA-256); call after the last record. */
    public DatasetManifest.Source source() {
        return file.finish();
    }

    /** Records read so far, good or bad. */
    public int recordsRead() {
        return index;
    }

    @Override
    public boolean hasNext() {
        while (next == null && !done) {
            next = readRecord();
        }
        return next != null;
    }

    @Override
    public CifarRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException("all records of " + file.name() + " were read");
        }
        CifarRecord r = next;
        next = null;
        return r;
    }

    /** The next good record, or null after a skipped one or at the end (then {@code done}). */
    private CifarRecord readRecord() {
        int n = readFully();
        int at = index++;
        String where = file.name() + " record " + at;
        if (n == 0) {
            done = true;
            index--;
            if (index == 0) {
                bad.reject(BadRecords.EMPTY_FILE, file.name(), "CIFAR batch file is empty (no records)");
            }
            return null;
        }
        if (n < record.length) {
            done = true;
            bad.reject(BadRecords.TRUNCATED_RECORD, where, "truncated CIFAR record at byte offset "
                    + (long) at * record.length + ": " + n + " of " + record.length + " bytes (" + format.labelBytes()
                    + " label + " + CifarFormat.IMAGE_BYTES + " pixel bytes per record)");
            return null;
        }
        int coarse = -1;
        int label;
        if (format.labelBytes() == 2) {
            coarse = record[0] & 0xff;
            label = record[1] & 0xff;
            if (coarse >= format.numCoarseClasses()) {
                bad.reject(BadRecords.BAD_LABEL, where, "coarse label " + coarse + " is not below "
                        + format.numCoarseClasses());
                return null;
            }
        } else {
            label = record[0] & 0xff;
        }
        if (label >= format.numClasses()) {
            bad.reject(BadRecords.BAD_LABEL, where, "label " + label + " is not below " + format.numClasses());
            return null;
        }
        byte[] pixels = new byte[CifarFormat.IMAGE_BYTES];
        System.arraycopy(record, format.labelBytes(), pixels, 0, pixels.length);
        return new CifarRecord(at, label, coarse, pixels);
    }

    /** Fills {@code record} as far as the file allows; returns the bytes read (0 at a clean end). */
    private int readFully() {
        int total = 0;
        try {
            while (total < record.length) {
                int n = in.read(record, total, record.length - total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            throw new BadInputException(file.name() + " record " + index + ": cannot be read: " + e.getMessage(), e);
        }
        return total;
    }

    @Override
    public void close() {
        file.close();
    }
}
