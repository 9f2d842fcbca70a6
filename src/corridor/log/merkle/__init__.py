"""RFC 6962/9162 Merkle trees, split as transparency-dev/merkle is: hashing (`hashing`), building
roots and proofs from stored subtrees (`proofs`), verifying proofs (`verify`) and the compact
range an auditor streams through (`compact`). The names are gathered here so that callers write
`merkle.leaf_hash`, `merkle.verify_inclusion` whichever part they come from."""

from corridor.log.merkle.compact import CompactRange
from corridor.log.merkle.hashing import (
    EMPTY_ROOT,
    HASH_SIZE,
    NodeKey,
    ProofError,
    Range,
    leaf_hash,
    node_hash,
)
from corridor.log.merkle.proofs import (
    consistency_proof,
    consistency_proof_from_nodes,
    inclusion_proof,
    inclusion_proof_from_nodes,
    new_nodes_on_append,
    nodes_for_append,
    nodes_for_consistency,
    nodes_for_inclusion,
    nodes_for_root,
    root,
    root_from_nodes,
)
from corridor.log.merkle.verify import verify_consistency, verify_inclusion

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "NodeKey",
    "ProofError",
    "Range",
    "consistency_proof",
    "consistency_proof_from_nodes",
    "inclusion_proof",
    "inclusion_proof_from_nodes",
    "leaf_hash",
    "new_nodes_on_append",
    "node_hash",
    "nodes_for_append",
    "nodes_for_consistency",
    "nodes_for_inclusion",
    "nodes_for_root",
    "root",
    "root_from_nodes",
    "verify_consistency",
    "verify_inclusion",
]
