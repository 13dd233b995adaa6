// The browser tests measure how soon an alarm reaches a page (within 2 s, the acceptance); on the two cores
// they share with other work, classes run one after the other so that one class's gateway never starves another's.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
