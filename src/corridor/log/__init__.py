"""The verifiable log: canonical JSON, Merkle proofs, signed checkpoints, cosignatures, tiles."""
