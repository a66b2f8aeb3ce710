#!/usr/bin/python3
"""Independent reference for sparktrain's retrieval metrics (standard library only).

Usage: trec_metrics.py QRELS RUN MIN_RELEVANCE
QRELS: 'qid iter docid rel' lines; RUN: 'qid Q0 docid rank score tag' lines.
Prints one line per evaluated query (queries of the qrels with at least one relevant document):
'qid mrr@10 ndcg@10 recall@100 map@100' with repr() floats.

Definitions (trec_eval conventions): documents ranked by score descending, ties by docid descending (the rank
column is ignored); relevant = rel >= MIN_RELEVANCE; nDCG uses gain 2**rel - 1 and discount log2(rank + 1), ideal
ranking = all judged documents by relevance; MAP@k divides by the number of relevant documents R.
"""
import math
import sys


def read_qrels(path):
    qrels = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            qid, _, docid, rel = line.split()
            qrels.setdefault(qid, {})[docid] = max(0, int(rel))
    return qrels


def read_run(path):
    run = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            qid, _, docid, _, score, _ = line.split()
            run.setdefault(qid, []).append((float(score), docid))
    for qid in run:
        run[qid].sort(reverse=True)  # score desc, then docid desc, as trec_eval
        run[qid] = [docid for _, docid in run[qid]]
    return run


def main():
    qrels = read_qrels(sys.argv[1])
    run = read_run(sys.argv[2])
    level = int(sys.argv[3])
    for qid, judged in qrels.items():
        n_rel = sum(1 for r in judged.values() if r >= level)
        if n_rel == 0:
            continue
        ranked = run.get(qid, [])
        rr = 0.0
        for i, d in enumerate(ranked[:10]):
            if judged.get(d, 0) >= level:
                rr = 1.0 / (i + 1)
                break
        dcg = sum((2 ** judged.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
        ideal = sorted(judged.values(), reverse=True)[:10]
        idcg = sum((2 ** r - 1) / math.log2(i + 2) for i, r in enumerate(ideal))
        ndcg = dcg / idcg if idcg > 0 else 0.0
        hits = [1 if judged.get(d, 0) >= level else 0 for d in ranked[:100]]
        recall = sum(hits) / n_rel
        ap = 0.0
        seen = 0
        for i, h in enumerate(hits):
            if h:
                seen += 1
                ap += seen / (i + 1)
        ap /= n_rel
        print(qid, repr(rr), repr(ndcg), repr(recall), repr(ap))


if __name__ == "__main__":
    main()
