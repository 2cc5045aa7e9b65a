// Test classes run one after another: many seed libtorch's global generator (manual_seed), which parallel
// classes would interleave, and on 2 cores parallel libtorch work only oversubscribes the threads.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
