package org.sparktrain.data.idx;

import org.sparktrain.data.BadInputException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The header of an IDX file: its kind and dimensions. For {@link IdxType#LABELS} files {@code rows} and
 * {@code cols} are 1, so {@link #recordSize()} is the number of bytes of one record in both kinds.
 *
 * @param type  images or labels
 * @param count number of records (first dimension), positive
 * @param rows  image height, positive (1 for labels)
 * @param cols  image width, positive (1 for labels)
 */
public record IdxHeader(IdxType type, int count, int rows, int cols) {
    public IdxHeader {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        if (count <= 0 || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("IDX dimensions must be positive: " + count + " x " + rows + " x " + cols);
        }
        if ((long) rows * cols > IdxReader.MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("IDX record of " + rows + " x " + cols + " bytes is too large");
        }
    }

    /** Bytes per record: rows x cols for images, 1 for labels. */
    public int recordSize() {
        return rows * cols;
    }

    /** Bytes of the header itself: the magic plus one int per dimension. */
    public int headerBytes() {
        return 4 + 4 * type.dimensions();
    }

    /**
     * Parses and validates a header from the start of {@code data}; {@code expected} restricts the kind (or
     * {@code null}). Every failure is a {@link BadInputException} naming {@code source}.
     */
    static IdxHeader read(DataInputStream data, String source, IdxType expected) throws IOException {
        int magic = readHeaderInt(data, source, "the magic number");
        String expectedText = expected != null ? expected.describe()
                : IdxType.IMAGES.describe() + " or " + IdxType.LABELS.describe();
        if ((magic >>> 16) != 0) {
            throw new BadInputException("IDX file " + source + " has a corrupt magic number: expected " + expectedText
                    + ", found " + IdxType.hex(magic) + " (not an IDX file, or damaged)");
        }
        int typeCode = (magic >>> 8) & 0xff;
        if (typeCode != IdxType.UBYTE) {
            throw new BadInputException("IDX file " + source + " has unsupported type code " + String.format("0x%02X", typeCode)
                    + " (" + IdxType.typeCodeName(typeCode) + ") in magic " + IdxType.hex(magic)
                    + "; only 0x08 (unsigned byte) is supported, expected " + expectedText);
        }
        IdxType type = IdxType.ofMagic(magic);
        if (type == null) {
            throw new BadInputException("IDX file " + source + " has " + (magic & 0xff) + " dimensions (magic "
                    + IdxType.hex(magic) + "); expected " + expectedText);
        }
        if (expected != null && type != expected) {
            throw new BadInputException("IDX file " + source + " is of the wrong kind: expected magic " + expected.describe()
                    + ", found " + type.describe());
        }
        String[] names = type == IdxType.IMAGES ? new String[] {"count", "rows", "cols"} : new String[] {"count"};
        int[] dims = {1, 1, 1};
        for (int i = 0; i < names.length; i++) {
            long value = Integer.toUnsignedLong(readHeaderInt(data, source, "dimension " + names[i]));
            if (value <= 0 || value > Integer.MAX_VALUE) {
                throw new BadInputException("IDX file " + source + " has dimension " + names[i] + " = " + value
                        + "; every dimension must be positive (and below 2^31)");
            }
            dims[i] = (int) value;
        }
        if ((long) dims[1] * dims[2] > IdxReader.MAX_RECORD_BYTES) {
            throw new BadInputException("IDX file " + source + " declares images of " + dims[1] + " x " + dims[2]
                    + " pixels, more than " + IdxReader.MAX_RECORD_BYTES + " bytes per record (corrupt header?)");
        }
        return new IdxHeader(type, dims[0], dims[1], dims[2]);
    }

    private static int readHeaderInt(DataInputStream data, String source, String what) throws IOException {
        try {
            return data.readInt();
        } catch (EOFException e) {
            throw new BadInputException("IDX file " + source + " is truncated: it ends inside the header, before "
                    + what, e);
        }
    }
}
