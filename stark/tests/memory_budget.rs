//! A memory budget (`Prover::with_memory_budget`): a proof whose plan does
//! not fit any schedule fails with `OutOfMemory` naming its largest table;
//! one that fits (concurrently or in turn, keeping or releasing the traces
//! in round 4) gives the same bytes as a prover without a budget.

use backend_cpu::CpuDevice;
use stark::examples::vm::Vm;
use stark::{Options, Prover, ProverError};

fn prover() -> Prover<CpuDevice> {
    Prover::with_options(CpuDevice::new(), Options::insecure_test()).unwrap()
}

#[test]
fn a_budget_too_small_is_refused_naming_the_largest_table() {
    let (air, public, traces) = Vm::generate(8, 2).unwrap();
    let key = prover().setup(&air).unwrap();
    let plan = prover().memory_plan(&key);
    let largest = plan.largest_table().unwrap().clone();
    let least = plan.releasing.1;
    let tight = prover().with_memory_budget(least - 1);
    match tight.prove_with_key(&key, &public, &traces) {
        Err(ProverError::OutOfMemory {
            needed,
            available,
            table,
            table_bytes,
        }) => {
            assert_eq!((needed, available), (least, least - 1));
            assert_eq!((table_bytes, table), (largest.held(), largest.name));
        }
        other => panic!("expected OutOfMemory, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn a_budget_that_fits_gives_the_same_proof() {
    let (air, public, traces) = Vm::generate(8, 2).unwrap();
    let key = prover().setup(&air).unwrap();
    let plan = prover().memory_plan(&key);
    let bytes = |p: Prover<CpuDevice>| {
        let key = p.setup(&air).unwrap();
        p.prove_with_key(&key, &public, &traces)
            .unwrap()
            .0
            .to_bytes()
    };
    let free = bytes(prover());
    let budgets = [
        plan.releasing.1,
        plan.releasing.0,
        plan.in_turn,
        plan.concurrent,
    ];
    for budget in budgets {
        assert_eq!(
            bytes(prover().with_memory_budget(budget)),
            free,
            "budget {budget}"
        );
    }
}
