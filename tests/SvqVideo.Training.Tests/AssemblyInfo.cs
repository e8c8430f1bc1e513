// The trainer changes process-wide libtorch state (the global generator's seed, the intra-op thread count; the
// backward pass narrows the pool), so the tests of this assembly run one at a time: in parallel, one test's
// seeding or thread change lands in the middle of another's run (non-reproducible losses, and libtorch's thread
// pool is not safe to resize while another thread computes).
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
