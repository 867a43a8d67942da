//! Orders, cosets, matrices and the shared argument checks.

use backend_api::{bit_reverse, bit_reverse_permute, check, Coset, Fp, HostMatrix, Matrix, Order};

#[test]
fn bit_reverse_is_an_involution() {
    assert_eq!(bit_reverse(1, 3), 4);
    assert_eq!(bit_reverse(6, 3), 3);
    assert_eq!(bit_reverse(0, 0), 0);
    for log_n in 0..10 {
        for i in 0..(1usize << log_n) {
            assert_eq!(bit_reverse(bit_reverse(i, log_n), log_n), i);
        }
    }
    let mut v: Vec<usize> = (0..16).collect();
    bit_reverse_permute(&mut v);
    assert_eq!(v, (0..16).map(|i| bit_reverse(i, 4)).collect::<Vec<_>>());
}

#[test]
fn coset_points_follow_their_order() {
    let shift = Fp::new(7);
    let nat = Coset::new(4, shift, Order::Natural);
    let rev = Coset::new(4, shift, Order::BitReversed);
    let omega = Fp::root_of_unity(4).unwrap();
    let pts = nat.points();
    let rpts = rev.points();
    for k in 0..16 {
        assert_eq!(pts[k], shift * omega.pow(k as u64));
        assert_eq!(nat.point(k), pts[k]);
        assert_eq!(rpts[k], pts[bit_reverse(k, 4)]);
        assert_eq!(rev.point(k), rpts[k]);
    }
    // Adjacent pairs of a bit-reversed coset are x and -x.
    for i in 0..8 {
        assert_eq!(rpts[2 * i + 1], -rpts[2 * i]);
    }
}

#[test]
fn matrix_is_column_major_and_checks_shape() {
    let m = HostMatrix::from_rows(&[vec![Fp::new(1), Fp::new(2)], vec![Fp::new(3), Fp::new(4)]])
        .unwrap();
    assert_eq!(
        m.buffer(),
        &vec![Fp::new(1), Fp::new(3), Fp::new(2), Fp::new(4)]
    );
    assert_eq!(m.column(1), &[Fp::new(2), Fp::new(4)]);
    assert_eq!(m.row(1), vec![Fp::new(3), Fp::new(4)]);
    assert!(Matrix::new(vec![Fp::ZERO; 3], 2, 2).is_none());
    let reshaped = m.clone().reshape(1, 4).unwrap();
    assert_eq!(reshaped.column(0).len(), 4);
    assert!(m.reshape(3, 1).is_none());
    assert!(HostMatrix::<Fp>::from_columns(&[vec![Fp::ONE], vec![]]).is_none());
}

#[test]
fn shared_checks_name_the_argument() {
    let three_rows = Matrix::new(vec![Fp::ZERO; 3], 1, 3).unwrap();
    assert_eq!(
        check::ntt(&three_rows, Fp::ONE)
            .unwrap_err()
            .invalid_argument(),
        Some("matrix")
    );
    let ok = Matrix::new(vec![Fp::ZERO; 4], 1, 4).unwrap();
    assert_eq!(check::ntt(&ok, Fp::ONE), Ok(2));
    assert_eq!(
        check::ntt(&ok, Fp::ZERO).unwrap_err().invalid_argument(),
        Some("shift")
    );
    assert_eq!(
        check::lde(&ok, 0, Fp::ONE).unwrap_err().invalid_argument(),
        Some("blowup")
    );
    assert_eq!(
        check::lde(&ok, 3, Fp::ONE).unwrap_err().invalid_argument(),
        Some("blowup")
    );
    assert_eq!(
        check::lde(&ok, 1 << 31, Fp::ONE)
            .unwrap_err()
            .invalid_argument(),
        Some("blowup")
    );
    assert_eq!(check::lde(&ok, 1 << 30, Fp::ONE), Ok((2, 30)));
    assert_eq!(
        check::grind_bits(65).unwrap_err().invalid_argument(),
        Some("bits")
    );
    assert_eq!(check::grind_bits(64), Ok(()));
    let empty: Matrix<Vec<Fp>> = Matrix::new(vec![], 0, 4).unwrap();
    assert_eq!(
        check::ntt(&empty, Fp::ONE).unwrap_err().invalid_argument(),
        Some("matrix")
    );
}

#[test]
#[should_panic(expected = "outside a 2x2 matrix")]
fn matrix_get_rejects_a_row_past_the_end() {
    let m = HostMatrix::from_rows(&[vec![Fp::new(1), Fp::new(2)], vec![Fp::new(3), Fp::new(4)]])
        .unwrap();
    // Row 2 of column 0 would alias row 0 of column 1 without the check.
    let _ = m.get(2, 0);
}
