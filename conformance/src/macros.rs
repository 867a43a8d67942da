//! [`conformance_suite!`]: one `#[test]` per suite check.

/// Instantiates the conformance suite for a device: a module `$name` with one
/// `#[test]` per check of [`suite`](crate::suite), each building the device
/// with `$device` and running the check with `$config`.
///
/// ```ignore
/// conformance::conformance_suite!(cpu, backend_cpu::CpuDevice::new(), conformance::SuiteConfig::small());
/// conformance::conformance_suite!(
///     cuda,
///     backend_cuda::CudaDevice::new(0).expect("CUDA device"),
///     conformance::SuiteConfig::gpu(),
///     ignore = "needs a CUDA device"
/// );
/// ```
///
/// The generated module does `use super::*`, so `$device` may name items of
/// the invoking file.
#[macro_export]
macro_rules! conformance_suite {
    ($name:ident, $device:expr, $config:expr $(,)?) => {
        $crate::conformance_suite!(@module $name, $device, $config, []);
    };
    ($name:ident, $device:expr, $config:expr, ignore = $reason:literal $(,)?) => {
        $crate::conformance_suite!(@module $name, $device, $config, [$reason]);
    };
    (@module $name:ident, $device:expr, $config:expr, $ignore:tt) => {
        #[allow(non_snake_case)]
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $crate::__conformance_test!(bad_ntt_height_not_power_of_two, $device, $config, $ignore);
            $crate::__conformance_test!(bad_ntt_height_zero, $device, $config, $ignore);
            $crate::__conformance_test!(bad_ntt_zero_columns, $device, $config, $ignore);
            $crate::__conformance_test!(bad_ntt_shift_zero, $device, $config, $ignore);
            $crate::__conformance_test!(bad_lde_blowup_zero, $device, $config, $ignore);
            $crate::__conformance_test!(bad_lde_blowup_not_power_of_two, $device, $config, $ignore);
            $crate::__conformance_test!(bad_lde_log_n_over_32, $device, $config, $ignore);
            $crate::__conformance_test!(bad_coeffs_to_coset_blowup_too_large, $device, $config, $ignore);
            $crate::__conformance_test!(bad_coeffs_to_coset_blowup_zero, $device, $config, $ignore);
            $crate::__conformance_test!(bad_lde_height_not_power_of_two, $device, $config, $ignore);
            $crate::__conformance_test!(bad_lde_zero_columns, $device, $config, $ignore);
            $crate::__conformance_test!(bad_lde_shift_zero, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_no_matrices, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_mismatched_heights, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_zero_columns, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_height_not_power_of_two, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_rows_per_leaf_zero, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_rows_per_leaf_not_power_of_two, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_rows_per_leaf_above_height, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_open_index_out_of_range, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_open_shape_mismatch, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_tables_no_matrices, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_tables_zero_columns, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_tables_height_not_power_of_two, $device, $config, $ignore);
            $crate::__conformance_test!(bad_merkle_open_tables_heights_mismatch, $device, $config, $ignore);
            $crate::__conformance_test!(bad_fri_fold_two_columns, $device, $config, $ignore);
            $crate::__conformance_test!(bad_fri_fold_length_one, $device, $config, $ignore);
            $crate::__conformance_test!(bad_fri_fold_shift_zero, $device, $config, $ignore);
            $crate::__conformance_test!(bad_fri_commit_layer_two_columns, $device, $config, $ignore);
            $crate::__conformance_test!(bad_fri_commit_layer_length_one, $device, $config, $ignore);
            $crate::__conformance_test!(bad_add_scaled_shape_mismatch, $device, $config, $ignore);
            $crate::__conformance_test!(bad_logup_column_out_of_range, $device, $config, $ignore);
            $crate::__conformance_test!(bad_logup_preprocessed_column_out_of_range, $device, $config, $ignore);
            $crate::__conformance_test!(bad_logup_preprocessed_height, $device, $config, $ignore);
            $crate::__conformance_test!(bad_logup_expression_too_deep, $device, $config, $ignore);
            $crate::__conformance_test!(bad_logup_no_interactions, $device, $config, $ignore);
            $crate::__conformance_test!(bad_logup_main_not_power_of_two, $device, $config, $ignore);
            $crate::__conformance_test!(bad_logup_main_zero_columns, $device, $config, $ignore);
            $crate::__conformance_test!(bad_grind_bits_65, $device, $config, $ignore);
            $crate::__conformance_test!(bad_ood_point_in_domain, $device, $config, $ignore);
            $crate::__conformance_test!(bad_ood_height_not_power_of_two, $device, $config, $ignore);
            $crate::__conformance_test!(bad_deep_height_mismatch, $device, $config, $ignore);
            $crate::__conformance_test!(bad_deep_point_index_out_of_range, $device, $config, $ignore);
            $crate::__conformance_test!(bad_deep_value_count, $device, $config, $ignore);
            $crate::__conformance_test!(bad_deep_point_in_domain, $device, $config, $ignore);
            $crate::__conformance_test!(bad_deep_no_openings, $device, $config, $ignore);
            $crate::__conformance_test!(bad_constraints_system_not_topological, $device, $config, $ignore);
            $crate::__conformance_test!(bad_constraints_degree_overflow, $device, $config, $ignore);
            $crate::__conformance_test!(bad_constraints_domain_eval_below_trace, $device, $config, $ignore);
            $crate::__conformance_test!(bad_constraints_shift_in_subgroup, $device, $config, $ignore);
            $crate::__conformance_test!(bad_constraints_main_width, $device, $config, $ignore);
            $crate::__conformance_test!(bad_constraints_preprocessed, $device, $config, $ignore);
            $crate::__conformance_test!(bad_constraints_aux_missing, $device, $config, $ignore);
            $crate::__conformance_test!(bad_constraints_challenge_count, $device, $config, $ignore);
            $crate::__conformance_test!(bad_constraints_public_count, $device, $config, $ignore);
            $crate::__conformance_test!(bad_constraints_periodic, $device, $config, $ignore);
            $crate::__conformance_test!(check_constraints, $device, $config, $ignore);
            $crate::__conformance_test!(check_constraints_large, $device, $config, $ignore);
            $crate::__conformance_test!(check_deep, $device, $config, $ignore);
            $crate::__conformance_test!(check_deep_large, $device, $config, $ignore);
            $crate::__conformance_test!(check_deep_many_points_and_wide_openings, $device, $config, $ignore);
            $crate::__conformance_test!(check_fri_fold, $device, $config, $ignore);
            $crate::__conformance_test!(check_fri_fold_large, $device, $config, $ignore);
            $crate::__conformance_test!(check_fri_commit_layer, $device, $config, $ignore);
            $crate::__conformance_test!(check_add_scaled, $device, $config, $ignore);
            $crate::__conformance_test!(check_golden_digests, $device, $config, $ignore);
            $crate::__conformance_test!(check_grind, $device, $config, $ignore);
            $crate::__conformance_test!(check_batch_inverse_fp, $device, $config, $ignore);
            $crate::__conformance_test!(check_batch_inverse_fp3, $device, $config, $ignore);
            $crate::__conformance_test!(check_batch_inverse_zeros_and_large, $device, $config, $ignore);
            $crate::__conformance_test!(check_lde_fp, $device, $config, $ignore);
            $crate::__conformance_test!(check_lde_fp3, $device, $config, $ignore);
            $crate::__conformance_test!(check_coeffs_to_coset_fp, $device, $config, $ignore);
            $crate::__conformance_test!(check_coeffs_to_coset_fp3, $device, $config, $ignore);
            $crate::__conformance_test!(check_lde_many_columns_and_zeros, $device, $config, $ignore);
            $crate::__conformance_test!(check_lde_restricts_to_input, $device, $config, $ignore);
            $crate::__conformance_test!(check_lde_large, $device, $config, $ignore);
            $crate::__conformance_test!(check_upload_lde_is_upload_then_lde, $device, $config, $ignore);
            $crate::__conformance_test!(check_upload_lde_commit_is_upload_lde_then_commit, $device, $config, $ignore);
            $crate::__conformance_test!(check_logup_fingerprints, $device, $config, $ignore);
            $crate::__conformance_test!(check_logup_aux_trace, $device, $config, $ignore);
            $crate::__conformance_test!(check_logup_balanced_bus, $device, $config, $ignore);
            $crate::__conformance_test!(check_logup_large, $device, $config, $ignore);
            $crate::__conformance_test!(check_merkle_fp, $device, $config, $ignore);
            $crate::__conformance_test!(check_merkle_fp3, $device, $config, $ignore);
            $crate::__conformance_test!(check_merkle_zeros, $device, $config, $ignore);
            $crate::__conformance_test!(check_merkle_large, $device, $config, $ignore);
            $crate::__conformance_test!(check_merkle_tables_fp, $device, $config, $ignore);
            $crate::__conformance_test!(check_merkle_tables_fp3, $device, $config, $ignore);
            $crate::__conformance_test!(check_merkle_tables_large, $device, $config, $ignore);
            $crate::__conformance_test!(check_ntt_fp, $device, $config, $ignore);
            $crate::__conformance_test!(check_ntt_fp3, $device, $config, $ignore);
            $crate::__conformance_test!(check_ntt_many_columns, $device, $config, $ignore);
            $crate::__conformance_test!(check_ntt_zeros, $device, $config, $ignore);
            $crate::__conformance_test!(check_ntt_round_trip_large, $device, $config, $ignore);
            $crate::__conformance_test!(check_ood_fp, $device, $config, $ignore);
            $crate::__conformance_test!(check_ood_fp3, $device, $config, $ignore);
            $crate::__conformance_test!(check_ood_large, $device, $config, $ignore);
            $crate::__conformance_test!(check_concurrent_contexts, $device, $config, $ignore);
            $crate::__conformance_test!(check_order_after_hands_work_between_contexts, $device, $config, $ignore);
            $crate::__conformance_test!(check_proofs_match_reference, $device, $config, $ignore);
            $crate::__conformance_test!(check_golden_proof_digests, $device, $config, $ignore);
            $crate::__conformance_test!(check_concurrent_provers, $device, $config, $ignore);
            $crate::__conformance_test!(check_proofs_through_dual_with_reference, $device, $config, $ignore);
        }
    };
}

/// One test of [`conformance_suite!`]; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_test {
    ($check:ident, $device:expr, $config:expr, []) => {
        #[test]
        fn $check() {
            let device = $device;
            let config: $crate::SuiteConfig = $config;
            $crate::suite::$check(&device, &config);
        }
    };
    ($check:ident, $device:expr, $config:expr, [$reason:literal]) => {
        #[test]
        #[ignore = $reason]
        fn $check() {
            let device = $device;
            let config: $crate::SuiteConfig = $config;
            $crate::suite::$check(&device, &config);
        }
    };
}
