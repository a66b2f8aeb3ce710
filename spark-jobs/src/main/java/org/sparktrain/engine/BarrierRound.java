package org.sparktrain.engine;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.List;

/**
 * Runs one round as a Spark barrier stage ({@code RDD.barrier().mapPartitions}): Spark starts all workers' tasks
 * together and, if any fails, retries them together, which the collective needs. Each task reads its shard and
 * per-record state block and runs {@link RoundTask}.
 */
final class BarrierRound extends AbstractFunction1<Iterator<Tuple2<Shard, float[]>>, Iterator<RoundOutput>>
        implements Serializable {
    private final Broadcast<byte[]> spec;

    private BarrierRound(Broadcast<byte[]> spec) {
        this.spec = spec;
    }

    static JavaRDD<RoundOutput> run(JavaRDD<Tuple2<Shard, float[]>> input, Broadcast<byte[]> spec) {
        RDD<RoundOutput> out = input.rdd().barrier()
                .mapPartitions(new BarrierRound(spec), false, ClassTag$.MODULE$.apply(RoundOutput.class));
        return JavaRDD.fromRDD(out, ClassTag$.MODULE$.apply(RoundOutput.class));
    }

    @Override
    public Iterator<RoundOutput> apply(Iterator<Tuple2<Shard, float[]>> partition) {
        Tuple2<Shard, float[]> input = partition.next();
        RoundSpec roundSpec = decode(spec.value());
        float[] recordState = input._2() == null ? null : input._2().clone();
        RoundOutput out = RoundTask.run(roundSpec, input._1(), recordState);
        return JavaConverters.asScalaIterator(List.of(out).iterator());
    }

    static RoundSpec decode(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                return Class.forName(desc.getName(), false, Thread.currentThread().getContextClassLoader());
            }
        }) {
            return (RoundSpec) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot decode the round specification", e);
        }
    }
}
