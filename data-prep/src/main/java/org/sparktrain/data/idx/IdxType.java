package org.sparktrain.data.idx;

/**
 * The two IDX file kinds sparktrain reads: unsigned-byte images (magic {@code 0x00000803}, dimensions count, rows,
 * cols) and unsigned-byte labels (magic {@code 0x00000801}, dimension count). The magic number is the big-endian int
 * {@code 0x0000 | type code | number of dimensions}; type code {@code 0x08} is unsigned byte.
 */
public enum IdxType {
    /** {@code 0x00000803}: count x rows x cols unsigned bytes, row-major. */
    IMAGES(0x00000803, 3, "images"),
    /** {@code 0x00000801}: count unsigned bytes. */
    LABELS(0x00000801, 1, "labels");

    /** The type code of unsigned bytes, the only element type of MNIST-style files. */
    public static final int UBYTE = 0x08;

    private final int magic;
    private final int dimensions;
    private final String description;

    IdxType(int magic, int dimensions, String description) {
        this.magic = magic;
        this.dimensions = dimensions;
        this.description = description;
    }

    public int magic() {
        return magic;
    }

    public int dimensions() {
        return dimensions;
    }

    /** {@code 0x00000803 (images)}: the form used in error messages. */
    public String describe() {
        return hex(magic) + " (" + description + ")";
    }

    /** The kind with this exact magic number, or {@code null}. */
    public static IdxType ofMagic(int magic) {
        for (IdxType t : values()) {
            if (t.magic == magic) {
                return t;
            }
        }
        return null;
    }

    /** The name of an IDX element type code, for error messages. */
    public static String typeCodeName(int code) {
        switch (code) {
            case 0x08: return "unsigned byte";
            case 0x09: return "signed byte";
            case 0x0B: return "short";
            case 0x0C: return "int";
            case 0x0D: return "float";
            case 0x0E: return "double";
            default: return "unknown";
        }
    }

    static String hex(int value) {
        return String.format("0x%08X", value);
    }
}
