use sim::{SimOptions, Simulation};
use zab::Time;
fn main() {
    let a: Vec<u64> = std::env::args()
        .skip(1)
        .map(|s| s.parse().unwrap_or(0))
        .collect();
    let mut o = SimOptions::new(a[0], a[1] as u32, a[2] as u32).expect("x");
    o.latency_ms = (1, 60);
    o.start = sim::StartPlan::Staggered { max_ms: 1500 };
    let mut sim = Simulation::new(o).expect("x");
    sim.run_until(Time(a[3]));
    for e in sim.log() {
        println!("{:>6} {}", e.time.0, e.event.describe());
    }
}
