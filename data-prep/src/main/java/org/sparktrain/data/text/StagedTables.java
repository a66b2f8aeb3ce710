package org.sparktrain.data.text;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas of the tables that {@link RetrievalDatasetWriter} stages before checking their ids: the final columns
 * plus the input order ({@value #SEQ}, or {@code id} for triples) and the {@code file:line} ({@value #LOCATION}).
 */
final class StagedTables {
    static final String SEQ = "seq";
    static final String LOCATION = "location";
    static final StructType QRELS = new StructType()
            .add("queryId", DataTypes.StringType, false)
            .add("docId", DataTypes.StringType, false)
            .add("relevance", DataTypes.IntegerType, false)
            .add(SEQ, DataTypes.LongType, false)
            .add(LOCATION, DataTypes.StringType, false);
    static final StructType TRIPLES = new StructType()
            .add(SEQ, DataTypes.LongType, false)
            .add("queryId", DataTypes.StringType, true)
            .add("positiveId", DataTypes.StringType, true)
            .add("negativeId", DataTypes.StringType, true)
            .add("query", DataTypes.StringType, true)
            .add("positive", DataTypes.StringType, true)
            .add("negative", DataTypes.StringType, true)
            .add(LOCATION, DataTypes.StringType, false);

    private StagedTables() {
    }
}
