package org.sparktrain.losses.retrieval;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One worker's view of a global batch that is the concatenation of every worker's triples in worker order.
 *
 * <p>The worker holds the queries of its own block ({@code localQueries}, b×dim) and the gathered document
 * embeddings of the whole global batch ({@code globalPositives}, {@code globalNegatives}, G×dim). Its block starts
 * at row {@code offset} of the global batch, so the positive of local query r is global row {@code offset + r}
 * (not row r: that misalignment is the bug this type exists to prevent).
 *
 * <p>{@code globalQueries} (G×dim, rows {@code [offset, offset+b)} equal to {@code localQueries}) is needed only when
 * a loss entry of a local row uses another triple's query score, i.e. {@link RelevanceMarginLoss} with the
 * {@link MarginReading#BROADCAST} reading and in-batch negatives or the distributed target; otherwise it may be null.
 */
public record WorkerTriples(INDArray localQueries, INDArray globalPositives, INDArray globalNegatives, int offset,
                            INDArray globalQueries) {

    public WorkerTriples(INDArray localQueries, INDArray globalPositives, INDArray globalNegatives, int offset) {
        this(localQueries, globalPositives, globalNegatives, offset, null);
    }

    /** The single-batch case: one worker holding the whole batch. */
    public static WorkerTriples whole(TripleEmbeddings batch) {
        return new WorkerTriples(batch.queries(), batch.positives(), batch.negatives(), 0, batch.queries());
    }
}
