//! Keccak-256 known answers, Merkle path verification and the PoW predicate.

use backend_api::{
    hash_leaf, hash_node, keccak256, leading_zero_bits, pow_digest, pow_is_valid,
    verify_merkle_path, Fp, Fp3, MerklePathError, LEAF_PREFIX, NODE_PREFIX,
};

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn keccak256_is_original_keccak_not_sha3() {
    // Keccak-256("") differs from SHA3-256("") (a7ffc6f8...): padding 0x01, not 0x06.
    assert_eq!(
        hex(&keccak256(b"")),
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    );
    assert_eq!(
        hex(&keccak256(b"abc")),
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    );
}

#[test]
fn leaf_hash_is_keccak_of_prefix_and_canonical_bytes() {
    let vals = [Fp::new(1), Fp::new(2)];
    let mut bytes = vec![0u8; 8];
    bytes.extend_from_slice(&1u64.to_be_bytes());
    bytes.extend_from_slice(&2u64.to_be_bytes());
    assert_eq!(hash_leaf(&vals), keccak256(&bytes));
    let e = [Fp3::new(Fp::new(1), Fp::new(2), Fp::new(3))];
    let bytes = [&LEAF_PREFIX[..], &e[0].to_bytes()].concat();
    assert_eq!(hash_leaf(&e), keccak256(&bytes));
}

#[test]
fn leaves_and_nodes_are_domain_separated() {
    assert_eq!(LEAF_PREFIX, [0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(NODE_PREFIX, [1, 0, 0, 0, 0, 0, 0, 0]);
    let (l, r) = ([7u8; 32], [9u8; 32]);
    let node = hash_node(&l, &r);
    assert_eq!(node, keccak256(&[&NODE_PREFIX[..], &l, &r].concat()));
    // A leaf of eight base elements has exactly the bytes of `left || right`
    // after its prefix; the tags keep the two digests apart.
    let words: Vec<Fp> = [l, r]
        .concat()
        .chunks(8)
        .map(|w| Fp::from_bytes(w.try_into().unwrap()).unwrap())
        .collect();
    assert_ne!(hash_leaf(&words), node);
    assert_eq!(
        hash_leaf(&words),
        keccak256(&[&LEAF_PREFIX[..], &l, &r].concat())
    );
}

#[test]
fn merkle_path_verifies_and_rejects() {
    let leaves: Vec<_> = (0..8u64).map(|i| hash_leaf(&[Fp::new(i)])).collect();
    let mut levels = vec![leaves.clone()];
    while levels.last().unwrap().len() > 1 {
        let prev = levels.last().unwrap();
        levels.push(prev.chunks(2).map(|p| hash_node(&p[0], &p[1])).collect());
    }
    let root = levels.last().unwrap()[0];
    for idx in 0..8 {
        let path: Vec<_> = (0..3).map(|l| levels[l][(idx >> l) ^ 1]).collect();
        assert_eq!(
            verify_merkle_path(&root, 8, idx, leaves[idx], &path),
            Ok(())
        );
        assert_eq!(
            verify_merkle_path(&root, 8, idx ^ 1, leaves[idx], &path),
            Err(MerklePathError::RootMismatch)
        );
        assert!(matches!(
            verify_merkle_path(&root, 8, idx, leaves[idx], &path[..2]),
            Err(MerklePathError::PathLength { .. })
        ));
    }
    assert!(matches!(
        verify_merkle_path(&root, 8, 8, leaves[0], &[]),
        Err(MerklePathError::IndexOutOfRange { .. })
    ));
    assert_eq!(verify_merkle_path(&leaves[0], 1, 0, leaves[0], &[]), Ok(()));
}

#[test]
fn pow_predicate_counts_leading_zero_bits() {
    assert_eq!(leading_zero_bits(&[0u8; 32]), 256);
    let mut d = [0u8; 32];
    d[1] = 0b0001_0000;
    assert_eq!(leading_zero_bits(&d), 11);
    let seed = keccak256(b"seed");
    // The smallest nonce with 8 bits, found linearly, satisfies the predicate
    // and no smaller one does.
    let n = (0u64..).find(|&n| pow_digest(&seed, n)[0] == 0).unwrap();
    assert!(pow_is_valid(&seed, n, 8));
    assert!((0..n).all(|m| !pow_is_valid(&seed, m, 8)));
    assert!(pow_is_valid(&seed, 0, 0));
}
